import type { LeaderboardEntry } from '../../../../native/contract'

export type SortKey = 'uid' | 'movingAverage' | 'lastScore' | 'avgScore' | 'avgTop1' | 'avgLatencyS' | 'availability' | 'weight' | 'consensus' | 'lastSeen'

export interface SortState {
  readonly key: SortKey
  readonly desc: boolean
}

/** Sorts a copy; missing values (null) always go last, whatever the direction; ties by uid. */
export function sortLeaderboard(rows: readonly LeaderboardEntry[], sort: SortState): LeaderboardEntry[] {
  const dir = sort.desc ? -1 : 1
  return [...rows].sort((a, b) => {
    const x = a[sort.key]
    const y = b[sort.key]
    if (x === null && y === null) return a.uid - b.uid
    if (x === null) return 1
    if (y === null) return -1
    return x === y ? a.uid - b.uid : (x < y ? -1 : 1) * dir
  })
}

/** Clicking the active column flips it; a new column starts with the natural direction. */
export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key === key) return { key, desc: !current.desc }
  return { key, desc: key !== 'uid' && key !== 'avgLatencyS' }
}
