import { describe, expect, it } from 'vitest'
import { nextRound } from './round-rhythm'

describe('nextRound', () => {
  it('follows the epoch by default, capped at 12 s blocks', () => {
    expect(nextRound({ intervalS: 0, failed: false, startBlock: 265, tempo: 20 })).toEqual({ atBlock: 285, seconds: 240 })
  })
  it('waits the epoch in seconds without a chain block, and 30 s after a failure with nothing read', () => {
    expect(nextRound({ intervalS: 0, failed: false, startBlock: 0, tempo: 360 })).toEqual({ atBlock: null, seconds: 360 * 12 })
    expect(nextRound({ intervalS: 0, failed: true, startBlock: null, tempo: null })).toEqual({ atBlock: null, seconds: 30 })
  })
  it('an explicit interval wins, with at least 30 s after a failure', () => {
    expect(nextRound({ intervalS: 5, failed: false, startBlock: 265, tempo: 20 })).toEqual({ atBlock: null, seconds: 5 })
    expect(nextRound({ intervalS: 5, failed: true, startBlock: 265, tempo: 20 })).toEqual({ atBlock: null, seconds: 30 })
  })
})
