/**
 * The Yuma consensus epoch of subtensor's `epoch_mechanism` (`pallets/subtensor/src/epoch/run_epoch.rs:566-1076`
 * at 14bc6f9f), in float64, with Yuma3 and liquid alpha (`run_epoch.rs:1340-1532`).
 * Pure: storage values in, storage values out. The chain runs this in I32F32 fixed point; float64
 * agrees to about 1e-9 except where values are quantized to u16 (then by at most one step).
 */

export type SparseRow = ReadonlyArray<readonly [number, number]>

export interface YumaInput {
  /** Number of uids (SubnetworkN). */
  readonly n: number
  readonly currentBlock: number
  readonly activityCutoff: number
  /** Block of the previous epoch + 1 (bonds of miners registered since then are dropped). */
  readonly lastTempoBlock: number
  readonly lastUpdate: readonly number[]
  readonly blockAtRegistration: readonly number[]
  /** Stored weight rows (raw u16 values, any scale; rows are normalized here). */
  readonly weights: readonly SparseRow[]
  /** Stored bond rows (raw u16). */
  readonly bonds: readonly SparseRow[]
  /** Stored permits from the previous epoch (used for masking in this one). */
  readonly validatorPermit: readonly boolean[]
  /** Stake per uid in any unit (alpha + TaoWeight * root stake). */
  readonly stake: readonly number[]
  readonly stakeThreshold: number
  /** The subnet owner's uid, if the owner hotkey is registered. */
  readonly ownerUid?: number
  /** kappa as a proportion (u16 / 65535). */
  readonly kappa: number
  /** BondsMovingAverage (u64, per million): EMA alpha = 1 - value / 1e6. */
  readonly bondsMovingAverage: number
  /** BondsPenalty as a proportion (u16 / 65535). */
  readonly bondsPenalty: number
  readonly maxAllowedValidators: number
  readonly yuma3: boolean
  /**
   * `LiquidAlphaOn` with `AlphaValues` as proportions (u16 / 65535) and the raw i16
   * `AlphaSigmoidSteepness`. The chain consults it only under Yuma3 (`compute_bonds_sparse`).
   */
  readonly liquidAlpha?: LiquidAlpha
  /**
   * Commit-reveal on: per uid, the commit block of its earliest unexpired commit (undefined when none);
   * weights to a uid registered after that block are dropped (`run_epoch.rs:718-765`).
   */
  readonly commitBlocks?: ReadonlyArray<number | undefined>
  /** Alpha (rao) distributed by this epoch. */
  readonly raoEmission: number
}

export interface LiquidAlpha {
  readonly low: number
  readonly high: number
  readonly steepness: number
}

export interface YumaOutput {
  readonly active: boolean[]
  readonly stakeNormalized: number[]
  readonly activeStake: number[]
  readonly consensus: number[]
  readonly validatorTrust: number[]
  readonly incentive: number[]
  readonly dividends: number[]
  /** New permits (stored for the next epoch). */
  readonly validatorPermit: boolean[]
  readonly serverEmission: number[]
  readonly validatorEmission: number[]
  readonly emission: number[]
  /** New bond rows as stored u16 values. */
  readonly bonds: Array<Array<[number, number]>>
  /** The u16 forms the chain stores. */
  readonly u16: {
    readonly incentive: number[]
    readonly dividends: number[]
    readonly consensus: number[]
    readonly validatorTrust: number[]
    readonly stakeWeight: number[]
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)

function normalize(xs: readonly number[]): number[] {
  const s = sum(xs)
  return s > 0 ? xs.map((x) => x / s) : xs.map(() => 0)
}

/** `floor(x * 65535)`, saturating (I32F32 `to_num::<u16>` truncates). */
export function toU16(x: number): number {
  if (!(x > 0)) return 0
  return Math.min(65535, Math.floor(x * 65535 + 1e-9))
}

/**
 * Stake-weighted quantile by subtensor's deterministic mid-pivot partition search
 * (`weighted_median`). Returns the score level that at least `1 - minority` of stake supports.
 */
export function weightedMedian(
  stake: readonly number[],
  score: readonly number[],
  idx: readonly number[],
  minority: number,
  lo: number,
  hi: number,
): number {
  const n = idx.length
  if (n === 0) return 0
  if (n === 1) return score[idx[0]!]!
  const pivot = score[idx[Math.floor(n / 2)]!]!
  let loStake = 0
  let hiStake = 0
  const lower: number[] = []
  const upper: number[] = []
  for (const i of idx) {
    const v = score[i]!
    if (v === pivot) continue
    if (v < pivot) {
      loStake += stake[i]!
      lower.push(i)
    } else {
      hiStake += stake[i]!
      upper.push(i)
    }
  }
  if (lo + loStake <= minority && minority < hi - hiStake) return pivot
  if (minority < lo + loStake && lower.length > 0) return weightedMedian(stake, score, lower, minority, lo, lo + loStake)
  if (hi - hiStake <= minority && upper.length > 0) return weightedMedian(stake, score, upper, minority, hi - hiStake, hi)
  return pivot
}

/** `weighted_median_col_sparse`: per column, the kappa-quantile over rows with positive stake. */
export function consensusOf(activeStake: readonly number[], w: readonly number[][], columns: number, kappa: number): number[] {
  const rows: number[] = []
  activeStake.forEach((s, i) => {
    if (s > 0) rows.push(i)
  })
  const useStake = normalize(rows.map((i) => activeStake[i]!))
  const stakeSum = sum(useStake)
  const minority = stakeSum - kappa
  const idx = useStake.map((_, k) => k)
  const out: number[] = new Array<number>(columns).fill(0)
  for (let c = 0; c < columns; c++) {
    const score = rows.map((i) => w[i]?.[c] ?? 0)
    out[c] = weightedMedian(useStake, score, idx, minority, 0, stakeSum)
  }
  return out
}

/** Indices of the k largest non-zero values (stable: on ties the lower index wins). */
function topKNonZero(values: readonly number[], k: number): boolean[] {
  const order = values
    .map((v, i) => [v, i] as const)
    .filter(([v]) => v > 0)
    .sort((a, b) => (b[0] !== a[0] ? b[0] - a[0] : a[1] - b[1]))
  const out = values.map(() => false)
  for (const [, i] of order.slice(0, Math.max(0, k))) out[i] = true
  return out
}

function dense(rows: readonly SparseRow[], n: number): number[][] {
  const out: number[][] = []
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n).fill(0)
    for (const [j, v] of rows[i] ?? []) if (j >= 0 && j < n) row[j] = v
    out.push(row)
  }
  return out
}

