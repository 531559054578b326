import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { ConnectionGuard } from './connection-guard'

/** A socket with a made-up peer address; `destroy()` closes it as a real one would. */
class FakeSocket extends EventEmitter {
  destroyed = false
  constructor(readonly remoteAddress: string) {
    super()
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    queueMicrotask(() => this.emit('close'))
  }
}

const open = (guard: ConnectionGuard, ip: string): FakeSocket => {
  const socket = new FakeSocket(ip)
  guard.admit(socket)
  return socket
}

describe('ConnectionGuard', () => {
  it('bounds the unknown sockets of one address, IPv4-mapped or not', () => {
    const guard = new ConnectionGuard({ maxConnections: 100, reservedStakedConnections: 10, maxConnectionsPerIp: 3 })
    const first = [open(guard, '198.51.100.1'), open(guard, '::ffff:198.51.100.1'), open(guard, '198.51.100.1')]
    const fourth = open(guard, '198.51.100.1')
    expect(first.some((s) => s.destroyed)).toBe(false)
    expect(fourth.destroyed).toBe(true)
    expect(open(guard, '198.51.100.2').destroyed).toBe(false)
    // A staked socket leaves the address's share of unknown sockets.
    guard.markStaked(first[0]!)
    expect(open(guard, '198.51.100.1').destroyed).toBe(false)
    expect(guard.counts).toEqual({ open: 5, staked: 1, evicted: 0, refused: 1 })
  })

  it('cuts the oldest unknown socket for a newcomer, never a staked one, and keeps the reserve for staked callers', async () => {
    const guard = new ConnectionGuard({ maxConnections: 6, reservedStakedConnections: 2, maxConnectionsPerIp: 100 })
    const staked = open(guard, '192.0.2.1')
    guard.markStaked(staked)
    const slow = [1, 2, 3, 4].map((i) => open(guard, `203.0.113.${i}`))
    // Unknown sockets get 6 - 2 = 4 slots: the fifth cuts the oldest unknown one.
    const newcomer = open(guard, '192.0.2.2')
    expect(slow.map((s) => s.destroyed)).toEqual([true, false, false, false])
    expect(newcomer.destroyed).toBe(false)
    expect(staked.destroyed).toBe(false)
    // Once staked, the newcomer is out of reach too; the reserve holds it beside 4 unknown sockets.
    guard.markStaked(newcomer)
    const more = open(guard, '203.0.113.9')
    expect(more.destroyed).toBe(false)
    expect(guard.counts).toMatchObject({ open: 6, staked: 2, evicted: 1 })
    await Promise.resolve()
    // A closed socket gives its slot back.
    staked.destroy()
    await Promise.resolve()
    expect(guard.counts.open).toBe(5)
  })

  it('refuses a newcomer when every slot is held by a staked caller', () => {
    const guard = new ConnectionGuard({ maxConnections: 2, reservedStakedConnections: 1, maxConnectionsPerIp: 10 })
    for (const ip of ['192.0.2.1', '192.0.2.2']) guard.markStaked(open(guard, ip))
    expect(open(guard, '203.0.113.1').destroyed).toBe(true)
    expect(guard.counts).toEqual({ open: 2, staked: 2, evicted: 0, refused: 1 })
  })
})
