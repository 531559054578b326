import { describe, expect, it } from 'vitest'
import { convertWeightsAndUidsForEmit, normalizeMaxWeight, weightsForUids } from './weights'

describe('weight processing', () => {
  it('normalizes like the SDK', () => {
    expect(convertWeightsAndUidsForEmit([0, 1, 2], [0.5, 0.25, 0])).toEqual({ uids: [0, 1], values: [65535, 32768] })
    expect(normalizeMaxWeight([1, 1, 8], 0.5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    expect(Math.max(...normalizeMaxWeight([1, 1, 8], 0.5))).toBeLessThanOrEqual(0.5 + 1e-6)
    expect(weightsForUids([0, 1, 2], [0, 0, 0], { minAllowedWeights: 1, maxWeightLimit: 1 })).toEqual({ uids: [0, 1, 2], weights: [65535, 65535, 65535] })
    // Scores by uid, in any order, give the same vectors as the validator's dense pipeline.
    expect(weightsForUids([2, 0, 1], [0.2, 0.5, 0.3], { minAllowedWeights: 1, maxWeightLimit: 1 })).toEqual({ uids: [0, 1, 2], weights: [65535, 39321, 26214] })
  })
})
