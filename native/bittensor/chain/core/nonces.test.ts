import { describe, expect, it } from 'vitest'
import { dropNonce, forgetNonces, takeNonce } from './nonces'

describe('nonce tracking', () => {
  it('counts past the node while it lags, per endpoint and account, until dropped or forgotten', () => {
    expect(takeNonce('ws://a', 'alice', 5)).toBe(5)
    // The node has not seen the first one yet: the next send takes 6, not 5 again.
    expect(takeNonce('ws://a', 'alice', 5)).toBe(6)
    expect(takeNonce('ws://a', 'bob', 0)).toBe(0)
    expect(takeNonce('ws://b', 'alice', 2)).toBe(2)
    // The node moved ahead (another wallet sent): its index wins.
    expect(takeNonce('ws://a', 'alice', 9)).toBe(9)
    dropNonce('ws://a', 'alice')
    expect(takeNonce('ws://a', 'alice', 9)).toBe(9)
    forgetNonces('ws://a')
    expect(takeNonce('ws://a', 'bob', 0)).toBe(0)
    expect(takeNonce('ws://b', 'alice', 2)).toBe(3)
  })
})
