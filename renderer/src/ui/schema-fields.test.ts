import { describe, expect, it } from 'vitest'
import { MinerStartParams, Settings, ValidatorConfig } from '../../../native/contract'
import { boundsOf, defaultOf } from './schema-fields'

describe('schema fields', () => {
  it('reads defaults from the contract', () => {
    expect(defaultOf(MinerStartParams.shape.port)).toBe(8091)
    expect(defaultOf(MinerStartParams.shape.hotkey)).toBe('default')
    expect(defaultOf(Settings.shape.logRetentionDays)).toBe(30)
  })

  it('reads number ranges through default and nullable wrappers', () => {
    expect(boundsOf(ValidatorConfig.shape.sampleSize)).toEqual({ min: 1, max: 256 })
    expect(boundsOf(MinerStartParams.shape.metricsPort)).toEqual({ min: 1, max: 65535 })
    expect(boundsOf(ValidatorConfig.shape.versionKey)).toEqual({ min: 0 })
    expect(boundsOf(ValidatorConfig.shape.llmModel)).toEqual({})
  })
})
