/**
 * Who may hold one of the axon's sockets. Slots cannot be decided by stake when a socket opens
 * (nothing has been said yet), so every new socket starts "unknown" and becomes "staked" once a
 * request on it is verified as coming from a staked caller. Unknown sockets are bounded per
 * address and in total (the total leaves a reserve that only staked sockets can use); when a new
 * socket would pass the total, the oldest unknown one is cut. A slow-header attacker therefore
 * cannot keep a caller out: its old, silent sockets make room for the newcomer, whose signed
 * headers arrive at once and make it staked, out of reach of eviction.
 */

/** What the guard needs of a socket (tests pass fakes with made-up addresses). */
export interface GuardedSocket {
  readonly remoteAddress?: string | undefined
  destroy(): void
  once(event: 'close', listener: () => void): unknown
}

export interface ConnectionGuardLimits {
  /** Open sockets at once, staked ones included. */
  readonly maxConnections: number
  /** Of those, how many only staked callers can hold: unknown sockets get the rest. */
  readonly reservedStakedConnections: number
  /** Unknown sockets from one address at once; beyond that a new one is closed. */
  readonly maxConnectionsPerIp: number
}

export interface ConnectionCounts {
  readonly open: number
  readonly staked: number
  /** Unknown sockets cut to make room for a newer one. */
  readonly evicted: number
  /** New sockets closed at once (their address's share used up, or every slot staked). */
  readonly refused: number
}

function addressOf(socket: GuardedSocket): string {
  const ip = socket.remoteAddress ?? ''
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip
}

export class ConnectionGuard {
  /** Unknown sockets and their address, oldest first (a Map keeps insertion order). */
  private readonly unknown = new Map<GuardedSocket, string>()
  private readonly staked = new Set<GuardedSocket>()
  private readonly unknownPerIp = new Map<string, number>()
  private evicted = 0
  private refused = 0

  constructor(private readonly limits: ConnectionGuardLimits) {
    if (!(limits.maxConnections >= 1)) throw new Error('maxConnections must be at least 1')
  }

  get counts(): ConnectionCounts {
    return { open: this.unknown.size + this.staked.size, staked: this.staked.size, evicted: this.evicted, refused: this.refused }
  }

  /** A new socket: kept (true), or destroyed now (false). Older unknown sockets may be cut to make room. */
  admit(socket: GuardedSocket): boolean {
    const ip = addressOf(socket)
    if ((this.unknownPerIp.get(ip) ?? 0) >= this.limits.maxConnectionsPerIp) return this.refuse(socket)
    const unknownCap = Math.max(1, this.limits.maxConnections - this.limits.reservedStakedConnections)
    while (this.unknown.size >= unknownCap || this.unknown.size + this.staked.size >= this.limits.maxConnections) {
      const oldest = this.unknown.keys().next()
      if (oldest.done) return this.refuse(socket)
      this.forget(oldest.value)
      this.evicted++
      oldest.value.destroy()
    }
    this.unknown.set(socket, ip)
    this.unknownPerIp.set(ip, (this.unknownPerIp.get(ip) ?? 0) + 1)
    socket.once('close', () => this.forget(socket))
    return true
  }

  /** A staked caller's request was verified on this socket: it is no longer cut to make room. */
  markStaked(socket: GuardedSocket): void {
    if (!this.unknown.has(socket)) return
    this.forget(socket)
    this.staked.add(socket)
  }

  private refuse(socket: GuardedSocket): false {
    this.refused++
    socket.destroy()
    return false
  }

  private forget(socket: GuardedSocket): void {
    this.staked.delete(socket)
    const ip = this.unknown.get(socket)
    if (ip === undefined) return
    this.unknown.delete(socket)
    const left = (this.unknownPerIp.get(ip) ?? 1) - 1
    if (left > 0) this.unknownPerIp.set(ip, left)
    else this.unknownPerIp.delete(ip)
  }
}
