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
  /** Owning coldkey ('' when unknown): the subnet owner's hotkeys can be immortal. */
  readonly coldkey?: string
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
  /** The subnet owner's coldkey: its oldest hotkeys are immortal up to `immuneOwnerUidsLimit`. */
  readonly ownerColdkey?: string | null
  /** `ImmuneOwnerUidsLimit` (default 1, subtensor `lib.rs:2243`). */
  readonly immuneOwnerUidsLimit?: number
  /** `MinNonImmuneUids` (default 10, `lib.rs:1105`); 0 on runtimes without it. */
  readonly minNonImmuneUids?: number
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

type PruningInput = Pick<RewardsInput, 'neurons' | 'block' | 'immunityPeriod' | 'ownerHotkey' | 'ownerColdkey' | 'immuneOwnerUidsLimit' | 'minNonImmuneUids'>

/**
 * The owner's immortal hotkeys (`registration.rs:237-276`): the owner coldkey's hotkeys, oldest
 * registration first, up to `ImmuneOwnerUidsLimit`, with the owner hotkey put first if missing.
 */
function immortalHotkeys(input: PruningInput): Set<string> {
  const limit = input.immuneOwnerUidsLimit ?? 1
  const owned = input.ownerColdkey ? input.neurons.filter((n) => n.coldkey === input.ownerColdkey) : []
  const out = [...owned].sort((a, b) => (a.registrationBlock ?? 0) - (b.registrationBlock ?? 0) || a.uid - b.uid).slice(0, limit).map((n) => n.hotkey)
  if (input.ownerHotkey && input.neurons.some((n) => n.hotkey === input.ownerHotkey) && !out.includes(input.ownerHotkey)) {
    out.unshift(input.ownerHotkey)
    out.splice(limit)
  }
  return new Set(out)
}

/**
 * The uids in the order successive registrations would replace them (`get_neuron_to_prune`,
 * `registration.rs:280-356`): lowest emission first, ties to the older registration then the lower
 * uid; immortal owner hotkeys never. Non-immune uids go first, but only while there are more than
 * `MinNonImmuneUids` of them; after that the immune ones go, newcomers included, and the remaining
 * non-immune uids are protected by the floor (listed last). `immuneExposed`: the very next
 * registration already replaces an immune uid.
 */
export function pruningOrder(input: PruningInput): { order: RewardsNeuron[]; immuneExposed: boolean; immortal: ReadonlySet<string> } {
  const immortal = immortalHotkeys(input)
  const cands = input.neurons.filter((n) => !immortal.has(n.hotkey))
  const isImmune = (n: RewardsNeuron): boolean => n.registrationBlock !== null && input.block - n.registrationBlock < input.immunityPeriod
  const byChainRule = (a: RewardsNeuron, b: RewardsNeuron): number =>
    a.emission !== b.emission ? a.emission - b.emission : (a.registrationBlock ?? 0) !== (b.registrationBlock ?? 0) ? (a.registrationBlock ?? 0) - (b.registrationBlock ?? 0) : a.uid - b.uid
  const free = cands.filter((n) => !isImmune(n)).sort(byChainRule)
  const immune = cands.filter(isImmune).sort(byChainRule)
  const prunableFree = Math.max(0, free.length - (input.minNonImmuneUids ?? 0))
  const order = [...free.slice(0, prunableFree), ...immune, ...free.slice(prunableFree)]
  return { order, immuneExposed: prunableFree === 0 && immune.length > 0, immortal }
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
  // A miner that earns nothing is last, tied with the others that earn nothing: "1 of N" for an
  // all-zero subnet would read as the best-paid.
  const rank = { position: me.incentive > 0 ? 1 + miners.filter((n) => n.incentive > me.incentive).length : miners.length, of: miners.length }

  const immunity =
    me.registrationBlock === null
      ? null
      : (() => {
          const left = Math.max(0, me.registrationBlock + input.immunityPeriod - input.block)
          return { registrationBlock: me.registrationBlock, immunityPeriod: input.immunityPeriod, blocksLeft: left, immune: left > 0 }
        })()

  const subnetFull = input.neurons.length >= input.maxAllowedUids
  const { order, immuneExposed, immortal } = pruningOrder(input)
  const index = order.findIndex((n) => n.hotkey === me.hotkey)
  const position = index >= 0 ? index + 1 : null
  let deregistration: MinerRewards['deregistration']
  if (immortal.has(me.hotkey)) {
    deregistration = { level: 'low', position: null, of: order.length, subnetFull, message: "This is one of the subnet owner's hotkeys, which are never pruned." }
  } else if (immunity?.immune && (!immuneExposed || !subnetFull)) {
    // While non-immune uids are above MinNonImmuneUids they go first; otherwise, on a full subnet, immunity protects nobody.
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
    // First in line is never "low": with free slots it becomes next as soon as the subnet fills.
    const level: MinerRewards['deregistration']['level'] = position === 1 ? (subnetFull ? 'high' : 'medium') : subnetFull && position <= close ? 'medium' : 'low'
    const where = `${position} of ${order.length} in the pruning order (lowest emission first; immune neurons too once no more than MinNonImmuneUids are not immune)`
    deregistration = {
      level,
      position,
      of: order.length,
      subnetFull,
      message: !subnetFull
        ? `The subnet has free slots (${input.neurons.length} of ${input.maxAllowedUids}), so new registrations do not replace anyone yet. You are ${where}${position === 1 ? ': once the subnet is full, the next registration replaces you' : ''}.`
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
