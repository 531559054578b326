import { describe, expect, it } from 'vitest'
import { DimensionError, adaptDimension, cosine, firstNonFinite, l2NormalizeRows, nonZeroUnit, pool } from './pooling'

const f = (xs: number[]): Float32Array => Float32Array.from(xs)
const close = (a: Float32Array, b: number[]): void => {
  expect(a.length).toBe(b.length)
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6))
}

describe('pooling', () => {
  // batch 2, seq 3, dim 2; second text has 2 real tokens (third is padding).
  const hidden = f([1, 2, 3, 4, 5, 6, /* text 2 */ 10, 0, 0, 10, 99, 99])
  it('mean pooling averages only real tokens', () => {
    close(pool(hidden, 2, 3, 2, [3, 2], 'mean'), [3, 4, 5, 5])
  })
  it('CLS pooling takes the first token', () => {
    close(pool(hidden, 2, 3, 2, [3, 2], 'cls'), [1, 2, 10, 0])
  })
  it('rejects a tensor of the wrong size', () => {
    expect(() => pool(f([1, 2, 3]), 1, 2, 2, [2], 'mean')).toThrow(/not 1×2×2/)
  })
})

describe('normalisation and checks', () => {
  it('L2-normalises each row; a zero row stays zero', () => {
    close(l2NormalizeRows(f([3, 4, 0, 0, 1, 0]), 2), [0.6, 0.8, 0, 0, 1, 0])
    close(l2NormalizeRows(f([0, 0, 1, 1]), 2), [0, 0, Math.SQRT1_2, Math.SQRT1_2])
  })
  it('gives an all-zero row the unit vector 1/√dim and leaves other rows alone', () => {
    close(nonZeroUnit(f([0, 0, 0, 0])), [0.5, 0.5, 0.5, 0.5])
    close(nonZeroUnit(f([0, -0, 0])), [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)])
    close(nonZeroUnit(f([0, 1, 0])), [0, 1, 0])
  })
  it('finds non-finite values', () => {
    expect(firstNonFinite(f([1, 2, 3]))).toBe(-1)
    expect(firstNonFinite(f([1, NaN, 3]))).toBe(1)
    expect(firstNonFinite(f([1, 2, Infinity]))).toBe(2)
  })
  it('cosine of hand-computed vectors', () => {
    expect(cosine(f([1, 0]), f([1, 1]))).toBeCloseTo(Math.SQRT1_2, 6)
    expect(cosine(f([1, 2, 3]), f([-1, -2, -3]))).toBeCloseTo(-1, 6)
  })
})

describe('dimension adapter', () => {
  const v = f([0.6, 0.8])
  it('keeps equal widths', () => {
    expect(adaptDimension(v, 2, null)).toBe(v)
  })
  it('zero-pads a smaller model and keeps cosine similarity', () => {
    const a = l2NormalizeRows(f([1, 2, 3]), 3)
    const b = l2NormalizeRows(f([3, -1, 2]), 3)
    const pa = adaptDimension(a, 8, null)
    const pb = adaptDimension(b, 8, null)
    close(pa, [...a, 0, 0, 0, 0, 0])
    expect(cosine(pa, pb)).toBeCloseTo(cosine(a, b), 6)
    expect(cosine(pa, pb)).toBeCloseTo((3 - 2 + 6) / 14, 6)
  })
  it('truncates Matryoshka models and re-normalises', () => {
    const m = f([0.5, 0.5, 0.5, 0.5])
    close(adaptDimension(m, 2, [2, 4]), [Math.SQRT1_2, Math.SQRT1_2])
    expect(() => adaptDimension(m, 1, [2, 4])).toThrow(/down to 2/)
  })
  it('refuses to truncate ordinary models', () => {
    expect(() => adaptDimension(f([0.5, 0.5, 0.5, 0.5]), 2, null)).toThrow(DimensionError)
  })
})
