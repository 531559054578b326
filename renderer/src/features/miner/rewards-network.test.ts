import { describe, expect, it } from 'vitest'
import { rewardsStaleFrom } from './rewards-network'

describe('rewardsStaleFrom', () => {
  it('names the network the rewards were read on once the header shows another one', () => {
    expect(rewardsStaleFrom('devnet', 'finney')).toBe('devnet')
    expect(rewardsStaleFrom('ws://127.0.0.1:9944', 'devnet')).toBe('ws://127.0.0.1:9944')
  })

  it('is null while the header shows the same network, a custom endpoint included, or none yet', () => {
    expect(rewardsStaleFrom('devnet', 'devnet')).toBeNull()
    expect(rewardsStaleFrom('ws://127.0.0.1:9944', 'custom')).toBeNull()
    expect(rewardsStaleFrom('devnet', null)).toBeNull()
  })
})
