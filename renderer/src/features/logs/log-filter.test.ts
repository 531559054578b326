import { describe, expect, it } from 'vitest'
import type { LogFilter, LogLevel } from '../../../../native/contract'
import { Store } from '../../../../native/platform/store'
import { appendEntries, matchesFilter } from './log-filter'

// The live view decides membership on the client; it must agree with the engine's query.
describe('matchesFilter', () => {
  const store = Store.open(':memory:')
  const levels: LogLevel[] = ['debug', 'info', 'warn', 'error']
  const sources = ['engine', 'miner', 'chain', 'ui']
  const words = ['Request served', 'Weights SET', 'connection lost', 'Ünïcode ok', 'stake 100%_done']
  for (let i = 0; i < 300; i++) {
    store.eventLog.append({ time: 1_000 + i * 7, level: levels[(i * 7) % 4], source: sources[(i * 3) % 4], message: `${words[i % 5]} #${i}`, fields: i % 3 === 0 ? { hotkey: `5Hot${i}`, note: 'Stake' } : {} })
  }
  const all = store.eventLog.query({}, 5000)
  const filters: LogFilter[] = [
    {},
    { levels: ['warn', 'error'] },
    { sources: ['miner', 'ui'] },
    { search: 'stake' },
    { search: 'WEIGHTS' },
    { search: '100%_' },
    { search: 'ünï' },
    { search: 'hot2' },
    { levels: ['info'], sources: ['chain'], search: 'lost' },
    { afterId: 250, beforeId: 280 },
    { since: 1_500, until: 1_900 },
  ]
  it.each(filters.map((f) => [JSON.stringify(f), f] as const))('agrees with the store for %s', (_name, filter) => {
    const fromStore = store.eventLog.query(filter, 5000).map((e) => e.id)
    const fromClient = all.filter((e) => matchesFilter(e, filter)).map((e) => e.id)
    expect(fromClient).toEqual(fromStore)
  })
})

describe('appendEntries', () => {
  const entry = (id: number) => ({ id, time: id, level: 'info' as const, source: 's', message: `m${id}`, fields: {} })
  it('appends only newer entries and caps the view', () => {
    const view = [entry(1), entry(2)]
    expect(appendEntries(view, [entry(2), entry(3)], 10).map((e) => e.id)).toEqual([1, 2, 3])
    expect(appendEntries(view, [entry(3), entry(4)], 3).map((e) => e.id)).toEqual([2, 3, 4])
    expect(appendEntries(view, [entry(1)], 10)).toBe(view)
  })
})
