/** Subtensor's block time; the practice network reports its own. */
export const REAL_BLOCK_TIME_MS = 12_000

/** "45 s", "3 min", "2 h 5 min", "1 d 3 h": a rough duration for "about this long". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const min = Math.round(s / 60)
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`
  const d = Math.floor(h / 24)
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`
}

export interface CommitTiming {
  /** 'waiting': before the reveal window; 'due': inside it (TaoDesk reveals now); 'late': past it. */
  readonly phase: 'waiting' | 'due' | 'late'
  /** Blocks until the window opens (0 once open). */
  readonly blocks: number
  /** What to show: "in 14 blocks (about 28 s)", "now (window closes in 5 blocks)", "window closed". */
  readonly text: string
}

/**
 * When a pending commit will be revealed: reveal_weights is accepted from `revealFrom` to
 * `revealUntil` (inclusive), and TaoDesk sends it at the first new block inside that window.
 */
export function commitTiming(c: { revealFrom: number; revealUntil: number }, block: number | null, blockTimeMs: number | null): CommitTiming {
  if (block === null) return { phase: 'waiting', blocks: 0, text: `from block ${c.revealFrom.toLocaleString()}` }
  const about = (blocks: number): string => (blockTimeMs && blockTimeMs > 0 ? ` (about ${formatDuration(blocks * blockTimeMs)})` : '')
  if (block < c.revealFrom) {
    const blocks = c.revealFrom - block
    return { phase: 'waiting', blocks, text: `in ${blocks} block${blocks === 1 ? '' : 's'}${about(blocks)}` }
  }
  if (block <= c.revealUntil) {
    const left = c.revealUntil - block
    return { phase: 'due', blocks: 0, text: `now (window closes in ${left} block${left === 1 ? '' : 's'})` }
  }
  return { phase: 'late', blocks: 0, text: 'window closed' }
}
