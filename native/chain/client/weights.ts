/**
 * The SDK's weight processing (spec §2.6): normalize_max_weight, process_weights_for_netuid
 * (exclude_quantile 0) and convert_weights_and_uids_for_emit.
 */

export function normalizeMaxWeight(x: readonly number[], limit: number): number[] {
  const n = x.length
  if (n === 0) return []
  const total = x.reduce((a, b) => a + b, 0)
  if (total === 0 || n * limit <= 1) return x.map(() => 1 / n)
  const epsilon = 1e-7
  const values = [...x].sort((a, b) => a - b)
  const estimation = values.map((v) => v / total)
  if (Math.max(...estimation) <= limit) return x.map((v) => v / total)
  const cumsum: number[] = []
  let acc = 0
  for (const e of estimation) cumsum.push((acc += e))
  const estimationSum = estimation.map((e, i) => (n - i - 1) * e)
  const nValues = estimation.filter((e, i) => e / (estimationSum[i]! + cumsum[i]! + epsilon) < limit).length
  const cutoffScale = (limit * (nValues > 0 ? cumsum[nValues - 1]! : 0) - epsilon) / (1 - limit * (n - nValues))
  const cutoff = cutoffScale * total
  const clipped = x.map((v) => (v > cutoff ? cutoff : v))
  const s = clipped.reduce((a, b) => a + b, 0)
  return clipped.map((v) => v / s)
}

export interface ChainWeightLimits {
  /** MinAllowedWeights (count). */
  readonly minAllowedWeights: number
  /** MaxWeightsLimit as a proportion (u16 / 65535). */
  readonly maxWeightLimit: number
}

/** process_weights_for_netuid with exclude_quantile = 0. `uids` are all metagraph uids. */
export function processWeightsForNetuid(uids: readonly number[], weights: readonly number[], limits: ChainWeightLimits): { uids: number[]; weights: number[] } {
  const n = uids.length
  const nonZero = weights.map((w, i) => [uids[i]!, w] as const).filter(([, w]) => w > 0)
  if (nonZero.length === 0 || n < limits.minAllowedWeights) return { uids: [...uids], weights: uids.map(() => 1 / n) }
  if (nonZero.length < limits.minAllowedWeights) {
    const w = uids.map(() => 1e-5)
    nonZero.forEach(([u, v]) => {
      const i = uids.indexOf(u)
      w[i] = w[i]! + v
    })
    return { uids: [...uids], weights: normalizeMaxWeight(w, limits.maxWeightLimit) }
  }
  return { uids: nonZero.map(([u]) => u), weights: normalizeMaxWeight(nonZero.map(([, v]) => v), limits.maxWeightLimit) }
}

/** Python's round(): halves to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x)
  const d = x - f
  if (Math.abs(d - 0.5) < 1e-12) return f % 2 === 0 ? f : f + 1
  return Math.round(x)
}

/** convert_weights_and_uids_for_emit: max-upscale to u16, drop zeros. */
export function convertWeightsForEmit(uids: readonly number[], weights: readonly number[]): { uids: number[]; weights: number[] } {
  if (uids.length !== weights.length) throw new Error('uids and weights must have the same length')
  if (weights.some((w) => w < 0 || !Number.isFinite(w))) throw new Error('weights must be finite and non-negative')
  if (uids.some((u) => !Number.isInteger(u) || u < 0 || u > 65535)) throw new Error('uids must be whole numbers from 0 to 65535')
  const max = Math.max(0, ...weights)
  if (max === 0) return { uids: [], weights: [] }
  const out: { uids: number[]; weights: number[] } = { uids: [], weights: [] }
  weights.forEach((w, i) => {
    const v = roundHalfEven((w / max) * 65535)
    if (v > 0) {
      out.uids.push(uids[i]!)
      out.weights.push(v)
    }
  })
  return out
}

/** Full §2.6 pipeline from raw scores to the u16 vectors set_weights takes. */
export function weightsForChain(uids: readonly number[], scores: readonly number[], limits: ChainWeightLimits): { uids: number[]; weights: number[] } {
  const l1 = scores.reduce((a, b) => a + Math.abs(b), 0)
  const w = scores.map((s) => s / Math.max(l1, 1e-12))
  const processed = processWeightsForNetuid(uids, w, limits)
  return convertWeightsForEmit(processed.uids, processed.weights)
}
