import { describe, expect, it } from 'vitest'
import { balanceAfter } from './wallet-format'

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
