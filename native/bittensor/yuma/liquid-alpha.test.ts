/**
 * Yuma3 with liquid alpha, and the commit-reveal column mask, as subtensor 14bc6f9f runs them.
 * Expected values are worked from the Rust, step by step, in the comments (not from our code):
 *   epoch_mechanism       pallets/subtensor/src/epoch/run_epoch.rs:566-1076
 *   compute_bonds_sparse  run_epoch.rs:1340-1380 (liquid alpha when LiquidAlphaOn and any consensus != 0)
 *   alpha_sigmoid         run_epoch.rs:1505-1532
 *   mat_ema_alpha_sparse  math.rs:1464-1525 (writes only the cells of the weights-for-bonds row, min 1)
 *   mat_ema_sparse        math.rs:1406-1462 (fixed rate 1 - BondsMovingAverage/1e6, every positive cell)
 *   col_clip_sparse       math.rs:921-945; interpolate_sparse math.rs:1247-1295
 * Defaults: AlphaValues (45875, 58982) (pallets/subtensor/src/lib.rs:989-991), AlphaSigmoidSteepness
 * 1000 and BondsMovingAverage 900 000 (runtime/src/lib.rs:970, 988). The chain works in I32F32, so
 * stored u16 values may differ from float64 by one step.
 */
import { describe, expect, it } from 'vitest'
import { alphaSigmoid, runEpoch, toU16 } from './yuma'
import type { YumaInput } from './yuma'

const LOW = 45875 / 65535
const HIGH = 58982 / 65535
const LIQUID = { low: LOW, high: HIGH, steepness: 1000 }

/**
 * Validators 0 (stake 3) and 1 (stake 1); miners 2 and 3. v0 weights m2 only; v1 weights m2 and m3
 * equally. Consensus at kappa 0.5 (weighted_median, math.rs:975-1050, minority 0.5):
 *   m2: scores (1, .5), pivot .5, upper {v0} with .75 stake, 1 - .75 <= .5 -> 1.
 *   m3: scores (0, .5), pivot .5, lower {v0} with .75 stake, .5 < .75 -> 0.
 * Clipped: v0 (2: 1); v1 (2: .5), and (3: .5) dropped because consensus 0 (col_clip_sparse).
 * Incentive: ranks m2 = .75 + .25 * .5, m3 = 0 -> I = (0, 0, 1, 0).
 */
function input(overrides: Partial<YumaInput> = {}): YumaInput {
  return {
    n: 4,
    currentBlock: 100,
    activityCutoff: 5000,
    lastTempoBlock: 90,
    lastUpdate: [50, 50, 1, 1],
    blockAtRegistration: [1, 1, 1, 1],
    weights: [[[2, 65535]], [[2, 65535], [3, 65535]], [], []],
    bonds: [[], [], [], []],
    validatorPermit: [true, true, false, false],
    stake: [3, 1, 0, 0],
    stakeThreshold: 0,
    kappa: 32767 / 65535,
    bondsMovingAverage: 900_000,
    bondsPenalty: 1,
    maxAllowedValidators: 64,
    yuma3: true,
    liquidAlpha: LIQUID,
    raoEmission: 1e9,
    ...overrides,
  }
}

/** alpha_sigmoid by hand: sigmoid = 1 / (1 + e^(-steepness/100 * (diff - 0.5))). */
const alphaAt = (diff: number): number => LOW + (HIGH - LOW) / (1 + Math.exp(-10 * (diff - 0.5)))

describe('alpha_sigmoid (run_epoch.rs:1505-1532)', () => {
  it('buys by weight above consensus and sells by bond above weight', () => {
    // weight >= bond: diff_buy = clamp(w - c, 0, 1).
    expect(alphaSigmoid(1, 1, 0, LIQUID)).toBeCloseTo(LOW + (HIGH - LOW) / (1 + Math.exp(5)), 12)
    expect(alphaSigmoid(0, 0.5, 0, LIQUID)).toBeCloseTo((LOW + HIGH) / 2, 12)
    // weight < bond: diff_sell = clamp(b - w, 0, 1).
    expect(alphaSigmoid(1, 0.5, 1, LIQUID)).toBeCloseTo((LOW + HIGH) / 2, 12)
    // Full difference: e^-5 in the denominator; exp_safe clamps the exponent to [-20, 20].
    expect(alphaSigmoid(0, 1, 0, LIQUID)).toBeCloseTo(LOW + (HIGH - LOW) / (1 + Math.exp(-5)), 12)
    expect(alphaSigmoid(0, 1, 0, { ...LIQUID, steepness: 32767 })).toBeCloseTo(LOW + (HIGH - LOW) / (1 + Math.exp(-20)), 12)
  })
})

