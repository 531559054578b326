/**
 * What a miner earns and how safe its slot is, from one read of its subnet (spec §6.6, §7, §2.5).
 * Pure: the chain feed (chain-feed.ts) gathers the inputs every block; tests feed it directly.
 */
import type { MinerRewards } from '../../../contract'

/** Seconds per block on subtensor. */
export const BLOCK_SECONDS = 12
const BLOCKS_PER_DAY = (24 * 3600) / BLOCK_SECONDS

export interface RewardsNeuron {
  readonly uid: number
  readonly hotkey: string
  readonly incentive: number
  /** Alpha per epoch (tokens, not rao). */
  readonly emission: number
  readonly validatorPermit: boolean
  readonly dividends: number
  /** Block the uid was (re)registered at; null when the chain does not say. */
  readonly registrationBlock: number | null
}

export interface AlphaPrice {
  /** TAO per alpha; null when unknown. */
  readonly tao: number | null
  readonly source: MinerRewards['alphaPrice']['source']
  readonly note: string
}

export interface BurnRule {
  readonly hotkey: string
  /** Share of each round's reward mass the subnet's validators give the burner (0.95 at OpenKaito HEAD). */
  readonly percentage: number
}

export interface RewardsInput {
  readonly network: string
  readonly netuid: number
  readonly hotkey: string
  readonly block: number
  readonly tempo: number
  /** The block the subnet's next epoch fires in, as the chain reports it (null: tempo 0, never). */
  readonly nextEpochBlock: number | null
  readonly immunityPeriod: number
  readonly maxAllowedUids: number
  /** The subnet owner's hotkey: never pruned. */
  readonly ownerHotkey: string | null
  readonly neurons: readonly RewardsNeuron[]
  readonly price: AlphaPrice
  readonly burn: BurnRule
  readonly now?: number
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.001 && x > 0 ? 3 : 1)} %`
}

function duration(blocks: number): string {
  const s = blocks * BLOCK_SECONDS
  if (s < 3600) return `about ${Math.max(1, Math.round(s / 60))} min`
  if (s < 2 * 86400) return `about ${(s / 3600).toFixed(1)} h`
  return `about ${(s / 86400).toFixed(1)} days`
}

/**
 * The uids in the order the chain would prune them: non-immune, non-owner neurons by pruning
 * score (the emission of the last epoch; HEAD stores no separate pruning score), ties broken by
 * the earlier registration, then the lower uid. When every neuron is immune the chain prunes
 * among all of them in the same order.
 */
export function pruningOrder(input: Pick<RewardsInput, 'neurons' | 'block' | 'immunityPeriod' | 'ownerHotkey'>): { order: RewardsNeuron[]; immuneAll: boolean } {
  const cands = input.neurons.filter((n) => n.hotkey !== input.ownerHotkey)
  const isImmune = (n: RewardsNeuron): boolean => n.registrationBlock !== null && input.block - n.registrationBlock < input.immunityPeriod
  const nonImmune = cands.filter((n) => !isImmune(n))
  const pool = nonImmune.length > 0 ? nonImmune : cands
  const order = [...pool].sort((a, b) =>
    a.emission !== b.emission ? a.emission - b.emission : (a.registrationBlock ?? 0) !== (b.registrationBlock ?? 0) ? (a.registrationBlock ?? 0) - (b.registrationBlock ?? 0) : a.uid - b.uid,
  )
  return { order, immuneAll: nonImmune.length === 0 }
}

export function assessRewards(input: RewardsInput): MinerRewards {
  const me = input.neurons.find((n) => n.hotkey === input.hotkey)
  // An epoch every `tempo` blocks, the next one where the chain says (network-2026 §2.2, §2.5).
  const epochsPerDay = input.tempo > 0 ? BLOCKS_PER_DAY / input.tempo : 0
  const nextEpochInBlocks = input.nextEpochBlock === null ? 0 : Math.max(0, input.nextEpochBlock - input.block)
  const price = input.price
  const base = {
    network: input.network,
    netuid: input.netuid,
    hotkey: input.hotkey,
    block: input.block,
    updatedAt: input.now ?? Date.now(),
    tempo: input.tempo,
    epochsPerDay,
    nextEpochInBlocks,
    alphaPrice: { tao: price.tao, source: price.source, note: price.note },
    neurons: input.neurons.length,
    maxNeurons: input.maxAllowedUids,
  }

  // The burner (§2.5): validators running the reference code move p of each round's reward mass to it.
  const burner = input.neurons.find((n) => n.hotkey === input.burn.hotkey)
  const minerIncentiveTotal = input.neurons.reduce((a, n) => a + n.incentive, 0)
  let burn: MinerRewards['burn']
  if (!burner) {
    burn = {
      applies: false,
      burnerUid: null,
      burnerHotkey: input.burn.hotkey,
      percentage: input.burn.percentage,
      burnerIncentive: null,
      incentiveWithoutBurn: me ? me.incentive : null,
      message: `The subnet's burner hotkey is not registered on this network, so validators that follow the reference code burn nothing: all miner emission is shared among miners by incentive.`,
    }
  } else {
    const share = minerIncentiveTotal > 0 ? burner.incentive / minerIncentiveTotal : 0
    const without = me && me.hotkey !== burner.hotkey && share < 1 ? me.incentive / (1 - share) : null
    burn = {
      applies: true,
      burnerUid: burner.uid,
      burnerHotkey: burner.hotkey,
      percentage: input.burn.percentage,
      burnerIncentive: burner.incentive,
      incentiveWithoutBurn: without,
      message:
        `Validators following the reference code give ${pct(input.burn.percentage)} of each round's rewards to the burner (uid ${burner.uid}); ` +
        `on chain it now takes ${pct(share)} of the miner emission, which is burned. Every other miner shares the remaining ${pct(1 - share)}` +
        (without !== null && me ? `: your ${pct(me.incentive)} would be ${pct(without)} without the burn.` : '.'),
    }
  }

  if (!me) {
    return {
      ...base,
      registered: false,
      uid: null,
      incentive: 0,
      emissionAlpha: 0,
      emissionAlphaPerDay: 0,
      emissionTao: null,
      emissionTaoPerDay: null,
      rank: null,
      immunity: null,
      deregistration: { level: 'unknown', position: null, of: 0, subnetFull: input.neurons.length >= input.maxAllowedUids, message: 'This hotkey is not registered on the subnet (or was deregistered). Register it to earn.' },
      burn,
    }
  }

  // Rank among miners: every neuron except working validators (a permit and dividends; miners
  // with enough stake hold a permit too) and the burner; this miner always counts.
  const miners = input.neurons.filter((n) => (!(n.validatorPermit && n.dividends > 0) || n.hotkey === me.hotkey) && n.hotkey !== burner?.hotkey)
  const rank = { position: 1 + miners.filter((n) => n.incentive > me.incentive).length, of: miners.length }

  const immunity =
    me.registrationBlock === null
      ? null
      : (() => {
          const left = Math.max(0, me.registrationBlock + input.immunityPeriod - input.block)
          return { registrationBlock: me.registrationBlock, immunityPeriod: input.immunityPeriod, blocksLeft: left, immune: left > 0 }
        })()

  const subnetFull = input.neurons.length >= input.maxAllowedUids
  const { order, immuneAll } = pruningOrder(input)
  const index = order.findIndex((n) => n.hotkey === me.hotkey)
  const position = index >= 0 ? index + 1 : null
  let deregistration: MinerRewards['deregistration']
  if (me.hotkey === input.ownerHotkey) {
    deregistration = { level: 'low', position: null, of: order.length, subnetFull, message: 'This is the subnet owner hotkey, which is never pruned.' }
  } else if (immunity?.immune && (!immuneAll || !subnetFull)) {
    // (When every neuron is immune and the subnet is full, the chain prunes among the immune too.)
    deregistration = {
      level: 'immune',
      position: null,
      of: order.length,
      subnetFull,
      message: `Immune for ${immunity.blocksLeft} more blocks (${duration(immunity.blocksLeft)}): a new registration cannot take this slot until then. Earn incentive before immunity ends.`,
    }
  } else if (position === null) {
    deregistration = { level: 'unknown', position: null, of: order.length, subnetFull, message: 'The pruning order could not be worked out from the chain data.' }
  } else {
    const close = Math.max(3, Math.ceil(order.length * 0.05))
    const level: MinerRewards['deregistration']['level'] = !subnetFull ? 'low' : position === 1 ? 'high' : position <= close ? 'medium' : 'low'
    const where = `${position} of ${order.length} in the pruning order (lowest emission first among neurons that are not immune)`
    deregistration = {
      level,
      position,
      of: order.length,
      subnetFull,
      message: !subnetFull
        ? `The subnet has free slots (${input.neurons.length} of ${input.maxAllowedUids}), so new registrations do not replace anyone. You are ${where}.`
        : level === 'high'
          ? `Next in line for deregistration: the next registration on this subnet replaces you. You are ${where}. Raise your incentive (a better model, a reachable axon) or expect to be replaced.`
          : level === 'medium'
            ? `Close to deregistration: you are ${where}. A few registrations would replace you.`
            : `Safe for now: you are ${where}.`,
    }
  }

  const emissionAlphaPerDay = me.emission * epochsPerDay
  return {
    ...base,
    registered: true,
    uid: me.uid,
    incentive: me.incentive,
    emissionAlpha: me.emission,
    emissionAlphaPerDay,
    emissionTao: price.tao === null ? null : me.emission * price.tao,
    emissionTaoPerDay: price.tao === null ? null : emissionAlphaPerDay * price.tao,
    rank,
    immunity,
    deregistration,
    burn,
  }
}
