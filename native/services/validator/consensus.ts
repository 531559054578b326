/**
 * Spearman rank correlation (average ranks for ties): how well our weights agree with the chain's
 * consensus. Yuma rewards validators whose weights match consensus, so this is an early estimate
 * of validator trust.
 */

export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v)
  const ranks = new Array<number>(values.length)
  let k = 0
  while (k < order.length) {
    let j = k
    while (j + 1 < order.length && order[j + 1].v === order[k].v) j++
    const rank = (k + j) / 2 + 1
    for (let t = k; t <= j; t++) ranks[order[t].i] = rank
    k = j + 1
  }
  return ranks
}

/** Returns NaN when undefined (fewer than 2 points, or a constant vector). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`spearman: lengths differ (${a.length} vs ${b.length})`)
  const n = a.length
  if (n < 2) return NaN
  const ra = averageRanks(a)
  const rb = averageRanks(b)
  const ma = ra.reduce((s, x) => s + x, 0) / n
  const mb = rb.reduce((s, x) => s + x, 0) / n
  let cov = 0
  let va = 0
  let vb = 0
  for (let i = 0; i < n; i++) {
    const da = ra[i] - ma
    const db = rb[i] - mb
    cov += da * db
    va += da * da
    vb += db * db
  }
  if (va === 0 || vb === 0) return NaN
  return cov / Math.sqrt(va * vb)
}
