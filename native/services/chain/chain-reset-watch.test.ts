import { describe, expect, it } from 'vitest'
import type { ChainReset } from '../../contract'
import { ChainResetWatch } from './chain-reset-watch'

const at = (block: number, genesis = '0xaa', network: 'devnet' | 'finney' = 'devnet') => ({ network, endpoint: 'inproc://devnet', genesis, block })

describe('ChainResetWatch', () => {
  it('announces a new genesis and a rolled-back best block, in words', () => {
    const watch = new ChainResetWatch()
    const seen: ChainReset[] = []
    watch.onReset((r) => seen.push(r))
    expect(watch.observe(at(70))).toBeUndefined()
    expect(watch.observe(at(75))).toBeUndefined()
    const fresh = watch.observe(at(3, '0xbb'))
    expect(fresh).toMatchObject({ kind: 'new-genesis', previousGenesis: '0xaa', genesis: '0xbb', previousBlock: 75, block: 3 })
    expect(fresh!.message).toMatch(/^The chain started over \(a new chain: it was at block 75, it is now at block 3\)\. The miner .* publishes it again .* the validator forgets the weights/)
    expect(watch.observe(at(40, '0xbb'))).toBeUndefined()
    expect(watch.observe(at(10, '0xbb'))).toMatchObject({ kind: 'rolled-back', previousBlock: 40, block: 10 })
    // Measured from the rolled-back block on.
    expect(watch.observe(at(12, '0xbb'))).toBeUndefined()
    expect(seen.map((r) => r.kind)).toEqual(['new-genesis', 'rolled-back'])
  })

  it('ignores a short reorg and a switch to another network', () => {
    const watch = new ChainResetWatch()
    watch.observe(at(100))
    expect(watch.observe(at(99))).toBeUndefined()
    expect(watch.observe(at(98))).toBeUndefined()
    expect(watch.observe(at(5, '0xff', 'finney'))).toBeUndefined()
    expect(watch.observe(at(1, '0xee', 'devnet'))).toBeUndefined()
  })
})
