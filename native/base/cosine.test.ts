import { describe, expect, it } from 'vitest'
import { cosineSimilarity } from './cosine'

describe('cosineSimilarity', () => {
  it('is the angle between two vectors, whatever their array type, and 0 for a zero vector', () => {
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 12)
    expect(cosineSimilarity(Float32Array.from([1, 2, 3]), [-2, -4, -6])).toBeCloseTo(-1, 12)
    expect(cosineSimilarity([3, 4], [3, 4])).toBeCloseTo(1, 12)
    expect(cosineSimilarity([0, 0], [1, 2])).toBe(0)
  })
})
