/**
 * What the chain would refuse about a set of weights, checked before signing (network-2026 §5,
 * `subnets/weights.rs`), so that a validator without a permit or stake is told what to do
 * instead of paying for commits whose reveals all fail.
 */
import type { ChainContext } from '../core/context'
import { ChainError } from '../core/errors'
import { readBigint, readNumber, readVector, subtensorItem } from '../core/storage'
import type { EpochState } from '../epoch'
import { epochIndexAt } from '../epoch'
import type { Hyperparameters } from '../types'
import { weightCommitsOf } from './epoch-state'
import { readStakeWeight, readTaoWeight } from './stake-weights'

const U16_MAX = 65535
/** `weights.rs:121`: live commits per hotkey and subnet. */
export const MAX_UNREVEALED_COMMITS = 10

/**
 * The stake the chain compares with `StakeThreshold` for this hotkey, in rao: total stake, alpha
 * inherited through child keys plus TaoWeight x root TAO (network-2026 §6,
 * `get_stake_weights_for_hotkey_on_subnet`).
 */
export async function weightsStakeOf(ctx: ChainContext, netuid: number, hotkey: string): Promise<bigint> {
  return (await readStakeWeight(ctx.api, hotkey, netuid, await readTaoWeight(ctx.api))).total
}

const TAO = 1_000_000_000n
function tao(rao: bigint): string {
  return `${rao / TAO}.${(rao % TAO).toString().padStart(9, '0').slice(0, 4)}`
}

async function ownerHotkey(ctx: ChainContext, netuid: number): Promise<string | null> {
  const f = subtensorItem(ctx.api, 'subnetOwnerHotkey')
  return f ? String(await f(netuid)) : null
}

/** `is_self_weight`: exactly one entry, on the caller's own uid. */
function selfWeight(uid: number, uids: readonly number[]): boolean {
  return uids.length === 1 && uids[0] === uid
}

/**
 * Permit (`weights.rs:1157-1172`), StakeThreshold (`lib.rs:2752-2762`), MinAllowedWeights
 * (`:1174-1196`) and MaxWeightsLimit (`:1212-1226`, `math.rs:132`), in the chain's order; the
 * subnet owner's hotkey is exempt from stake and permit, a self-weight from permit and length.
 */
export async function assertWeightsAccepted(ctx: ChainContext, netuid: number, hotkey: string, uid: number, hp: Hyperparameters, uids: readonly number[], values: readonly number[]): Promise<void> {
  const isOwner = (await ownerHotkey(ctx, netuid)) === hotkey
  const self = selfWeight(uid, uids)
  if (!isOwner) {
    const threshold = (await readBigint(ctx.api, 'stakeThreshold')) ?? 0n
    const stake = await weightsStakeOf(ctx, netuid, hotkey)
    if (stake < threshold) {
      throw new ChainError(
        'SubtensorModule.NotEnoughStakeToSetWeights',
        `The hotkey has ${tao(stake)} stake on subnet ${netuid}; the network requires ${tao(threshold)} to set weights. Stake more to this hotkey (or have others delegate to it), then try again. Nothing was sent.`,
      )
    }
  }
  if (!self && !isOwner && (await readVector(ctx.api, 'validatorPermit', netuid))[uid] !== 'true') {
    throw new ChainError(
      'SubtensorModule.NeuronNoValidatorPermit',
      `uid ${uid} has no validator permit on subnet ${netuid}, so the chain refuses its weights. Permits go to the top ${hp.maxAllowedValidators} hotkeys by stake at each epoch: add stake, wait for the next epoch, then try again. Nothing was sent.`,
    )
  }
  const n = (await readNumber(ctx.api, 'subnetworkN', netuid)) ?? 0
  const minLength = Math.min(n, hp.minAllowedWeights)
  if (!self && uids.length < minLength) {
    throw new ChainError('SubtensorModule.WeightVecLengthIsLow', `Subnet ${netuid} requires weights on at least ${minLength} uids; these have ${uids.length}. Score more miners, then try again. Nothing was sent.`)
  }
  const sum = values.reduce((a, b) => a + b, 0)
  if (!self && hp.maxWeightsLimit !== U16_MAX && sum > 0 && Math.max(...values) / sum > hp.maxWeightsLimit / U16_MAX) {
    const pct = ((hp.maxWeightsLimit / U16_MAX) * 100).toFixed(1)
    throw new ChainError('SubtensorModule.MaxWeightExceeded', `Subnet ${netuid} caps any single weight at ${pct} % of the total; the largest here is ${((Math.max(...values) / sum) * 100).toFixed(1)} %. Spread the weights over more uids. Nothing was sent.`)
  }
}

/** Refuses an 11th live commit (`TooManyUnrevealedCommits`, `weights.rs:113-121`), counting as the chain does. */
export async function assertCommitRoom(ctx: ChainContext, netuid: number, hotkey: string, st: EpochState, revealPeriod: number): Promise<void> {
  const now = epochIndexAt(st)
  const live = (await weightCommitsOf(ctx, netuid, hotkey)).filter((c) => st.kind === 'legacy' || c.epoch + revealPeriod >= now)
  if (live.length >= MAX_UNREVEALED_COMMITS) {
    throw new ChainError(
      'SubtensorModule.TooManyUnrevealedCommits',
      `This hotkey already has ${live.length} unrevealed commits on subnet ${netuid} (the chain allows ${MAX_UNREVEALED_COMMITS}). Let TaoDesk reveal them (keep the validator running) or wait for them to expire, then commit again. Nothing was sent.`,
    )
  }
}
