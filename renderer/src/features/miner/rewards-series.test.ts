import { describe, expect, it } from 'vitest'
import { rewardsSeries } from './rewards-series'

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
      { block: 21, alpha: 0, totalAlpha: 0, totalTao: 0, incentive: 0 },
      { block: 42, alpha: 2, totalAlpha: 2, totalTao: 1, incentive: 25 },
      { block: 63, alpha: 3, totalAlpha: 5, totalTao: 2.5, incentive: 50 },
    ])
  })

  it('leaves TAO out when the alpha price is unknown', () => {
    expect(rewardsSeries([{ block: 1, incentive: 0, emissionAlpha: 1 }], null)[0]!.totalTao).toBeNull()
  })
})
