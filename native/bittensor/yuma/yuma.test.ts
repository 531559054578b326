import { describe, expect, it } from 'vitest'
import { runEpoch, toU16, weightedMedian } from './yuma'
import type { YumaInput } from './yuma'

/** 2 validators (uids 0, 1) and 3 miners (uids 2, 3, 4); all registered at block 1, weights set at 50. */
function base(overrides: Partial<YumaInput> = {}): YumaInput {
  return {
    n: 5,
    currentBlock: 100,
    activityCutoff: 5000,
    lastTempoBlock: 90,
    lastUpdate: [50, 50, 1, 1, 1],
    blockAtRegistration: [1, 1, 1, 1, 1],
    weights: [
      [[2, 2], [3, 1], [4, 1]],
      [[2, 1], [3, 1], [4, 2]],
      [], [], [],
    ],
    bonds: [[], [], [], [], []],
    validatorPermit: [true, true, false, false, false],
    stake: [600, 400, 0, 0, 0],
    stakeThreshold: 0,
    kappa: 0.5,
    bondsMovingAverage: 900_000,
    bondsPenalty: 1,
    maxAllowedValidators: 64,
    yuma3: false,
    raoEmission: 1e9,
    ...overrides,
  }
}

describe('Yuma consensus epoch (classic)', () => {
  it('matches the hand-computed 2 validators x 3 miners case', () => {
    const out = runEpoch(base())
    // W rows: v0 = (.5, .25, .25), v1 = (.25, .25, .5); active stake a = (.6, .4).
    // Consensus at kappa .5: (.5, .25, .25). Clipped: v0 = (.5,.25,.25), v1 = (.25,.25,.25).
    expect(out.consensus.slice(2)).toEqual([0.5, 0.25, 0.25].map((x) => expect.closeTo(x, 6)))
    expect(out.validatorTrust[0]).toBeCloseTo(1, 6)
    expect(out.validatorTrust[1]).toBeCloseTo(0.75, 6)
    // R = (.4, .25, .25), I = R / .9.
    const inc = [0, 0, 4 / 9, 2.5 / 9, 2.5 / 9]
    out.incentive.forEach((x, i) => expect(Math.abs(x - inc[i]!)).toBeLessThan(1e-6))
    // dB column-normalized: m2 (.75, .25), m3 (.6, .4), m4 (.6, .4); D = (6/9, 3/9).
    const div = [2 / 3, 1 / 3, 0, 0, 0]
    out.dividends.forEach((x, i) => expect(Math.abs(x - div[i]!)).toBeLessThan(1e-6))
    expect(out.serverEmission).toEqual([0, 0, 222222222, 138888888, 138888888])
    expect(out.validatorEmission).toEqual([333333333, 166666666, 0, 0, 0])
    expect(out.emission).toEqual([333333333, 166666666, 222222222, 138888888, 138888888])
    expect(out.u16.incentive[2]).toBe(Math.floor((4 / 9) * 65535))
    expect(out.validatorPermit).toEqual([true, true, false, false, false])
    // Stored bonds: column max-upscaled: m2 (1, 1/3), m3 (1, 2/3), m4 (1, 2/3).
    expect(out.bonds[0]).toEqual([[2, 65535], [3, 65535], [4, 65535]])
    expect(out.bonds[1]).toEqual([[2, toU16(1 / 3)], [3, toU16(2 / 3)], [4, toU16(2 / 3)]])
  })

  it('clips an outlier validator that alone weights a miner', () => {
    // Three validators; v2 (10% stake) puts all its weight on miner 5, which nobody else weights.
    const out = runEpoch(
      base({
        n: 6,
        lastUpdate: [50, 50, 50, 1, 1, 1],
        blockAtRegistration: [1, 1, 1, 1, 1, 1],
        weights: [[[3, 1], [4, 1]], [[3, 1], [4, 1]], [[5, 1]], [], [], []],
        bonds: [[], [], [], [], [], []],
        validatorPermit: [true, true, true, false, false, false],
        stake: [450, 450, 100, 0, 0, 0],
      }),
    )
    expect(out.consensus[5]).toBe(0)
    expect(out.incentive[5]).toBe(0)
    expect(out.incentive[3]).toBeCloseTo(0.5, 9)
    expect(out.validatorTrust[2]).toBe(0)
    expect(out.dividends[2]).toBe(0)
    expect(out.dividends[0]).toBeCloseTo(0.5, 9)
  })

  it('uses last epoch permits for masking and drops stale weights', () => {
    // v1 had no permit: only v0's weights count. m4 re-registered after v0 last set weights.
    const out = runEpoch(base({ validatorPermit: [true, false, false, false, false], blockAtRegistration: [1, 1, 1, 1, 60] }))
    expect(out.activeStake[1]).toBe(0)
    // v0 row after masking m4: (2, 1, 0) -> (2/3, 1/3, 0)
    expect(out.incentive[2]).toBeCloseTo(2 / 3, 9)
    expect(out.incentive[4]).toBe(0)
    expect(out.validatorPermit[1]).toBe(true) // new permit for the next epoch
    expect(out.dividends[0]).toBeCloseTo(1, 9)
  })

  it('gives validators everything when no miner earns incentive, and skips inactive validators', () => {
    const out = runEpoch(base({ currentBlock: 10_000 })) // every last_update + cutoff < block
    expect(out.incentive.every((x) => x === 0)).toBe(true)
    expect(out.emission[0]! + out.emission[1]!).toBeGreaterThan(999_999_990)
    expect(out.emission[0]).toBe(600_000_000)
  })

  it('weightedMedian returns the level supported by kappa of stake', () => {
    expect(weightedMedian([0.6, 0.4], [0.5, 0.25], [0, 1], 0.5, 0, 1)).toBe(0.5)
    expect(weightedMedian([0.4, 0.6], [0.5, 0.25], [0, 1], 0.5, 0, 1)).toBe(0.25)
    expect(weightedMedian([1], [0.7], [0], 0.5, 0, 1)).toBe(0.7)
  })

  it('runs Yuma 3 with bonds kept in u16 proportions', () => {
    const out = runEpoch(base({ yuma3: true }))
    out.incentive.forEach((x, i) => expect(x).toBeCloseTo([0, 0, 4 / 9, 2.5 / 9, 2.5 / 9][i]!, 6))
    // Bonds = 0.1 * Wb; Bn column normalized as in classic; D_i = a_i * sum_j Bn_ij I_j, normalized.
    const d0 = 0.6 * ((0.5 / 0.75) * (4 / 9) + 0.5 * (2.5 / 9) + 0.5 * (2.5 / 9))
    const d1 = 0.4 * ((0.25 / 0.75) * (4 / 9) + 0.5 * (2.5 / 9) + 0.5 * (2.5 / 9))
    expect(out.dividends[0]).toBeCloseTo(d0 / (d0 + d1), 6)
    expect(out.bonds[0]).toEqual([[2, toU16(0.05)], [3, toU16(0.025)], [4, toU16(0.025)]])
  })
})
