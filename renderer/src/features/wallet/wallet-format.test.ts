import { describe, expect, it } from 'vitest'
import { balanceAfter, mismatchText, priceRows } from './wallet-format'

const TAO = 1_000_000_000n

describe('balanceAfter (issue 14 item 12)', () => {
  it('shows what stays in the free balance, not what leaves it', () => {
    // 1099.52 TAO free, staking 1050 TAO with a 0 fee: 49.52 TAO stay.
    const free = (109_952n * TAO) / 100n
    const r = balanceAfter({ free: free.toString(), total: (1050n * TAO).toString(), fee: '0' }, 'stake')
    expect(r).toEqual({ taken: (1050n * TAO).toString(), left: ((4952n * TAO) / 100n).toString(), atLeast: false })
  })

  it('an unstake takes only the fee; what stays is at least free − fee', () => {
    expect(balanceAfter({ free: '1000', total: '7', fee: '7' }, 'unstake')).toEqual({ taken: '7', left: '993', atLeast: true })
  })
})

describe('priceRows: the review step shows the expected and the limit price', () => {
  const quote = { expected: '250000000', limit: '251250000', slippagePercent: 0.5, allowPartial: false, source: 'runtime-api' as const }

  it('a stake: price now, the highest price accepted, and about how much alpha comes back', () => {
    expect(priceRows(quote, { kind: 'stake', amount: String(10n * TAO) })).toEqual([
      { label: 'Expected price', value: '0.25 TAO per alpha', testId: 'money-price' },
      { label: 'Limit price', value: 'at most 0.25125 TAO per alpha (0.5 % slippage)', testId: 'money-limit' },
      { label: 'You receive', value: 'about 40 alpha, less the swap fee', testId: 'money-receive' },
    ])
  })

  it('an unstake: the lowest price accepted and about how much TAO comes back; an empty pool says so', () => {
    const rows = priceRows({ ...quote, limit: '248750000' }, { kind: 'unstake', amount: String(10n * TAO) })
    expect(rows.map((r) => r.value)).toEqual(['0.25 TAO per alpha', 'at least 0.24875 TAO per alpha (0.5 % slippage)', 'about 2.5 TAO, less the swap fee'])
    expect(priceRows({ ...quote, expected: '0' }, { kind: 'stake', amount: '1' })[2]!.value).toMatch(/unknown/)
  })
})

describe('mismatchText', () => {
  it('agrees in number', () => {
    expect(mismatchText([{ role: 'coldkey', position: 10 }])).toBe('Word 10 of the coldkey does not match. Compare it with what you wrote down.')
    expect(mismatchText([{ role: 'coldkey', position: 3 }, { role: 'hotkey', position: 7 }])).toBe('Words 3 of the coldkey and 7 of the hotkey do not match. Compare them with what you wrote down.')
  })
})
