import type { MuxFrame } from '../../native/rpc/transports/mux'
import { isMuxFrame } from '../../native/rpc/transports/mux'
import { ENGINE_STATE_CHANNEL, RPC_CHANNEL } from '../shared/channels'

export interface WebContentsLike {
  readonly id: number
  send(channel: string, message: unknown): void
  isDestroyed(): boolean
  once(event: 'destroyed', listener: () => void): unknown
}

export interface IpcMainEventLike {
  readonly sender: WebContentsLike
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcMainEventLike, message: unknown) => void): unknown
}

export interface IpcRelayOptions {
  readonly ipcMain: IpcMainLike
  /** Posts a frame to the engine process. */
  readonly postToEngine: (frame: MuxFrame) => void
  /** True for the URL our own renderer is loaded from (file:// or the dev server). */
  readonly isTrustedUrl: (url: string) => boolean
  readonly onRejected: (reason: string, detail: Record<string, unknown>) => void
}

/**
 * Main's only IPC handler: relays envelopes between trusted windows and the engine process.
 * Main does no domain work here; it checks who is talking and forwards. Each window is one
 * logical connection (its webContents id) on the multiplexed engine port.
 */
export class IpcRelay {
  private readonly windows = new Map<number, WebContentsLike>()

  constructor(private readonly options: IpcRelayOptions) {
    options.ipcMain.on(RPC_CHANNEL, (event, message) => this.fromWindow(event, message))
  }

  /** Only registered windows may talk to the engine. */
  trust(contents: WebContentsLike): void {
    this.windows.set(contents.id, contents)
    // Open the engine-side connection now, so the window receives events before its first call.
    this.options.postToEngine({ conn: contents.id, open: true })
    contents.once('destroyed', () => {
      this.windows.delete(contents.id)
      this.options.postToEngine({ conn: contents.id, closed: true })
    })
  }

  /** Feed every message the engine process posts. */
  fromEngine(frame: unknown): void {
    if (!isMuxFrame(frame) || frame.closed) return
    const target = this.windows.get(frame.conn)
    if (target && !target.isDestroyed()) target.send(RPC_CHANNEL, frame.msg)
  }

  /** Tell every window that the engine went down or came back. */
  engineState(up: boolean): void {
    for (const contents of this.windows.values()) {
      if (contents.isDestroyed()) continue
      // A restarted engine knows no connections: reopen one per window before telling it.
      if (up) this.options.postToEngine({ conn: contents.id, open: true })
      contents.send(ENGINE_STATE_CHANNEL, { up })
    }
  }

  private fromWindow(event: IpcMainEventLike, message: unknown): void {
    const reason = this.rejectReason(event)
    if (reason) {
      this.options.onRejected(reason, { sender: event.sender.id, url: event.senderFrame?.url })
      return
    }
    this.options.postToEngine({ conn: event.sender.id, msg: message })
  }

  private rejectReason(event: IpcMainEventLike): string | undefined {
    if (!this.windows.has(event.sender.id)) return 'unknown sender'
    const frame = event.senderFrame
    if (!frame) return 'no sender frame'
    if (frame.parent !== null) return 'message from a subframe'
    if (!this.options.isTrustedUrl(frame.url)) return 'untrusted origin'
    return undefined
  }
}
