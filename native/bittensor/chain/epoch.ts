/**
 * Where a subnet's epochs fall, the one place TaoDesk computes it (network-2026 §2, §3.1).
 *
 * Runtimes since the stateful scheduler (subtensor `06032d518`, finney spec 424) fire an epoch at
 * `LastEpochBlock + Tempo` (or at `PendingEpochAt` when the owner triggered one) and count epochs in
 * `SubnetEpochIndex`; commit-reveal windows key off that counter. Older runtimes lack the storage
 * and keep the modulo rule `(block + netuid + 1) % (tempo + 1) == 0`; the metadata tells which.
 * The functions over {@link EpochState} are pure so that callers and tests share them.
 */
import type { ApiPromise } from '@polkadot/api'

/** `MAX_TEMPO`: past this many blocks without a successful epoch the safety net fires one (`run_coinbase.rs:1094`). */
export const MAX_TEMPO = 50_400

export type SchedulerKind = 'stateful' | 'legacy'

/** The scheduler state of one subnet as read at best block `block` (state after that block). */
export interface EpochState {
  readonly kind: SchedulerKind
  readonly netuid: number
  readonly block: number
  readonly tempo: number
  readonly lastEpochBlock: number
  readonly pendingEpochAt: number
  readonly epochIndex: number
  readonly blocksSinceLastStep: number
}

/** Stateful when the runtime metadata has `SubtensorModule.SubnetEpochIndex` (network-2026 §2.6). */
export function schedulerKind(api: ApiPromise): SchedulerKind {
  const q = api.query.subtensorModule as unknown as Record<string, unknown> | undefined
  return q?.subnetEpochIndex && q.lastEpochBlock ? 'stateful' : 'legacy'
}

function legacyEpoch(st: EpochState, block: number): number {
  return Math.floor((block + st.netuid + 1) / (st.tempo + 1))
}

/** The block at which the next epoch fires (after `st.block`); null when tempo is 0 (the subnet never runs one). */
export function nextEpochBlock(st: EpochState): number | null {
  if (st.tempo === 0) return null
  const h = st.block
  if (st.kind === 'legacy') return h + 1 + st.tempo - ((h + st.netuid + 1) % (st.tempo + 1))
  if (st.blocksSinceLastStep + 1 > MAX_TEMPO) return h + 1
  let n = st.lastEpochBlock + st.tempo
  if (st.pendingEpochAt > 0) n = Math.min(n, st.pendingEpochAt)
  return Math.max(n, h + 1)
}

/**
 * The epoch index an extrinsic included in block `at` (default: the next block) is tagged with:
 * `current_epoch_with_lookahead` (`weights.rs:1275-1283`), the counter plus one when an epoch fires
 * in that block's on_initialize. Only blocks up to the next epoch are exact; later ones assume no
 * deferral and period `tempo`.
 */
export function epochIndexAt(st: EpochState, at = st.block + 1): number {
  if (st.kind === 'legacy') return legacyEpoch(st, at)
  const next = nextEpochBlock(st)
  if (next === null || at < next) return st.epochIndex
  return st.epochIndex + 1 + Math.floor((at - next) / Math.max(1, st.tempo))
}

/** First block at which the counter (with lookahead) reaches `epoch`; `st.block + 1` if it already has. */
function firstBlockOfEpoch(st: EpochState, epoch: number): number {
  const now = st.block + 1
  const current = epochIndexAt(st, now)
  if (epoch <= current) return now
  const next = nextEpochBlock(st) ?? now
  return next + (epoch - current - 1) * Math.max(1, st.tempo)
}

export interface RevealWindow {
  /** The epoch index a reveal must be tagged with: commit epoch + RevealPeriodEpochs. */
  readonly epoch: number
  /** First and last block in which the chain takes the reveal (estimates past the next epoch). */
  readonly first: number
  readonly last: number
}

/** Where the reveal of a commit tagged `commitEpoch` is taken (`weights.rs:1255-1260`: exact equality). */
export function revealWindow(st: EpochState, commitEpoch: number, revealPeriod: number): RevealWindow {
  const epoch = commitEpoch + revealPeriod
  if (st.kind === 'legacy') {
    const first = epoch * (st.tempo + 1) - (st.netuid + 1)
    return { epoch, first, last: first + st.tempo }
  }
  return { epoch, first: firstBlockOfEpoch(st, epoch), last: firstBlockOfEpoch(st, epoch + 1) - 1 }
}

/** Whether a reveal sent now (for the next block) would be too early, on time or too late. */
export function revealPhase(st: EpochState, commitEpoch: number, revealPeriod: number): 'early' | 'open' | 'expired' {
  const now = epochIndexAt(st)
  const target = commitEpoch + revealPeriod
  return now < target ? 'early' : now === target ? 'open' : 'expired'
}
