import { describe, expect, it } from 'vitest'
import { infoNce, scoreAnswer, validateEmbeddings } from './infonce'
import type { ScoreTask } from './infonce'
import { mulberry32 } from '../../../../test/support/mulberry32'

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
}

/** q_i at row 2i, a_i at row 2i+1 (the validator shuffles; scoring must not care). */
function pairedTask(pairs: number, dim: number): ScoreTask {
  return {
    textCount: 2 * pairs,
    dimensions: dim,
    normalized: true,
    qIdx: Array.from({ length: pairs }, (_, i) => 2 * i),
    aIdx: Array.from({ length: pairs }, (_, i) => 2 * i + 1),
  }
}

describe('InfoNCE scoring (spec §2.4)', () => {
  it('identity-like embeddings give the closed-form loss log(e^10 + P - 1) - 10', () => {
    const pairs = 16
    const dim = 1024
    const rows = Array.from({ length: 2 * pairs }, (_, r) => {
      const v = new Array<number>(dim).fill(0)
      v[Math.floor(r / 2)] = 3.5 // question and chunk of pair i share one-hot axis i; norm is irrelevant
      return v
    })
    const s = scoreAnswer(rows, pairedTask(pairs, dim))
    const expected = Math.log(Math.exp(10) + pairs - 1) - 10
    expect(s.valid).toBe(true)
    expect(s.loss).toBeCloseTo(expected, 12)
    expect(s.score).toBe(100) // loss 6.8e-4 < 0.01 hits the cap
    expect(s.top1).toBe(1)
    expect(s.top3).toBe(1)
  })

  it('matches a hand-computed small example (float64 reference: 0.08462127644371087)', () => {
    const rows = [
      [1, 0],
      [0.8, 0.6],
      [0, 1],
      [0.6, 0.8],
      [-1, 0],
      [-0.6, -0.8],
    ]
    const s = scoreAnswer(rows, pairedTask(3, 2))
    expect(s.loss).toBeCloseTo(0.08462127644371087, 6)
    expect(s.score).toBeCloseTo(11.817358967223672, 3)
    expect(s.top1).toBe(1)
  })

  it('is invariant to where questions and chunks sit in the batch', () => {
    const rand = mulberry32(7)
    const pairs = 8
    const dim = 16
    const base = Array.from({ length: 2 * pairs }, () => Array.from({ length: dim }, () => gaussian(rand)))
    const perm = Array.from({ length: 2 * pairs }, (_, i) => i).sort(() => rand() - 0.5)
    const shuffled = new Array<number[]>(2 * pairs)
    perm.forEach((to, from) => (shuffled[to] = base[from]))
    const a = scoreAnswer(base, pairedTask(pairs, dim))
    const b = scoreAnswer(shuffled, {
      ...pairedTask(pairs, dim),
      qIdx: Array.from({ length: pairs }, (_, i) => perm[2 * i]),
      aIdx: Array.from({ length: pairs }, (_, i) => perm[2 * i + 1]),
    })
    expect(b.loss).toBeCloseTo(a.loss, 10)
  })

  it('random vectors give a loss of about log(P) and chance-level recall', () => {
    const rand = mulberry32(42)
    const pairs = 128
    const dim = 1024
    const rows = Array.from({ length: 2 * pairs }, () => Array.from({ length: dim }, () => gaussian(rand)))
    const s = scoreAnswer(rows, pairedTask(pairs, dim))
    expect(s.valid).toBe(true)
    // Cosines of random 1024-d vectors have sd ~ 1/32; at τ = 0.1 that adds ~ (10/32)^2/2 ≈ 0.05.
    expect(Math.abs(s.loss - Math.log(pairs))).toBeLessThan(0.15)
    expect(s.score).toBeCloseTo(1 / s.loss, 12)
    expect(s.top1).toBeLessThan(0.06)
  })

  it('a better embedding scores higher than a noisier one', () => {
    const rand = mulberry32(3)
    const pairs = 32
    const dim = 64
    const topics = Array.from({ length: pairs }, () => Array.from({ length: dim }, () => gaussian(rand)))
    const answer = (noise: number) =>
      Array.from({ length: 2 * pairs }, (_, r) => topics[Math.floor(r / 2)].map((x) => x + noise * gaussian(rand)))
    const good = scoreAnswer(answer(0.3), pairedTask(pairs, dim))
    const poor = scoreAnswer(answer(1.5), pairedTask(pairs, dim))
    expect(good.score).toBeGreaterThan(poor.score)
    expect(good.top1).toBeGreaterThan(poor.top1)
  })

  describe('one all-zero row among informative rows is scored as the reference scores it', () => {
    // The reference normalizes x / max(‖x‖, 1e-12) (torch.nn.functional.normalize), so a zero row
    // stays zero and every cosine it takes part in is 0. By hand (numpy gives the same in float64):
    // three pairs on the axes e0, e1, e2 of R^3 with one row zeroed.
    //  - the two intact pairs: logits (10, 0, 0) → log(e^10 + 2) − 10 = log(1 + 2e^−10) = 9.0799e−5
    //  - the pair with the zero row: logits (0, 0, 0) → log 3 = 1.0986123
    // loss = (2 · 9.0799e−5 + 1.0986123) / 3 = 0.3662646, score = 1 / loss = 2.730266.
    const intact = Math.log1p(2 * Math.exp(-10))
    const expectedLoss = (2 * intact + Math.log(3)) / 3
    const e = (i: number) => [0, 1, 2].map((c) => (c === i ? 1 : 0))
    const task = pairedTask(3, 3)

    it('a zero question: its row of logits is flat (loss term log P); top-1 misses on the tie, top-3 hits', () => {
      const rows = [e(0), e(0), e(1), e(1), [0, 0, 0], e(2)]
      const s = scoreAnswer(rows, task)
      expect(s.valid).toBe(true)
      expect(expectedLoss).toBeCloseTo(0.3662646, 6)
      expect(Math.abs(s.loss - expectedLoss)).toBeLessThan(1e-4)
      expect(Math.abs(s.score - 2.730266)).toBeLessThan(1e-4)
      expect(s.top1).toBeCloseTo(2 / 3, 12) // argmax of a flat row is index 0, not 2
      expect(s.top3).toBe(1)
    })

    it('a zero chunk: a logit of 0 in every question\'s row', () => {
      // Question 1's row is (q1·a0, q1·0, q1·a2) = (0, 0, 0): log 3 again; the others are unchanged.
      const rows = [e(0), e(0), e(1), [0, 0, 0], e(2), e(2)]
      const s = scoreAnswer(rows, task)
      expect(s.valid).toBe(true)
      expect(Math.abs(s.loss - expectedLoss)).toBeLessThan(1e-4)
      expect(Math.abs(s.score - 1 / expectedLoss)).toBeLessThan(1e-4)
    })
  })

  describe('adversarial answers score 0 without throwing', () => {
    const task = pairedTask(4, 8)
    const good = () => Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => (c === Math.floor(r / 2) ? 1 : 0.01 * c)))
    const cases: Array<[string, () => unknown, string]> = [
      ['null', () => null, 'empty'],
      ['undefined', () => undefined, 'empty'],
      ['empty list', () => [], 'empty'],
      ['a string', () => 'hello', 'not-a-matrix'],
      ['an object', () => ({ 0: [1] }), 'not-a-matrix'],
      ['a flat vector', () => [1, 2, 3, 4, 5, 6, 7, 8], 'not-a-matrix'],
      ['NaN', () => { const g = good(); g[3][2] = NaN; return g }, 'non-finite'],
      ['Infinity', () => { const g = good(); g[0][0] = Infinity; return g }, 'non-finite'],
      ['-Infinity', () => { const g = good(); g[7][7] = -Infinity; return g }, 'non-finite'],
      ['beyond float32 range', () => { const g = good(); g[1][1] = 1e39; return g }, 'non-finite'],
      ['a string value', () => { const g = good() as unknown[][]; g[2][2] = '0.5'; return g }, 'non-numeric'],
      ['a null value', () => { const g = good() as unknown[][]; g[2][2] = null; return g }, 'non-numeric'],
      ['wrong dimension', () => good().map((r) => r.slice(0, 7)), 'wrong-dimension'],
      ['ragged rows', () => { const g = good(); g[5].push(1); return g }, 'wrong-dimension'],
      ['too few rows', () => good().slice(1), 'wrong-row-count'],
      ['too many rows', () => [...good(), good()[0]], 'wrong-row-count'],
      ['all-equal vectors', () => good().map(() => [1, 2, 3, 4, 5, 6, 7, 8]), 'degenerate'],
      ['every row all zeros', () => good().map(() => new Array(8).fill(0)), 'degenerate'],
    ]
    for (const [name, make, reason] of cases) {
      it(name, () => {
        const s = scoreAnswer(make(), task)
        expect(s.valid).toBe(false)
        expect(s.score).toBe(0)
        expect(s.invalidReason).toBe(reason)
        expect(s.detail).toBeTruthy()
      })
    }

    it('a huge payload (100k rows of the wrong shape) is rejected fast', () => {
      const huge = Array.from({ length: 100_000 }, () => [0.1])
      const t0 = performance.now()
      const s = scoreAnswer(huge, pairedTask(128, 1024))
      expect(s.invalidReason).toBe('wrong-row-count')
      expect(performance.now() - t0).toBeLessThan(1000)
    })

    it('a huge row (10M values) in a batch of the right size is rejected on its length', () => {
      const rows: unknown[] = Array.from({ length: 8 }, () => new Array(8).fill(0.1))
      rows[3] = new Array(10_000_000).fill(0)
      expect(scoreAnswer(rows, task).invalidReason).toBe('wrong-dimension')
    })

    it('the reference quirk is opt-in only: all-equal vectors score at chance level when degenerate answers are allowed', () => {
      const s = scoreAnswer(good().map(() => [1, 2, 3, 4, 5, 6, 7, 8]), { ...task, rejectDegenerate: false })
      expect(s.valid).toBe(true)
      expect(s.loss).toBeCloseTo(Math.log(4), 10)
      expect(s.top1).toBe(0.25) // argmax picks the first index on ties
    })
  })

  it('validateEmbeddings copies into float32 without keeping the input', () => {
    const v = validateEmbeddings([[1, 2], [3, 4]], 2, 2, { rejectDegenerate: false })
    expect(v.ok).toBe(true)
    if (v.ok) expect(Array.from(v.matrix.data)).toEqual([1, 2, 3, 4])
  })

  it('infoNce rejects mismatched index lists (a programming error, not miner input)', () => {
    const v = validateEmbeddings([[1, 0], [0, 1]], 2, 2)
    if (!v.ok) throw new Error('expected valid')
    expect(() => infoNce(v.matrix, [0], [])).toThrow(/equal/)
  })
})

describe('similarity kernel', () => {
  it('the WebAssembly SIMD kernel and the JS kernel agree (odd sizes included)', async () => {
    const { similarityMatrix, simdAvailable } = await import('./simd-dots')
    const rand = mulberry32(11)
    for (const [p, dim] of [[5, 13], [16, 1024], [1, 8]] as const) {
      const data = Float32Array.from({ length: 2 * p * dim }, () => rand() - 0.5)
      const q = Array.from({ length: p }, (_, i) => 2 * i)
      const a = Array.from({ length: p }, (_, i) => 2 * p - 1 - 2 * i)
      const fast = similarityMatrix(data, dim, q, a)
      const slow = similarityMatrix(data, dim, q, a, true)
      for (let i = 0; i < fast.length; i++) expect(fast[i]).toBeCloseTo(slow[i], 4)
    }
    expect(simdAvailable()).toBe(true) // Node 20 has WebAssembly SIMD; the fallback is for odd runtimes
  })
})
