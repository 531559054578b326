/**
 * `SubnetInfoRuntimeApi_get_subnet_hyperparams_v3` and `_v2` of the practice network
 * (`rpc_info/subnet_info.rs`): V3 is a list of (name, tagged value) in the runtime getter's order
 * (`:468-640`), V2 the struct with the same names (`:88-124`). Values are the storage items the
 * getters read (`utils/misc.rs`); `yuma_version` is 3 when `Yuma3On`, else 2; `alpha_low`/`alpha_high`
 * come from `AlphaValues`; `user_liquidity_enabled` is always false. Items this runtime's metadata
 * lacks are left out of V3 (clients treat names as optional) and read as 0 in V2.
 */
import type { ChainCodec } from './codec'
import type { StateStore } from './state'

const SUB = 'SubtensorModule'
type Variant = 'Bool' | 'U16' | 'U32' | 'U64' | 'TaoBalance' | 'I32F32' | 'U64F64'

/** [V3 name, value variant, storage item] in the order of `get_subnet_hyperparams_v3`. */
const V3: ReadonlyArray<readonly [string, Variant, string]> = [
  ['kappa', 'U16', 'Kappa'],
  ['immunity_period', 'U16', 'ImmunityPeriod'],
  ['min_allowed_weights', 'U16', 'MinAllowedWeights'],
  ['max_weights_limit', 'U16', 'MaxWeightsLimit'],
  ['tempo', 'U16', 'Tempo'],
  ['weights_version', 'U64', 'WeightsVersionKey'],
  ['weights_rate_limit', 'U64', 'WeightsSetRateLimit'],
  ['activity_cutoff', 'U64', 'ActivityCutoff'],
  ['activity_cutoff_factor', 'U32', 'ActivityCutoffFactorMilli'],
  ['registration_allowed', 'Bool', 'NetworkRegistrationAllowed'],
  ['target_regs_per_interval', 'U16', 'TargetRegistrationsPerInterval'],
  ['min_burn', 'TaoBalance', 'MinBurn'],
  ['max_burn', 'TaoBalance', 'MaxBurn'],
  ['burn_half_life', 'U16', 'BurnHalfLife'],
  ['burn_increase_mult', 'U64F64', 'BurnIncreaseMult'],
  ['bonds_moving_avg', 'U64', 'BondsMovingAverage'],
  ['max_regs_per_block', 'U16', 'MaxRegistrationsPerBlock'],
  ['serving_rate_limit', 'U64', 'ServingRateLimit'],
  ['max_validators', 'U16', 'MaxAllowedValidators'],
  ['commit_reveal_period', 'U64', 'RevealPeriodEpochs'],
  ['commit_reveal_weights_enabled', 'Bool', 'CommitRevealWeightsEnabled'],
  ['alpha_high', 'U16', 'AlphaValues'],
  ['alpha_low', 'U16', 'AlphaValues'],
  ['liquid_alpha_enabled', 'Bool', 'LiquidAlphaOn'],
  ['alpha_sigmoid_steepness', 'I32F32', 'AlphaSigmoidSteepness'],
  ['yuma_version', 'U16', 'Yuma3On'],
  ['subnet_is_active', 'Bool', 'SubtokenEnabled'],
  ['transfers_enabled', 'Bool', 'TransferToggle'],
  ['bonds_reset_enabled', 'Bool', 'BondsResetOn'],
  ['user_liquidity_enabled', 'Bool', ''],
  ['owner_cut_enabled', 'Bool', 'OwnerCutEnabled'],
  ['owner_cut_auto_lock_enabled', 'Bool', 'OwnerCutAutoLockEnabled'],
]

/** One hyperparameter as its getter computes it from storage. */
function valueOf(state: StateStore, netuid: number, name: string, variant: Variant, item: string): unknown {
  if (item === '') return false
  if (name === 'yuma_version') return state.bool(SUB, item, netuid) ? 3 : 2
  if (item === 'AlphaValues') {
    const [low, high] = state.get(SUB, item, netuid).toJSON() as [number, number]
    return name === 'alpha_low' ? low : high
  }
  // AlphaSigmoidSteepness is an i16 turned into I32F32 (`misc.rs:832-835`): bits = value · 2^32.
  if (variant === 'I32F32') return { bits: BigInt(state.num(SUB, item, netuid)) << 32n }
  if (variant === 'U64F64') return state.get(SUB, item, netuid).toJSON()
  if (variant === 'Bool') return state.bool(SUB, item, netuid)
  return state.get(SUB, item, netuid).toString()
}

/** The V3 list of a subnet, or null when it does not exist. */
export function hyperparamsV3Value(codec: ChainCodec, state: StateStore, netuid: number): Array<{ name: string; value: Record<string, unknown> }> | null {
  if (!state.bool(SUB, 'NetworksAdded', netuid)) return null
  return V3.filter(([, , item]) => item === '' || codec.has(SUB, item)).map(([name, variant, item]) => ({ name, value: { [variant]: valueOf(state, netuid, name, variant, item) } }))
}

/** The V2 struct of a subnet (camelCase keys), or null when it does not exist. */
export function hyperparamsV2Value(codec: ChainCodec, state: StateStore, netuid: number): Record<string, unknown> | null {
  const list = hyperparamsV3Value(codec, state, netuid)
  if (!list) return null
  const byName = new Map(list.map((e) => [e.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), Object.values(e.value)[0]]))
  const fields = Object.keys(codec.registry.createType('PalletSubtensorRpcInfoSubnetInfoSubnetHyperparamsV2').toJSON() as object)
  return Object.fromEntries(fields.map((f) => [f, byName.get(f) ?? (f === 'rho' ? state.num(SUB, 'Rho', netuid) : 0)]))
}
