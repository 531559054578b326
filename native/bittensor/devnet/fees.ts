import type { ChainCodec } from './codec'

/**
 * Transaction fees as subtensor's runtime computes them (pallet_transaction_payment with
 * subtensor's configuration):
 *
 *   partial_fee = base_fee + len_fee + adjusted_weight_fee          (Pays::Yes calls only)
 *   base_fee    = WeightToFee(BlockWeights.per_class.normal.base_extrinsic)
 *   len_fee     = LengthToFee(encoded length)  = 1 rao per byte      (IdentityFee)
 *   weight_fee  = FeeMultiplier · WeightToFee(call weight)          (ConstFeeMultiplier, 1)
 *   WeightToFee = Perbill(500_000) · ref_time                       (LinearWeightToFee)
 *
 * BlockWeights and DbWeight come from the runtime metadata's constants. WeightToFee's coefficient
 * and the per-call weights are not in metadata; they are subtensor's values (the dispatch weight
 * annotations of pallet_subtensor, and pallet_balances' benchmarked transfer weights, rounded).
 * Pays::No calls (weights, commit/reveal, serve_axon) cost nothing, as on the real chain.
 * What `TransactionPaymentApi.query_info` reports is exactly what a block charges.
 */

/** LinearWeightToFee: Perbill::from_parts(500_000) per unit of ref_time. */
export const WEIGHT_FEE_PERBILL = 500_000n
const PERBILL = 1_000_000_000n

export interface CallWeight {
  /** Ref-time of the call body before database accesses. */
  readonly refTime: bigint
  readonly reads: number
  readonly writes: number
  readonly paysFee: boolean
}

/** Dispatch weights by polkadot.js `section.method`: also the list of calls the practice devnet executes. */
export const CALL_WEIGHTS: Readonly<Record<string, CallWeight>> = {
  'subtensorModule.setWeights': { refTime: 15_540_000_000n, reads: 4111, writes: 2, paysFee: false },
  'subtensorModule.commitWeights': { refTime: 67_770_000n, reads: 10, writes: 2, paysFee: false },
  'subtensorModule.revealWeights': { refTime: 122_000_000n, reads: 17, writes: 2, paysFee: false },
  'subtensorModule.serveAxon': { refTime: 33_010_000n, reads: 4, writes: 1, paysFee: false },
  'subtensorModule.burnedRegister': { refTime: 354_200_000n, reads: 47, writes: 40, paysFee: true },
  'subtensorModule.registerLimit': { refTime: 354_200_000n, reads: 47, writes: 40, paysFee: true },
  // weights.rs:1682-1690 (SubtensorWeight::set_subnet_identity, subtensor 14bc6f9f).
  'subtensorModule.setSubnetIdentity': { refTime: 17_513_000n, reads: 1, writes: 1, paysFee: true },
  'subtensorModule.addStake': { refTime: 340_800_000n, reads: 25, writes: 16, paysFee: true },
  'subtensorModule.removeStake': { refTime: 196_800_000n, reads: 19, writes: 10, paysFee: true },
  // weights.rs:1064-1071 and :1213-1220 (SubstrateWeight::add_stake_limit / remove_stake_limit, subtensor 14bc6f9f).
  'subtensorModule.addStakeLimit': { refTime: 853_005_000n, reads: 32, writes: 16, paysFee: true },
  'subtensorModule.removeStakeLimit': { refTime: 740_696_000n, reads: 27, writes: 13, paysFee: true },
  'balances.transferKeepAlive': { refTime: 49_000_000n, reads: 1, writes: 1, paysFee: true },
  'balances.transferAllowDeath': { refTime: 61_000_000n, reads: 1, writes: 1, paysFee: true },
  // The subnet owner's calls. Subtensor 14bc6f9f `pallets/subtensor/src/weights.rs` (register_network :585-593,
  // start_call :993-1001, register_network_with_identity :1639-1647, set_tempo :2433-2441) and
  // `pallets/admin-utils/src/weights.rs` (sudo_set_max_allowed_uids :454, sudo_set_min_allowed_weights
  // :475, sudo_set_immunity_period :496, sudo_set_commit_reveal_weights_enabled :634). Root-only calls
  // (sudo_set_tempo, sudo_set_weights_set_rate_limit) are listed so a signed call fails as subtensor
  // fails it (BadOrigin) instead of being unknown; their weights are the same order of magnitude.
  'subtensorModule.registerNetwork': { refTime: 277_125_000n, reads: 40, writes: 48, paysFee: true },
  'subtensorModule.registerNetworkWithIdentity': { refTime: 275_041_000n, reads: 39, writes: 47, paysFee: true },
  'subtensorModule.startCall': { refTime: 39_454_000n, reads: 5, writes: 2, paysFee: true },
  'subtensorModule.setTempo': { refTime: 46_407_000n, reads: 6, writes: 3, paysFee: true },
  'adminUtils.sudoSetImmunityPeriod': { refTime: 34_414_000n, reads: 5, writes: 1, paysFee: true },
  'adminUtils.sudoSetMinAllowedWeights': { refTime: 34_664_000n, reads: 5, writes: 1, paysFee: true },
  'adminUtils.sudoSetMaxAllowedUids': { refTime: 43_381_000n, reads: 8, writes: 1, paysFee: true },
  'adminUtils.sudoSetCommitRevealWeightsEnabled': { refTime: 34_544_000n, reads: 5, writes: 1, paysFee: true },
  'adminUtils.sudoSetTempo': { refTime: 34_000_000n, reads: 5, writes: 1, paysFee: true },
  'adminUtils.sudoSetWeightsSetRateLimit': { refTime: 34_000_000n, reads: 5, writes: 1, paysFee: true },
}

