/**
 * `SubnetInfoRuntimeApi_get_metagraph` and `_get_selective_metagraph` of the practice network
 * (`rpc_info/metagraph.rs`): the whole subnet in one call. Field order and types come from the
 * shipped metadata; values from storage as the runtime fills them (`metagraph.rs:640-800`):
 * `pruning_score`, `trust` and `rank` are empty vectors (`:751,772-773`), and the stake vectors are
 * `get_stake_weights_for_network` (`:775-786`).
 */
import { u8aToU8a } from '@polkadot/util'
import type { ChainCodec } from './codec'
import { stakeWeightsForNetwork } from './stake-weights'
import type { StateStore } from './state'

const SUB = 'SubtensorModule'
const EMPTY_AXON = { block: 0, version: 0, ip: 0, port: 0, ipType: 0, protocol: 0, placeholder1: 0, placeholder2: 0 }

/** The Metagraph struct's field names in SCALE order (indexes of `get_selective_metagraph`). */
export function metagraphFieldNames(codec: ChainCodec): string[] {
  return Object.keys(codec.registry.createType('PalletSubtensorRpcInfoMetagraph').toJSON() as object)
}

/** Every Metagraph field of a subnet (camelCase keys, as the registry takes them); undefined when it does not exist. */
export function metagraphValue(state: StateStore, netuid: number, block: number): Record<string, unknown> | undefined {
  if (!state.bool(SUB, 'NetworksAdded', netuid)) return undefined
  const n = state.num(SUB, 'SubnetworkN', netuid)
  const num = (item: string): number => state.num(SUB, item, netuid)
  const big = (item: string): bigint => state.u64(SUB, item, netuid)
  const hotkeys = Array.from({ length: n }, (_, uid) => state.get(SUB, 'Keys', netuid, uid).toString())
  const stake = stakeWeightsForNetwork(state, netuid, hotkeys)
  const identity = state.maybe(SUB, 'SubnetIdentitiesV3', netuid)?.toJSON() as { subnetName?: string } | undefined
  const lastStep = Number(big('LastMechansimStepBlock'))
  return {
    netuid,
    name: Array.from(u8aToU8a(identity?.subnetName ?? '')),
    symbol: [],
    identity: identity ?? null,
    networkRegisteredAt: big('NetworkRegisteredAt'),
    ownerHotkey: state.get(SUB, 'SubnetOwnerHotkey', netuid).toString(),
    ownerColdkey: state.get(SUB, 'SubnetOwner', netuid).toString(),
    block,
    tempo: num('Tempo'),
    lastStep,
    blocksSinceLastStep: big('BlocksSinceLastStep'),
    subnetEmission: 0,
    alphaIn: big('SubnetAlphaIn'),
    alphaOut: big('SubnetAlphaOut'),
    taoIn: big('SubnetTAO'),
    alphaOutEmission: 0,
    alphaInEmission: 0,
    taoInEmission: 0,
    pendingAlphaEmission: big('PendingServerEmission') + big('PendingValidatorEmission'),
    pendingRootEmission: 0,
    subnetVolume: 0,
    movingPrice: { bits: 0 },
    rho: num('Rho'),
    kappa: num('Kappa'),
    minAllowedWeights: num('MinAllowedWeights'),
    maxWeightsLimit: num('MaxWeightsLimit'),
    weightsVersion: big('WeightsVersionKey'),
    weightsRateLimit: big('WeightsSetRateLimit'),
    activityCutoff: num('ActivityCutoff'),
    maxValidators: num('MaxAllowedValidators'),
    numUids: n,
    maxUids: num('MaxAllowedUids'),
    burn: big('Burn'),
    difficulty: 0,
    registrationAllowed: state.bool(SUB, 'NetworkRegistrationAllowed', netuid),
    powRegistrationAllowed: false,
    immunityPeriod: num('ImmunityPeriod'),
    minDifficulty: 0,
    maxDifficulty: 0,
    minBurn: big('MinBurn'),
    maxBurn: big('MaxBurn'),
    adjustmentAlpha: 0,
    adjustmentInterval: num('AdjustmentInterval'),
    targetRegsPerInterval: num('TargetRegistrationsPerInterval'),
    maxRegsPerBlock: num('MaxRegistrationsPerBlock'),
    servingRateLimit: big('ServingRateLimit'),
    commitRevealWeightsEnabled: state.bool(SUB, 'CommitRevealWeightsEnabled', netuid),
    commitRevealPeriod: big('RevealPeriodEpochs'),
    liquidAlphaEnabled: state.bool(SUB, 'LiquidAlphaOn', netuid),
    alphaHigh: 0,
    alphaLow: 0,
    bondsMovingAvg: big('BondsMovingAverage'),
    hotkeys,
    coldkeys: hotkeys.map((hk) => state.get(SUB, 'Owner', hk).toString()),
    identities: hotkeys.map(() => null),
    axons: hotkeys.map((hk) => state.maybe(SUB, 'Axons', netuid, hk)?.toJSON() ?? EMPTY_AXON),
    active: state.vecBool(SUB, 'Active', netuid),
    validatorPermit: state.vecBool(SUB, 'ValidatorPermit', netuid),
    pruningScore: [],
    lastUpdate: state.vecBig(SUB, 'LastUpdate', netuid),
    emission: state.vecBig(SUB, 'Emission', netuid),
    dividends: state.vecNum(SUB, 'Dividends', netuid),
    incentives: state.vecNum(SUB, 'Incentive', netuid),
    consensus: state.vecNum(SUB, 'Consensus', netuid),
    trust: [],
    rank: [],
    blockAtRegistration: hotkeys.map((_, uid) => state.u64(SUB, 'BlockAtRegistration', netuid, uid)),
    alphaStake: stake.map((s) => s.alpha),
    taoStake: stake.map((s) => s.tao),
    totalStake: stake.map((s) => s.total),
    taoDividendsPerHotkey: [],
    alphaDividendsPerHotkey: [],
  }
}

/**
 * `get_selective_metagraph` (`metagraph.rs:841-...`): the same values, each field `Some` only when its
 * index was asked for (netuid always); 72 `validators` and 73 `commitments` exist only here.
 */
export function selectiveMetagraphValue(codec: ChainCodec, state: StateStore, netuid: number, block: number, indexes: readonly number[]): Record<string, unknown> | undefined {
  const full = metagraphValue(state, netuid, block)
  if (!full) return undefined
  const names = [...metagraphFieldNames(codec), 'validators', 'commitments']
  const extra: Record<string, unknown> = { validators: [], commitments: [] }
  const out: Record<string, unknown> = Object.fromEntries(names.map((k) => [k, null]))
  out.netuid = netuid
  for (const i of indexes) {
    const key = names[i]
    if (key === undefined || key === 'netuid') continue
    const v = key in full ? full[key] : extra[key]
    // Field 3 is Option<Option<SubnetIdentityV3>>: Some(None) when asked for and unset.
    out[key] = key === 'identity' ? { some: v } : v
  }
  return out
}
