import { describe, expect, it } from 'vitest'
import { Settings, limitPriceFor, priceReview } from '.'

const RAO = 1_000_000_000n

describe('limit price from price and slippage (spec network-2026 §8)', () => {
  it('a stake accepts up to price × (1 + tolerance), an unstake down to price × (1 − tolerance), floored, in rao per alpha', () => {
    expect(limitPriceFor(RAO, 0.5, 'stake')).toBe(1_005_000_000n)
    expect(limitPriceFor(RAO, 0.5, 'unstake')).toBe(995_000_000n)
    expect(limitPriceFor(12_345_678n, 1, 'stake')).toBe(12_469_134n)
    expect(limitPriceFor(12_345_678n, 1, 'unstake')).toBe(12_222_221n)
    expect(limitPriceFor(RAO, 0, 'stake')).toBe(RAO)
    expect(limitPriceFor(RAO, 100, 'unstake')).toBe(0n)
    expect(limitPriceFor(2n ** 64n - 1n, 5, 'stake')).toBe(2n ** 64n - 1n)
    expect(() => limitPriceFor(RAO, -1, 'stake')).toThrow()
  })

  it('defaults the slippage setting to 0.5 %', () => {
    expect(Settings.parse({}).stakeSlippagePercent).toBe(0.5)
  })

  it('says the limit with its direction and where it came from', () => {
    const quote = { expected: '1000000000', limit: '1005000000', slippagePercent: 0.5, allowPartial: false, source: 'runtime-api' as const }
    expect(priceReview(quote, 'stake')).toEqual({ expected: '1 TAO per alpha', limit: 'at most 1.005 TAO per alpha (0.5 % slippage)' })
    expect(priceReview({ ...quote, limit: '995000000', slippagePercent: null, allowPartial: true }, 'unstake').limit).toBe('at least 0.995 TAO per alpha (your own limit; a partial fill is allowed)')
  })
})
