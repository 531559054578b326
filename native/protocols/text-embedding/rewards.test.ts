import { describe, expect, it } from 'vitest'
import { spearman } from '../../services/validator/consensus'
import { REFERENCE_BURNER_HOTKEY, ScoreBook, computeRoundRewards } from './rewards'
import { convertWeightsAndUidsForEmit, normalizeMaxWeight, processWeightsForNetuid, roundHalfEven, weightsForChain } from '../../bittensor/chain/weights'

const HOTKEYS = ['hk0', 'hk1', 'hk2', 'hk3', REFERENCE_BURNER_HOTKEY]
const OFF = { enabled: false, hotkey: REFERENCE_BURNER_HOTKEY, percentage: 0.95 }
const ON = { enabled: true, hotkey: REFERENCE_BURNER_HOTKEY, percentage: 0.95 }

describe('round rewards (spec §2.5)', () => {
  it('normalizes by the round maximum + 1e-5', () => {
    const r = computeRoundRewards([{ uid: 0, score: 4 }, { uid: 1, score: 2 }, { uid: 2, score: 0 }], OFF, HOTKEYS)
    expect(r.uids).toEqual([0, 1, 2])
    expect(r.rewards[0]).toBeCloseTo(4 / (4 + 1e-5), 15)
    expect(r.rewards[1]).toBeCloseTo(2 / (4 + 1e-5), 15)
    expect(r.rewards[2]).toBe(0)
    expect(r.burn.applied).toBe(false)
    expect(r.burn.reason).toMatch(/turned off/)
  })

  it('applies the burner rule when the burner is registered, and says so', () => {
    const r = computeRoundRewards([{ uid: 0, score: 4 }, { uid: 1, score: 2 }, { uid: 2, score: 0 }], ON, HOTKEYS)
    const r0 = 4 / (4 + 1e-5)
    const r1 = 2 / (4 + 1e-5)
    expect(r.uids).toEqual([0, 1, 2, 4])
    expect(r.rewards[0]).toBeCloseTo(r0 * 0.05, 15)
    expect(r.rewards[1]).toBeCloseTo(r1 * 0.05, 15)
    expect(r.rewards[2]).toBe(0)
    expect(r.rewards[3]).toBeCloseTo(0.95 * (r0 + r1), 15)
    expect(r.burn).toMatchObject({ applied: true, burnerUid: 4, percentage: 0.95 })
    expect(r.burn.reason).toMatch(/95\.0 %/)
  })

  it('does not burn when the burner is not registered, and explains why', () => {
    const r = computeRoundRewards([{ uid: 0, score: 1 }], ON, HOTKEYS.slice(0, 4))
    expect(r.uids).toEqual([0])
    expect(r.burn.applied).toBe(false)
    expect(r.burn.reason).toMatch(/not registered/)
  })

  it('gives everyone, burner included, 0 when nobody scored', () => {
    const r = computeRoundRewards([{ uid: 0, score: 0 }, { uid: 1, score: NaN }], ON, HOTKEYS)
    expect(r.rewards).toEqual([0, 0, 0])
  })
})

describe('moving average (α = 0.2)', () => {
  it('updates only rewarded uids and keeps the others', () => {
    const book = new ScoreBook(['a', 'b', 'c'])
    book.update([0, 1], [1, 0.5])
    expect(book.scores()).toEqual([0.2, 0.1, 0])
    book.update([0], [NaN])
    expect(book.scores()[0]).toBeCloseTo(0.16, 15)
    expect(book.scores()[1]).toBeCloseTo(0.1, 15) // not queried: unchanged
  })

  it('resets a uid whose hotkey changed and extends a grown subnet', () => {
    const book = new ScoreBook(['a', 'b', 'c'], [0.5, 0.6, 0.7])
    const reset = book.resync(['a', 'B', 'c', 'd'])
    expect(reset).toEqual([1])
    expect(book.scores()).toEqual([0.5, 0, 0.7, 0])
  })

  it('refuses uids outside the metagraph', () => {
    const book = new ScoreBook(['a'])
    expect(() => book.update([3], [1])).toThrow(/not in the metagraph/)
  })
})

describe('weights (spec §2.6)', () => {
  it('rounds halves to even like Python', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3])
  })

  it('converts to u16 with max-upscaling and drops zeros', () => {
    expect(convertWeightsAndUidsForEmit([0, 1, 2, 3], [0.5, 0.25, 0, 0.25])).toEqual({ uids: [0, 1, 3], values: [65535, 32768, 32768] })
    expect(convertWeightsAndUidsForEmit([0, 1], [0, 0])).toEqual({ uids: [], values: [] })
    expect(() => convertWeightsAndUidsForEmit([0], [-1])).toThrow()
  })

  it('normalize_max_weight caps the largest share', () => {
    const y = normalizeMaxWeight([1, 1, 1, 10], 0.5)
    expect(y.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    expect(Math.max(...y)).toBeCloseTo(0.5, 5)
    expect(normalizeMaxWeight([1, 3], 1)).toEqual([0.25, 0.75])
    expect(normalizeMaxWeight([0, 0], 1)).toEqual([0.5, 0.5])
  })

  it('falls back to uniform weights when nothing scored', () => {
    const p = processWeightsForNetuid([0, 1, 2], [0, 0, 0], { n: 3, minAllowedWeights: 1, maxWeightLimit: 1 })
    expect(p.weights).toEqual([1 / 3, 1 / 3, 1 / 3])
  })

  it('pads with 1e-5 when fewer non-zero weights than MinAllowedWeights', () => {
    const p = processWeightsForNetuid([0, 1, 2, 3], [0.5, 0.5, 0, 0], { n: 4, minAllowedWeights: 3, maxWeightLimit: 1 })
    expect(p.uids).toEqual([0, 1, 2, 3])
    expect(p.weights[2]).toBeGreaterThan(0)
    expect(p.weights[0]).toBeCloseTo((0.5 + 1e-5) / (1 + 4e-5), 6)
  })

  it('turns moving averages into chain vectors in score order', () => {
    const w = weightsForChain([0.1, 0.4, 0, 0.2], { n: 4, minAllowedWeights: 1, maxWeightLimit: 1 })
    expect(w.uids).toEqual([0, 1, 3])
    expect(w.values).toEqual([16384, 65535, 32768])
  })
})

describe('Spearman rank correlation', () => {
  it('is 1 for the same order, -1 for the reverse, and handles ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12)
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12)
    // scipy.stats.spearmanr([1,2,2,3],[1,3,2,4]) = 0.9486832980505138
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486832980505138, 12)
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN()
  })
})
