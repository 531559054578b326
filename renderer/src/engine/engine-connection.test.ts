import { describe, expect, it, vi } from 'vitest'
import { EngineConnection } from './engine-connection'
import type { ConnectionState } from './engine-connection'

describe('EngineConnection after a headless restart', () => {
  it('reports "refused" (not endless reconnecting) when the engine no longer accepts this tab', async () => {
    vi.useFakeTimers()
    try {
      const states: ConnectionState[] = []
      const conn = new EngineConnection(() => Promise.reject(new Error('Could not connect to the engine')), 'ws', async () => 'refused')
      conn.onState((s) => states.push(s))
      await vi.advanceTimersByTimeAsync(0)
      expect(conn.state).toBe('refused')
      conn.dispose()
      const offline = new EngineConnection(() => Promise.reject(new Error('down')), 'ws')
      await vi.advanceTimersByTimeAsync(0)
      expect(offline.state).toBe('disconnected')
      offline.dispose()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('EngineConnection follows the header network', () => {
  it('notes when the network is switched, so older data can be marked old', async () => {
    const { MuxEndpoint } = await import('../../../native/rpc')
    const frames: unknown[] = []
    const end = new MuxEndpoint((f) => frames.push(f))
    const transport = end.open(1)
    const conn = new EngineConnection(async () => transport, 'ws')
    await new Promise((r) => setTimeout(r, 0))
    const seen: string[] = []
    conn.onNetwork((n) => seen.push(n))
    const status = (network: string) => ({ conn: 1, msg: { t: 'evt', event: 'chain.status', payload: { network, label: network, endpoint: 'x', customUrl: '', state: 'connected', latencyMs: null, block: 1, chain: null, specVersion: null, lastError: null, since: 0, practiceUrl: null, pendingCommits: 0 } } })
    end.receive(status('finney'))
    expect(conn.network).toBe('finney')
    expect(conn.networkChangedAt).toBeNull()
    end.receive(status('devnet'))
    expect(seen).toEqual(['finney', 'devnet'])
    expect(conn.networkChangedAt).not.toBeNull()
    conn.dispose()
  })
})
