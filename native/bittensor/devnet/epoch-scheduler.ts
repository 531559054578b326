/**
 * The stateful epoch scheduler of subtensor HEAD (network-2026 §2), run in on_initialize:
 * `drain_pending` (`coinbase/run_coinbase.rs:347-431`) with `should_run_epoch` (`:1085-1100`),
 * `get_next_epoch_start_block` (`:1124-1137`) and `current_epoch_with_lookahead`
 * (`subnets/weights.rs:1275-1283`).
 */
import type { StateStore } from './state'

const SUB = 'SubtensorModule'
/** `MAX_TEMPO` (`utils/misc.rs`): the safety net fires once BlocksSinceLastStep exceeds it. */
const MAX_TEMPO = 50_400n

/** `should_run_epoch(netuid, block)` on the state as it stands (`run_coinbase.rs:1085-1100`). */
export function shouldRunEpoch(s: StateStore, netuid: number, block: number): boolean {
  const tempo = s.num(SUB, 'Tempo', netuid)
  if (tempo === 0) return false
  const pending = Number(s.u64(SUB, 'PendingEpochAt', netuid))
  if (pending > 0 && block >= pending) return true
  if (s.u64(SUB, 'BlocksSinceLastStep', netuid) > MAX_TEMPO) return true
  return block - Number(s.u64(SUB, 'LastEpochBlock', netuid)) >= tempo
}

/**
 * `current_epoch_with_lookahead` for an extrinsic in `block`: the counter, plus one when an epoch
 * is due in that block. In a block's dispatch the epoch already ran; in the pool (state of the
 * best block, `block` = best + 1) it has not, hence the look-ahead.
 */
export function epochWithLookahead(s: StateStore, netuid: number, block: number): number {
  const base = Number(s.u64(SUB, 'SubnetEpochIndex', netuid))
  return shouldRunEpoch(s, netuid, block) ? base + 1 : base
}

/** `get_next_epoch_start_block`: None when tempo is 0, else min(LastEpochBlock + tempo, PendingEpochAt if set). */
export function nextEpochStartBlock(s: StateStore, netuid: number): bigint | null {
  const tempo = s.num(SUB, 'Tempo', netuid)
  if (tempo === 0) return null
  const auto = s.u64(SUB, 'LastEpochBlock', netuid) + BigInt(tempo)
  const pending = s.u64(SUB, 'PendingEpochAt', netuid)
  return pending > 0n && pending < auto ? pending : auto
}

/** A new subnet's first slot, staggered by netuid (`subnets/subnet.rs:304-308`). */
export function initialLastEpochBlock(now: number, netuid: number, tempo: number): number {
  return Math.max(0, now - (netuid % Math.max(1, tempo)))
}

/**
 * One block of `drain_pending` over `netuids` (in order): BlocksSinceLastStep += 1, then each due
 * subnet either runs its epoch (`runEpoch`, BlocksSinceLastStep reset) or, past MaxEpochsPerBlock
 * this block, is deferred to the next block (`PendingEpochAt = b + 1`, EpochDeferred). A slot that
 * runs is consumed: LastEpochBlock = b, PendingEpochAt = 0, SubnetEpochIndex += 1.
 */
export function drainPending(s: StateStore, netuids: readonly number[], block: number, runEpoch: (netuid: number) => void, emit: (name: string, fields: unknown[]) => void): void {
  const cap = s.num(SUB, 'MaxEpochsPerBlock')
  let ran = 0
  for (const netuid of netuids) {
    s.set(SUB, 'BlocksSinceLastStep', [netuid], s.u64(SUB, 'BlocksSinceLastStep', netuid) + 1n)
    if (!shouldRunEpoch(s, netuid, block)) continue
    if (ran >= cap) {
      s.set(SUB, 'PendingEpochAt', [netuid], block + 1)
      emit('EpochDeferred', [netuid, block, block + 1])
      continue
    }
    s.set(SUB, 'BlocksSinceLastStep', [netuid], 0n)
    runEpoch(netuid)
    ran++
    s.set(SUB, 'LastEpochBlock', [netuid], block)
    s.set(SUB, 'PendingEpochAt', [netuid], 0)
    s.set(SUB, 'SubnetEpochIndex', [netuid], s.u64(SUB, 'SubnetEpochIndex', netuid) + 1n)
  }
}
