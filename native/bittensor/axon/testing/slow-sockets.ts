import net from 'node:net'

/**
 * A slowloris attacker for loopback tests: sockets that send the start of a request, then a header
 * line now and then, never finish the headers and never read. Each socket comes from one of
 * `sourceAddresses` (Linux answers on all of 127.0.0.0/8, so 127.0.0.2, 127.0.0.3, ... are
 * distinct callers to the axon). With `reconnectMs` a socket the axon closes is opened again,
 * as an attacker that keeps its count up would.
 */
export interface SlowSocketsOptions {
  readonly port: number
  readonly count: number
  readonly sourceAddresses: readonly string[]
  /** Reopen a closed socket after this long; never when left out. */
  readonly reconnectMs?: number
  /** How often each socket sends one more header line. */
  readonly trickleMs?: number
}

/** `127.0.0.<first>` to `127.0.0.<first + n - 1>`. */
export function loopbackAddresses(first: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.0.0.${first + i}`)
}

export class SlowSockets {
  private readonly sockets = new Set<net.Socket>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private stopped = false
  /** Sockets the far side closed (or refused). */
  closedByServer = 0

  constructor(private readonly options: SlowSocketsOptions) {}

  /** Opens all sockets; resolves once each has connected or failed. */
  async open(): Promise<void> {
    const { count, sourceAddresses } = this.options
    await Promise.all(Array.from({ length: count }, (_, i) => this.openOne(sourceAddresses[i % sourceAddresses.length]!)))
  }

  /** Sockets open at this end right now. */
  get openCount(): number {
    return this.sockets.size
  }

  close(): void {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
  }

  private openOne(localAddress: string): Promise<void> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: this.options.port, localAddress })
      this.sockets.add(socket)
      let trickle: NodeJS.Timeout | undefined
      socket.on('connect', () => {
        socket.pause() // never read what the axon sends
        socket.write('POST /TextEmbeddingSynapse HTTP/1.1\r\nHost: axon\r\nContent-Type: application/json\r\n')
        let n = 0
        trickle = setInterval(() => socket.write(`X-Slow-${n++}: ${'a'.repeat(8)}\r\n`), this.options.trickleMs ?? 1000)
        resolve()
      })
      socket.on('error', () => resolve())
      socket.on('close', () => {
        clearInterval(trickle)
        this.sockets.delete(socket)
        if (this.stopped) return
        this.closedByServer++
        if (this.options.reconnectMs === undefined) return
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          if (!this.stopped) void this.openOne(localAddress)
        }, this.options.reconnectMs)
        this.timers.add(timer)
      })
    })
  }
}
