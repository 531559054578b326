import { Emitter } from '../../base'
import type { Transport } from '../transport'

/**
 * Many logical connections over one message port (Electron main <-> engine utility process).
 * Frames are `{ conn, open: true }` (a peer exists and wants events), `{ conn, msg }`, or
 * `{ conn, closed: true }`.
 */
export interface MuxFrame {
  readonly conn: number
  readonly msg?: unknown
  readonly open?: true
  readonly closed?: true
}

export function isMuxFrame(value: unknown): value is MuxFrame {
  return typeof value === 'object' && value !== null && typeof (value as { conn?: unknown }).conn === 'number'
}

/** One side of a multiplexed port: creates a Transport per connection id. */
export class MuxEndpoint {
  private readonly ends = new Map<number, { messages: Emitter<unknown>; closes: Emitter<void> }>()

  constructor(
    private readonly post: (frame: MuxFrame) => void,
    private readonly onOpen: (conn: number, transport: Transport) => void = () => {},
  ) {}

  /** Feed every frame that arrives on the port. Unknown connection ids open a new connection. */
  receive(frame: unknown): void {
    if (!isMuxFrame(frame)) return
    if (frame.closed) {
      this.closeLocal(frame.conn)
      return
    }
    if (!this.ends.has(frame.conn)) this.onOpen(frame.conn, this.open(frame.conn))
    if (!frame.open) this.ends.get(frame.conn)?.messages.fire(frame.msg)
  }

  open(conn: number): Transport {
    const existing = this.ends.get(conn)
    const end = existing ?? { messages: new Emitter<unknown>(), closes: new Emitter<void>() }
    this.ends.set(conn, end)
    return {
      onMessage: end.messages.event,
      onClose: end.closes.event,
      send: (msg) => {
        if (!this.ends.has(conn)) throw new Error('Connection closed')
        this.post({ conn, msg })
      },
      close: () => {
        if (!this.ends.has(conn)) return
        this.post({ conn, closed: true })
        this.closeLocal(conn)
      },
    }
  }

  closeAll(): void {
    for (const conn of [...this.ends.keys()]) this.closeLocal(conn)
  }

  private closeLocal(conn: number): void {
    const end = this.ends.get(conn)
    if (!end) return
    this.ends.delete(conn)
    end.closes.fire()
    end.messages.dispose()
    end.closes.dispose()
  }
}
