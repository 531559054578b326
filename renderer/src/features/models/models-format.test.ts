import { describe, expect, it } from 'vitest'
import type { BenchReport, ModelRow } from '../../../../native/contract'
import { describeCosine, formatBytes, progressPercent, rowStatus, timeoutShare } from './models-format'

const row = (over: Partial<ModelRow> = {}): ModelRow => ({
  id: 'm',
  source: 'catalog',
  repo: 'a/b',
  description: '',
  dimension: 384,
  pooling: 'mean',
  maxLength: 256,
  sizeBytes: 1,
  license: 'MIT',
  matryoshka: false,
  installed: false,
  downloading: false,
  partialBytes: 0,
  active: false,
  ...over,
})

describe('models page formatting', () => {
  it('formats sizes and progress', () => {
    expect(formatBytes(1_340_000_000)).toBe('1.34 GB')
    expect(formatBytes(91_000_000)).toBe('91.0 MB')
    expect(progressPercent({ id: 'm', phase: 'downloading', file: 'x', receivedBytes: 50, totalBytes: 200 })).toBe(25)
    expect(progressPercent(undefined)).toBe(0)
  })
  it('derives a row status, downloads first', () => {
    expect(rowStatus(row(), undefined)).toBe('available')
    expect(rowStatus(row({ partialBytes: 10 }), undefined)).toBe('partial')
    expect(rowStatus(row({ installed: true }), undefined)).toBe('installed')
    expect(rowStatus(row({ installed: true, active: true }), undefined)).toBe('active')
    expect(rowStatus(row({ partialBytes: 10 }), { id: 'm', phase: 'downloading', file: null, receivedBytes: 1, totalBytes: 2 })).toBe('downloading')
    expect(rowStatus(row({ installed: true }), { id: 'm', phase: 'done', file: null, receivedBytes: 2, totalBytes: 2 })).toBe('installed')
  })
  it('puts a benchmark against the 60 s timeout', () => {
    const b = { estimate512Seconds: 9, timeoutSeconds: 60 } as BenchReport
    expect(timeoutShare(b)).toBeCloseTo(15)
    expect(timeoutShare({ ...b, estimate512Seconds: 300 })).toBe(100)
  })
  it('describes cosine similarity in words', () => {
    expect(describeCosine(1)).toMatch(/identical/)
    expect(describeCosine(0.1)).toBe('unrelated')
  })
})