function colNormalize(m: number[][], n: number): void {
  for (let j = 0; j < n; j++) {
    let s = 0
    for (let i = 0; i < n; i++) s += m[i]![j]!
    if (s > 0) for (let i = 0; i < n; i++) m[i]![j] = m[i]![j]! / s
  }
}

/** `compute_disabled_liquid_alpha` (`run_epoch.rs:1534-1544`): 1 - BondsMovingAverage / 1e6. */
const fixedAlpha = (input: YumaInput): number => 1 - input.bondsMovingAverage / 1e6

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x))

/** `alpha_sigmoid` (`run_epoch.rs:1505-1532`): the EMA rate of one (validator, miner) bond. */
export function alphaSigmoid(consensus: number, weight: number, bond: number, la: LiquidAlpha): number {
  const diffBuy = clamp(weight - consensus, 0, 1)
  const diffSell = clamp(bond - weight, 0, 1)
  const combined = weight >= bond ? diffBuy : diffSell
  // exp_safe clamps its input to [-20, 20] (`math.rs:172-195`).
  const sigmoid = 1 / (1 + Math.exp(clamp((la.steepness / -100) * (combined - 0.5), -20, 20)))
  return clamp(la.low + sigmoid * (la.high - la.low), la.low, la.high)
}

/**
 * Yuma3 bonds (`compute_bonds_sparse`, `run_epoch.rs:1340-1380`). With liquid alpha and any consensus,
 * `mat_ema_alpha_sparse` (`math.rs:1464-1525`) writes only the cells the weights-for-bonds row holds,
 * capped at 1: a bond to a miner the validator no longer weights is gone, not decayed. Otherwise
 * `mat_ema_sparse` (`math.rs:1406-1462`) with the fixed rate keeps every positive cell.
 */
function yuma3Bonds(input: YumaInput, Wb: number[][], held: boolean[][], B: number[][], C: readonly number[]): number[][] {
  const la = input.liquidAlpha
  if (la && C.some((c) => c !== 0)) {
    return Wb.map((row, i) =>
      row.map((w, j) => {
        if (!held[i]![j]) return 0
        const a = alphaSigmoid(C[j]!, w, B[i]![j]!, la)
        return Math.min(1, (1 - a) * B[i]![j]! + Math.max(0, a * w))
      }),
    )
  }
  const alpha = fixedAlpha(input)
  return Wb.map((row, i) => row.map((w, j) => Math.max(0, alpha * w + (1 - alpha) * B[i]![j]!)))
}

