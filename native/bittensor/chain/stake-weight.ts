/**
 * The stake the chain judges a hotkey by on a subnet (spec network-2026 §6.1), in exact integer
 * arithmetic that reproduces subtensor's fixed-point rounding:
 *
 *   alpha_i = own alpha − Σ alpha·p(children) + Σ parent alpha·p(parent)      (stake_utils.rs:381-452)
 *   tao_i   = own root TAO − Σ tao·p(children) + Σ parent root TAO·p(parent) (stake_utils.rs:313-379)
 *   total   = alpha_i + TaoWeight · tao_i                                      (stake_utils.rs:205-229)
 *
 * Proportions and TaoWeight are u64 fractions of u64::MAX, normalised in U96F32 (32 fractional
 * bits) before multiplying, so the same truncation is applied here. Pure: the practice network
 * and the client's storage fallback both feed it the values they read.
 */

const U64_MAX = (1n << 64n) - 1n
const FRAC = 32n
const ONE = 1n << FRAC

/** The live chain's TaoWeight, 0.18 (`migrations/migrate_rao.rs:64`). */
export const LIVE_TAO_WEIGHT = 3_320_413_933_267_719_290n
/** The runtime's genesis default, about 0.0527 (`runtime/src/lib.rs:1031`). */
export const GENESIS_TAO_WEIGHT = 971_718_665_099_567_868n

/** A u64 fraction of u64::MAX as U96F32 bits (`safe_div` truncates). */
function fraction32(x: bigint): bigint {
  return (x * ONE) / U64_MAX
}

/** TaoWeight as a plain number (0..1), for display. */
export function taoWeightFraction(stored: bigint): number {
  return Number(fraction32(stored)) / Number(ONE)
}

export interface Linkage {
  /** Childkey proportion, u64 (fraction of u64::MAX). */
  readonly proportion: bigint
  /** The other hotkey's stake on the relevant subnet (alpha, or root TAO), rao. */
  readonly stake: bigint
}

/**
 * Own stake minus what children take plus what parents give, floored to whole rao
 * (`get_inherited_for_hotkey_on_subnet`, `get_tao_inherited_for_hotkey_on_subnet`).
 * `children` carry this hotkey's own stake in `stake` (only the proportion matters).
 */
export function inheritedStake(own: bigint, children: readonly Pick<Linkage, 'proportion'>[], parents: readonly Linkage[]): bigint {
  const toChildren = children.reduce((acc, c) => acc + own * fraction32(c.proportion), 0n)
  const fromParents = parents.reduce((acc, p) => acc + p.stake * fraction32(p.proportion), 0n)
  const kept = own * ONE - toChildren
  const bits = (kept > 0n ? kept : 0n) + fromParents
  return bits / ONE
}

export interface StakeWeight {
  /** Inherited alpha on the subnet, rao. */
  readonly alpha: bigint
  /** Inherited root TAO (not weighted), rao. */
  readonly tao: bigint
  /** alpha + TaoWeight·tao, rao: the metagraph's `total_stake`, the SDK's `S`. */
  readonly total: bigint
}

/** `get_stake_weights_for_hotkey_on_subnet` from already-inherited alpha and TAO. */
export function stakeWeight(alpha: bigint, tao: bigint, taoWeightStored: bigint): StakeWeight {
  return { alpha, tao, total: alpha + (tao * fraction32(taoWeightStored)) / ONE }
}
