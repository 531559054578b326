import { describe, expect, it } from 'vitest'
import type { LeaderboardEntry } from '../../../../native/contract'
import { leaderboardEntry } from '../../../../test/support/leaderboard-entry'
import { nextSort, sortLeaderboard } from './leaderboard-sort'

const row = (uid: number, over: Partial<LeaderboardEntry>): LeaderboardEntry => leaderboardEntry(uid, over)

describe('leaderboard sorting', () => {
  it('sorts by the chosen column, nulls last in both directions, ties by uid', () => {
    const rows = [row(2, { avgLatencyS: 3 }), row(0, { avgLatencyS: null }), row(1, { avgLatencyS: 1 }), row(3, { avgLatencyS: 1 })]
    expect(sortLeaderboard(rows, { key: 'avgLatencyS', desc: false }).map((r) => r.uid)).toEqual([1, 3, 2, 0])
    expect(sortLeaderboard(rows, { key: 'avgLatencyS', desc: true }).map((r) => r.uid)).toEqual([2, 1, 3, 0])
  })

  it('handles 256 rows and does not mutate its input', () => {
    const rows = Array.from({ length: 256 }, (_, i) => row(i, { movingAverage: (i * 37) % 256 }))
    const sorted = sortLeaderboard(rows, { key: 'movingAverage', desc: true })
    expect(sorted[0].movingAverage).toBe(255)
    expect(rows[0].uid).toBe(0)
  })

  it('flips direction on the same column and picks a natural one for a new column', () => {
    expect(nextSort({ key: 'uid', desc: false }, 'uid')).toEqual({ key: 'uid', desc: true })
    expect(nextSort({ key: 'uid', desc: false }, 'avgScore')).toEqual({ key: 'avgScore', desc: true })
    expect(nextSort({ key: 'avgScore', desc: true }, 'avgLatencyS')).toEqual({ key: 'avgLatencyS', desc: false })
  })
})
