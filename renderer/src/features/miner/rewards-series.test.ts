import { describe, expect, it } from 'vitest'
import { rankDomain, rewardsSeries } from './rewards-series'

describe('rewardsSeries', () => {
  it('orders by block, counts a block once, and keeps running totals in alpha and TAO', () => {
    const rows = rewardsSeries(
      [
        { block: 42, incentive: 0.25, emissionAlpha: 2 },
        { block: 21, incentive: 0, emissionAlpha: 0 },
        { block: 42, incentive: 0.25, emissionAlpha: 2 },
        { block: 63, incentive: 0.5, emissionAlpha: 3 },
      ],
      0.5,
    )
    expect(rows).toEqual([
      { block: 21, alpha: 0, totalAlpha: 0, totalTao: 0, incentive: 0, rank: null, rankOf: null },
      { block: 42, alpha: 2, totalAlpha: 2, totalTao: 1, incentive: 25, rank: null, rankOf: null },
      { block: 63, alpha: 3, totalAlpha: 5, totalTao: 2.5, incentive: 50, rank: null, rankOf: null },
    ])
  })

  it('leaves TAO out when the alpha price is unknown', () => {
    expect(rewardsSeries([{ block: 1, incentive: 0, emissionAlpha: 1 }], null)[0]!.totalTao).toBeNull()
  })

  it('carries the rank per epoch, null for records from before rank was kept', () => {
    const rows = rewardsSeries(
      [
        { block: 20, incentive: 0, emissionAlpha: 0, rank: null },
        { block: 60, incentive: 0.3, emissionAlpha: 1, rank: { position: 1, of: 6 } },
        { block: 40, incentive: 0.1, emissionAlpha: 1, rank: { position: 5, of: 5 } },
      ],
      null,
    )
    expect(rows.map((r) => [r.block, r.rank, r.rankOf])).toEqual([
      [20, null, null],
      [40, 5, 5],
      [60, 1, 6],
    ])
  })
})

describe('rankDomain', () => {
  it('runs from 1 (the best-paid) to the most miners seen, and is null without any rank', () => {
    const rows = rewardsSeries(
      [
        { block: 1, incentive: 0, emissionAlpha: 0, rank: { position: 5, of: 5 } },
        { block: 2, incentive: 0, emissionAlpha: 0, rank: { position: 3, of: 7 } },
      ],
      null,
    )
    expect(rankDomain(rows)).toEqual([1, 7])
    expect(rankDomain(rewardsSeries([{ block: 1, incentive: 0, emissionAlpha: 0 }], null))).toBeNull()
    // A lone miner still gets an axis with room for a line.
    expect(rankDomain(rewardsSeries([{ block: 1, incentive: 1, emissionAlpha: 0, rank: { position: 1, of: 1 } }], null))).toEqual([1, 2])
  })
})
