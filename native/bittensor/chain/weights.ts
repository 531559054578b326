/**
 * Weight processing as bittensor 9.0.0's weight_utils does it (spec §2.6): L1 normalization,
 * `process_weights_for_netuid` (exclude_quantile 0), `normalize_max_weight`, and the u16
 * conversion of `convert_weights_and_uids_for_emit` (max-upscale, round half to even, drop zeros).
 */

export const U16_MAX = 65535

/** Python 3 `round()` for the values met here: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x)
  const diff = x - f
  if (diff > 0.5) return f + 1
  if (diff < 0.5) return f
  return f % 2 === 0 ? f : f + 1
}

/** `w = scores / max(Σ|scores|, 1e-12)` */
export function l1Normalize(scores: readonly number[]): number[] {
  const sum = scores.reduce((a, b) => a + Math.abs(b), 0)
  const d = Math.max(sum, 1e-12)
  return scores.map((s) => s / d)
}

/** Caps the largest share at `limit` (0..1) by clipping at a computed cutoff, then renormalizes. */
export function normalizeMaxWeight(x: readonly number[], limit: number): number[] {
  const epsilon = 1e-7
  const n = x.length
  const total = x.reduce((a, b) => a + b, 0)
  if (total === 0 || n * limit <= 1) return x.map(() => 1 / n)
  const values = [...x].sort((a, b) => a - b)
  const vSum = values.reduce((a, b) => a + b, 0)
  const estimation = values.map((v) => v / vSum)
  if (Math.max(...estimation) <= limit) return x.map((v) => v / total)
  const cumsum: number[] = []
  let acc = 0
  for (const e of estimation) {
    acc += e
    cumsum.push(acc)
  }
  let nValues = 0
  for (let i = 0; i < n; i++) {
    const estimationSum = (n - i - 1) * estimation[i]
    if (estimation[i] / (estimationSum + cumsum[i] + epsilon) < limit) nValues++
  }
  const cutoffScale = (limit * cumsum[nValues - 1] - epsilon) / (1 - limit * (n - nValues))
  const cutoff = cutoffScale * vSum
  const clipped = x.map((v) => (v > cutoff ? cutoff : v))
  const cSum = clipped.reduce((a, b) => a + b, 0)
  return clipped.map((v) => v / cSum)
}

export interface WeightLimits {
  /** Subnet size (metagraph.n). */
  readonly n: number
  /** `MinAllowedWeights` (a count). */
  readonly minAllowedWeights: number
  /** `MaxWeightsLimit` as a fraction (u16 / 65535). */
  readonly maxWeightLimit: number
}

/** `process_weights_for_netuid` with exclude_quantile = 0. Weights are cast to float32 as in Python. */
export function processWeightsForNetuid(uids: readonly number[], weights: readonly number[], limits: WeightLimits): { uids: number[]; weights: number[] } {
  if (uids.length !== weights.length) throw new Error(`${uids.length} uids but ${weights.length} weights`)
  const w32 = weights.map((w) => Math.fround(w))
  const nzIdx: number[] = []
  for (let i = 0; i < w32.length; i++) if (w32[i] > 0) nzIdx.push(i)
  const n = limits.n
  if (nzIdx.length === 0 || n < limits.minAllowedWeights) {
    return { uids: Array.from({ length: n }, (_, i) => i), weights: Array.from({ length: n }, () => 1 / n) }
  }
  if (nzIdx.length < limits.minAllowedWeights) {
    const filled = Array.from({ length: n }, () => 1e-5)
    for (const i of nzIdx) filled[uids[i]] += w32[i]
    return { uids: Array.from({ length: n }, (_, i) => i), weights: normalizeMaxWeight(filled, limits.maxWeightLimit) }
  }
  const nzUids = nzIdx.map((i) => uids[i])
  const nzWeights = nzIdx.map((i) => w32[i])
  return { uids: nzUids, weights: normalizeMaxWeight(nzWeights, limits.maxWeightLimit) }
}

/** `convert_weights_and_uids_for_emit`: u16 values, max-upscaled, zeros dropped. */
export function convertWeightsAndUidsForEmit(uids: readonly number[], weights: readonly number[]): { uids: number[]; values: number[] } {
  if (uids.length !== weights.length) throw new Error(`${uids.length} uids but ${weights.length} weights`)
  if (weights.some((w) => w < 0 || !Number.isFinite(w))) throw new Error('Weights must be finite and not negative')
  if (uids.some((u) => !Number.isInteger(u) || u < 0 || u > U16_MAX)) throw new Error('Uids must be integers from 0 to 65535')
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum === 0) return { uids: [], values: [] }
  const max = Math.max(...weights)
  const outUids: number[] = []
  const values: number[] = []
  for (let i = 0; i < weights.length; i++) {
    const v = roundHalfEven((weights[i] / max) * U16_MAX)
    if (v !== 0) {
      outUids.push(uids[i])
      values.push(v)
    }
  }
  return { uids: outUids, values }
}

/** The whole §2.6 pipeline: moving averages → the u16 vectors sent on chain. */
export function weightsForChain(scores: readonly number[], limits: WeightLimits): { uids: number[]; values: number[]; normalized: number[] } {
  const w = l1Normalize(scores)
  const processed = processWeightsForNetuid(
    w.map((_, i) => i),
    w,
    limits,
  )
  const emit = convertWeightsAndUidsForEmit(processed.uids, processed.weights)
  const normalized = Array.from({ length: limits.n }, () => 0)
  processed.uids.forEach((u, i) => {
    if (u < normalized.length) normalized[u] = processed.weights[i]
  })
  return { ...emit, normalized }
}

/**
 * The same pipeline for a chain call: `scores[i]` belongs to `uids[i]`, where `uids` are every uid of
 * the subnet (0..n-1). Returns the u16 vectors `set_weights` takes.
 */
export function weightsForUids(
  uids: readonly number[],
  scores: readonly number[],
  limits: Omit<WeightLimits, 'n'>,
): { uids: number[]; weights: number[] } {
  if (uids.length !== scores.length) throw new Error(`${uids.length} uids but ${scores.length} scores`)
  const n = uids.length === 0 ? 0 : Math.max(...uids) + 1
  const dense = Array.from({ length: n }, () => 0)
  uids.forEach((u, i) => {
    dense[u] = scores[i]
  })
  const { uids: out, values } = weightsForChain(dense, { ...limits, n })
  return { uids: out, weights: values }
}