describe('Yuma3 with liquid alpha (compute_bonds_sparse)', () => {
  it('penalty 1: bonds follow clipped weights, each cell at its own rate, and a dropped cell loses its bond', () => {
    // Previous bonds: v1 held m2 and m3 fully (65535 -> 1.0 via fixed_to_fixed_u16_proportion).
    const out = runEpoch(input({ bonds: [[], [[2, 65535], [3, 65535]], [], []] }))
    expect(out.consensus).toEqual([0, 0, 1, 0])
    expect(out.incentive).toEqual([0, 0, 1, 0])
    // (v0, m2): w 1, b 0, c 1 -> diff_buy 0 -> a = alphaAt(0); ema = a * 1.
    const b02 = alphaAt(0)
    // (v1, m2): w .5 < b 1 -> diff_sell .5 -> a = mid; ema = (1 - a) * 1 + a * .5.
    const b12 = 1 - alphaAt(0.5) * 0.5
    // (v1, m3): not in the clipped row -> mat_ema_alpha_sparse writes nothing: the bond is gone.
    expect(Math.abs(out.bonds[0]![0]![1] - toU16(b02))).toBeLessThanOrEqual(1)
    expect(out.bonds[0]![0]![0]).toBe(2)
    expect(out.bonds[1]!.map(([j]) => j)).toEqual([2])
    expect(Math.abs(out.bonds[1]![0]![1] - toU16(b12))).toBeLessThanOrEqual(1)
    // Dividends: column-normalized bonds times incentive, times active stake, normalized.
    const d0 = 0.75 * (b02 / (b02 + b12))
    const d1 = 0.25 * (b12 / (b02 + b12))
    expect(out.dividends[0]).toBeCloseTo(d0 / (d0 + d1), 6)
    expect(out.dividends[1]).toBeCloseTo(d1 / (d0 + d1), 6)
  })

  it('without liquid alpha the same bonds decay at the fixed rate 0.1 and keep the dropped cell', () => {
    const out = runEpoch(input({ liquidAlpha: undefined, bonds: [[], [[2, 65535], [3, 65535]], [], []] }))
    // mat_ema_sparse: 0.1 * w + 0.9 * b for every cell either matrix holds.
    expect(out.bonds[0]).toEqual([[2, toU16(0.1)]])
    expect(out.bonds[1]).toEqual([[2, toU16(0.1 * 0.5 + 0.9)], [3, toU16(0.9)]])
  })

  it('penalty 0: bonds follow the unclipped weights, buying at mid rate where weight exceeds consensus by .5', () => {
    const out = runEpoch(input({ bondsPenalty: 0 }))
    // (v0, m2) alphaAt(0) * 1; (v1, m2) alphaAt(0) * .5; (v1, m3): w .5, c 0 -> diff_buy .5 -> mid rate.
    const expected = [[[2, alphaAt(0)]], [[2, alphaAt(0) * 0.5], [3, ((LOW + HIGH) / 2) * 0.5]]]
    for (const i of [0, 1]) {
      expect(out.bonds[i]!.map(([j]) => j)).toEqual(expected[i]!.map(([j]) => j))
      out.bonds[i]!.forEach(([, v], k) => expect(Math.abs(v - toU16(expected[i]![k]![1]!))).toBeLessThanOrEqual(1))
    }
    // Incentive only from clipped weights; m3 still earns nothing, so dividends are 6/7 and 1/7:
    // bonds to m2 are in ratio 2:1, times stake .75 and .25.
    expect(out.dividends[0]).toBeCloseTo(6 / 7, 6)
    expect(out.dividends[1]).toBeCloseTo(1 / 7, 6)
  })

  it('falls back to the fixed rate when every consensus is 0 (run_epoch.rs:1348-1352)', () => {
    // Only v1's weight to m3 remains (v0 has no weights); at kappa .5 v0's zero wins the median.
    const out = runEpoch(input({ weights: [[], [[3, 65535]], [], []] }))
    expect(out.consensus.every((c) => c === 0)).toBe(true)
    // Clipped row is empty (consensus 0), so with penalty 1 nothing is bonded.
    expect(out.bonds[1]).toEqual([])
    const unclipped = runEpoch(input({ weights: [[], [[3, 65535]], [], []], bondsPenalty: 0 }))
    expect(unclipped.bonds[1]).toEqual([[3, toU16(0.1)]])
  })

  it('classic Yuma ignores LiquidAlphaOn (liquid alpha lives only in the Yuma3 branch, run_epoch.rs:826-861)', () => {
    const on = runEpoch(input({ yuma3: false }))
    const off = runEpoch(input({ yuma3: false, liquidAlpha: undefined }))
    expect(on.bonds).toEqual(off.bonds)
    expect(on.dividends).toEqual(off.dividends)
  })
})

describe('commit-reveal column mask (run_epoch.rs:718-765)', () => {
  it('drops weights to uids registered after the validator\'s earliest live commit', () => {
    // v1 committed at block 40; m3 registered at 45, before v1 last updated (50): only the commit
    // mask removes (v1, m3). v0 has no live commit (u64::MAX -> never masked).
    const out = runEpoch(input({ blockAtRegistration: [1, 1, 1, 45], commitBlocks: [undefined, 40, undefined, undefined] }))
    const without = runEpoch(input({ blockAtRegistration: [1, 1, 1, 45] }))
    expect(without.validatorTrust[1]).toBeCloseTo(0.5, 9) // (2: .5) kept, (3: .5) clipped away
    // Masked before row normalization: v1's row becomes (2: 1), trust 1.
    expect(out.validatorTrust[1]).toBeCloseTo(1, 9)
    expect(out.bonds[1]!.map(([j]) => j)).toEqual([2])
  })
})
