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
