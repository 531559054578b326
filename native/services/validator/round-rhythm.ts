/**
 * When the validator loop starts its next round. Rounds follow the subnet's epoch by default:
 * miners' scores only matter when weights are set (at most once per epoch length), and a round
 * every few seconds just repeats the same skipped weight attempt. An explicit `intervalS` wins.
 */

/** Bittensor's target block time; caps a wait on a chain that makes blocks slowly or on demand. */
export const BLOCK_TIME_S = 12
/** The pause after a failed round when no epoch is known (nothing could be read). */
export const RETRY_AFTER_FAILURE_S = 30

export interface NextRound {
  /** Wall-clock limit of the wait. */
  readonly seconds: number
  /** Start as soon as the chain reaches this block (null: wait the seconds). */
  readonly atBlock: number | null
}

export function nextRound(p: { intervalS: number; failed: boolean; startBlock: number | null; tempo: number | null }): NextRound {
  if (p.intervalS > 0) return { seconds: p.failed ? Math.max(p.intervalS, RETRY_AFTER_FAILURE_S) : p.intervalS, atBlock: null }
  if (p.tempo === null) return { seconds: RETRY_AFTER_FAILURE_S, atBlock: null }
  // An epoch lasts `tempo` blocks on the stateful scheduler (network-2026 §2.2).
  const epochBlocks = Math.max(1, p.tempo)
  return { seconds: epochBlocks * BLOCK_TIME_S, atBlock: p.startBlock ? p.startBlock + epochBlocks : null }
}
