import type { LeaderboardEntry } from '../../native/contract'

/** A leaderboard row of a miner that answered once with nothing remarkable, changed by `over`. */
export function leaderboardEntry(uid: number, over: Partial<LeaderboardEntry> = {}): LeaderboardEntry {
  return {
    uid,
    hotkey: `hk${uid}`,
    lastScore: 0,
    avgScore: 0,
    lastTop1: 0,
    avgTop1: 0,
    avgTop3: 0,
    avgLatencyS: null,
    availability: 0,
    queries: 1,
    lastSeen: null,
    lastStatus: 200,
    lastMessage: 'Success',
    movingAverage: 0,
    weight: 0,
    consensus: null,
    ...over,
  }
}
