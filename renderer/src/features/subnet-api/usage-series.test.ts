import { describe, expect, it } from 'vitest'
import { usageByDay } from './usage-series'

describe('usage chart rows', () => {
  it('give one row per day with a column per key (0 where a key was idle), oldest first', () => {
    const row = (day: string, keyName: string, tokens: number) => ({ keyId: keyName, keyName, day, requests: 1, texts: 1, tokens })
    const { data, keys } = usageByDay([row('2026-01-02', 'bob', 5), row('2026-01-01', 'acme', 3), row('2026-01-02', 'acme', 7)], 'tokens')
    expect(keys).toEqual(['acme', 'bob'])
    expect(data).toEqual([
      { day: '2026-01-01', acme: 3, bob: 0 },
      { day: '2026-01-02', acme: 7, bob: 5 },
    ])
  })
})