/** What a call costs: its dispatch info and the fee split the runtime reports. */
export interface FeeQuote {
  readonly weight: { refTime: bigint; proofSize: bigint }
  readonly class: 'Normal'
  readonly paysFee: boolean
  readonly baseFee: bigint
  readonly lenFee: bigint
  readonly adjustedWeightFee: bigint
  /** base + len + weight for Pays::Yes calls, else 0 (tips excluded). */
  readonly partialFee: bigint
}

/** Perbill · x with the runtime's rounding (nearest, ties down). */
export function perbillMul(parts: bigint, x: bigint): bigint {
  const num = x * parts
  const q = num / PERBILL
  const r = num % PERBILL
  return r * 2n > PERBILL ? q + 1n : q
}

export class FeeSchedule {
  readonly baseExtrinsicRefTime: bigint
  readonly dbRead: bigint
  readonly dbWrite: bigint
  readonly existentialDeposit: bigint

  constructor(codec: ChainCodec) {
    const consts = codec.decorated.consts as unknown as Record<string, Record<string, { toJSON(): unknown; toString(): string }> | undefined>
    const bw = consts.system?.blockWeights?.toJSON() as { perClass?: { normal?: { baseExtrinsic?: { refTime?: number | string } } } } | undefined
    const db = consts.system?.dbWeight?.toJSON() as { read?: number | string; write?: number | string } | undefined
    // Fallbacks are frame's defaults (ExtrinsicBaseWeight, RocksDbWeight) for metadata without them.
    this.baseExtrinsicRefTime = BigInt(bw?.perClass?.normal?.baseExtrinsic?.refTime ?? 125_000_000)
    this.dbRead = BigInt(db?.read ?? 25_000_000)
    this.dbWrite = BigInt(db?.write ?? 100_000_000)
    this.existentialDeposit = BigInt(consts.balances?.existentialDeposit?.toString() ?? 500)
  }

  weightToFee(refTime: bigint): bigint {
    return perbillMul(WEIGHT_FEE_PERBILL, refTime)
  }

  /** ref_time of a call, database accesses included. */
  callWeight(call: string): { refTime: bigint; paysFee: boolean } {
    const w = CALL_WEIGHTS[call]
    if (!w) throw new Error(`The practice devnet has no weight for ${call}`)
    return { refTime: w.refTime + BigInt(w.reads) * this.dbRead + BigInt(w.writes) * this.dbWrite, paysFee: w.paysFee }
  }

  /** The fee of a call with an encoded extrinsic length of `len` bytes (length prefix included). */
  quote(call: string, len: number): FeeQuote {
    const { refTime, paysFee } = this.callWeight(call)
    const baseFee = this.weightToFee(this.baseExtrinsicRefTime)
    const lenFee = BigInt(len)
    const adjustedWeightFee = this.weightToFee(refTime)
    return {
      weight: { refTime, proofSize: 0n },
      class: 'Normal',
      paysFee,
      baseFee,
      lenFee,
      adjustedWeightFee,
      partialFee: paysFee ? baseFee + lenFee + adjustedWeightFee : 0n,
    }
  }
}
