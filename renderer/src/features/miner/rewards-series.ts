export interface RewardsHistoryPoint {
  readonly block: number
  readonly incentive: number
  readonly emissionAlpha: number
  /** Position among miners (1 = the best-paid); null in records from before rank was kept. */
  readonly rank?: { readonly position: number; readonly of: number } | null
}

export interface RewardsRow {
  readonly block: number
  /** Alpha earned in the epoch that ended at this block. */
  readonly alpha: number
  readonly totalAlpha: number
  /** At today's alpha price (null when unknown): past prices are not recorded. */
  readonly totalTao: number | null
  /** Share of the subnet's miner rewards, percent. */
  readonly incentive: number
  /** Position among miners, 1 = the best-paid; null where not recorded (a step chart leaves a gap). */
  readonly rank: number | null
  /** How many miners the rank is out of; null with rank. */
  readonly rankOf: number | null
}

/**
 * The miner's earnings over blocks, one row per epoch (a record at start and one at the epoch
 * end of the same block count once), for step charts: per-epoch alpha, running totals, incentive, rank.
 */
export function rewardsSeries(history: readonly RewardsHistoryPoint[], alphaPriceTao: number | null): RewardsRow[] {
  const byBlock = new Map<number, RewardsHistoryPoint>()
  for (const p of history) byBlock.set(p.block, p)
  let total = 0
  return [...byBlock.values()]
    .sort((a, b) => a.block - b.block)
    .map((p) => {
      total += p.emissionAlpha
      return {
        block: p.block,
        alpha: round(p.emissionAlpha),
        totalAlpha: round(total),
        totalTao: alphaPriceTao === null ? null : round(total * alphaPriceTao),
        incentive: round(p.incentive * 100),
        rank: p.rank?.position ?? null,
        rankOf: p.rank?.of ?? null,
      }
    })
}

/** The rank axis: 1 (the best-paid) at the top down to the most miners seen; null without any rank. */
export function rankDomain(rows: readonly RewardsRow[]): [number, number] | null {
  const most = Math.max(0, ...rows.map((r) => r.rankOf ?? 0))
  return most === 0 ? null : [1, Math.max(2, most)]
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6
}