export function runEpoch(input: YumaInput): YumaOutput {
  const { n } = input
  const owner = input.ownerUid
  // 1. Active.
  const active = Array.from({ length: n }, (_, i) => !((input.lastUpdate[i] ?? 0) + input.activityCutoff < input.currentBlock))
  // 2. Stake.
  const rawStake = Array.from({ length: n }, (_, i) => {
    const s = input.stake[i] ?? 0
    return s < input.stakeThreshold && i !== owner ? 0 : s
  })
  const s = normalize(rawStake)
  const newPermit = topKNonZero(s, input.maxAllowedValidators)
  if (owner !== undefined && owner < n) newPermit[owner] = true
  const oldPermit = Array.from({ length: n }, (_, i) => input.validatorPermit[i] ?? false)
  if (owner !== undefined && owner < n) oldPermit[owner] = true
  // 3. Active stake.
  const a = normalize(s.map((x, i) => (active[i] && oldPermit[i] ? x : 0)))
  // 4. Weights (masked, row-normalized).
  const W = dense(input.weights, n)
  // Which cells the sparse matrix still holds (a stored 0 is held; liquid alpha tells them apart).
  const held = W.map(() => new Array<boolean>(n).fill(false))
  input.weights.forEach((row, i) => {
    for (const [j] of row) if (i < n && j >= 0 && j < n) held[i]![j] = true
  })
  const reg = (j: number): number => input.blockAtRegistration[j] ?? 0
  for (let i = 0; i < n; i++) {
    const row = W[i]!
    const commitBlock = input.commitBlocks?.[i]
    for (let j = 0; j < n; j++) {
      const masked =
        !oldPermit[i] ||
        (i === j && i !== owner) ||
        (input.lastUpdate[i] ?? 0) <= reg(j) ||
        (commitBlock !== undefined && commitBlock < reg(j))
      if (masked) {
        row[j] = 0
        held[i]![j] = false
      }
    }
    const rs = sum(row)
    for (let j = 0; j < n; j++) row[j] = rs > 0 ? row[j]! / rs : 0
  }
  // 5. Consensus.
  const C = consensusOf(a, W, n, input.kappa)
  // 6. Clipping.
  const Wc = W.map((row) => row.map((w, j) => (C[j]! > 0 ? Math.min(w, C[j]!) : 0)))
  // 7. Validator trust.
  const validatorTrust = Wc.map((row) => sum(row))
  // 8. Incentive.
  const R = new Array<number>(n).fill(0)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) R[j] = R[j]! + a[i]! * Wc[i]![j]!
  const incentive = normalize(R)
  // 9. Weights for bonds.
  const p = input.bondsPenalty
  const Wb = W.map((row, i) => row.map((w, j) => w + p * (Wc[i]![j]! - w)))
  // col_clip_sparse drops a cell clipped to a zero consensus (`math.rs:921-945`); interpolate_sparse
  // returns either matrix as is at ratio 0 or 1 and otherwise keeps positive cells (`math.rs:1247-1295`).
  const clippedHeld = held.map((row, i) => row.map((h, j) => h && !(C[j]! < W[i]![j]! && !(C[j]! > 0))))
  const wbHeld = p === 0 ? held : p === 1 ? clippedHeld : Wb.map((row) => row.map((w) => w > 0))
  // 10/11. Bonds and dividends.
  const B = dense(input.bonds, n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if ((input.blockAtRegistration[j] ?? 0) >= input.lastTempoBlock) B[i]![j] = 0
  }
  let dividends: number[]
  let storedBonds: number[][]
  if (!input.yuma3) {
    const alpha = fixedAlpha(input)
    colNormalize(B, n)
    const dB = Wb.map((row, i) => row.map((w) => w * a[i]!))
    colNormalize(dB, n)
    const ema = dB.map((row, i) => row.map((d, j) => alpha * d + (1 - alpha) * B[i]![j]!))
    colNormalize(ema, n)
    dividends = normalize(ema.map((row) => row.reduce((acc, b, j) => acc + b * incentive[j]!, 0)))
    // Stored: column max-upscaled, then u16.
    const up = ema.map((row) => [...row])
    for (let j = 0; j < n; j++) {
      let mx = 0
      for (let i = 0; i < n; i++) mx = Math.max(mx, up[i]![j]!)
      if (mx > 0) for (let i = 0; i < n; i++) up[i]![j] = up[i]![j]! / mx
    }
    storedBonds = up
  } else {
    const Bf = B.map((row) => row.map((b) => b / 65535))
    const ema = yuma3Bonds(input, Wb, wbHeld, Bf, C)
    const Bn = ema.map((row) => [...row])
    colNormalize(Bn, n)
    dividends = normalize(Bn.map((row, i) => a[i]! * row.reduce((acc, b, j) => acc + b * incentive[j]!, 0)))
    storedBonds = ema
  }
  // 12. Emission split.
  const E = incentive.map((x, i) => x + dividends[i]!)
  const total = sum(E)
  let serverShare: number[]
  let validatorShare: number[]
  let combined: number[]
  if (total === 0) {
    serverShare = new Array<number>(n).fill(0)
    validatorShare = sum(a) > 0 ? a : s
    combined = validatorShare
  } else {
    serverShare = incentive.map((x) => x / total)
    validatorShare = dividends.map((x) => x / total)
    combined = E.map((x) => x / total)
  }
  const rao = input.raoEmission
  const bonds: Array<Array<[number, number]>> = storedBonds.map((row, i) =>
    newPermit[i] ? row.flatMap((b, j) => (toU16(b) > 0 ? [[j, toU16(b)] as [number, number]] : [])) : [],
  )
  return {
    active,
    stakeNormalized: s,
    activeStake: a,
    consensus: C,
    validatorTrust,
    incentive,
    dividends,
    validatorPermit: newPermit,
    serverEmission: serverShare.map((x) => Math.floor(x * rao)),
    validatorEmission: validatorShare.map((x) => Math.floor(x * rao)),
    emission: combined.map((x) => Math.floor(x * rao)),
    bonds,
    u16: {
      incentive: incentive.map(toU16),
      dividends: dividends.map(toU16),
      consensus: C.map(toU16),
      validatorTrust: validatorTrust.map(toU16),
      stakeWeight: s.map(toU16),
    },
  }
}
