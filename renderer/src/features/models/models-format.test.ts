import { describe, expect, it } from 'vitest'
import type { BenchReport, ModelRow } from '../../../../native/contract'
import { canFetchFp16, canQuantize, canUse, describeCosine, describeQuality, formatBytes, progressPercent, quantizeSummary, rowStatus, timeoutShare } from './models-format'

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
    expect(progressPercent({ receivedBytes: 50, totalBytes: 200 })).toBe(25)
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

describe('int8 copies on the models page', () => {
  const quality = { texts: 36, minCosine: 0.991, meanCosine: 0.9987, passed: true }
  it('offers Use only for a copy that passed its check, and Quantize once per installed original', () => {
    const base = row({ id: 'bge', installed: true })
    const copy = row({ id: 'bge:int8', source: 'int8', installed: true, quantizedFrom: 'bge', quality })
    expect(canUse(copy)).toBe(true)
    expect(canUse({ ...copy, quality: { ...quality, passed: false } })).toBe(false)
    expect(canUse({ ...copy, quality: null })).toBe(false)
    expect(canUse(base)).toBe(true)
    expect(canQuantize(base, [base])).toBe(true)
    expect(canQuantize(base, [base, copy])).toBe(false)
    expect(canQuantize(copy, [base, copy])).toBe(false)
    expect(canQuantize(row({ id: 'x' }), [])).toBe(false)
    expect(describeQuality(quality)).toEqual({ label: 'int8 · cosine 0.9987', color: 'teal' })
    expect(describeQuality({ ...quality, passed: false }).color).toBe('red')
  })
  it('summarises the check and both self-scores side by side', () => {
    const report = { id: 'bge:int8', baseId: 'bge', file: '/m/onnx/model_int8.onnx', sizeBytes: 110e6, baseSizeBytes: 438e6, quantizedMatMuls: 72, keptFloat: 24, seconds: 21.5, quality, thresholds: { meanCosine: 0.99, minCosine: 0.95 }, advice: 'Use it.' }
    const scoreRow = (modelId: string, score: number) => ({ modelId, active: false, ok: true, score, loss: 1 / score, top1: 0.8, top3: 0.95, batches: 4, pairs: 128, seconds: 3, textsPerSecond: 50, dimension: 768, error: null })
    const lines = quantizeSummary(report, [scoreRow('bge', 3.1), scoreRow('bge:int8', 3.05)])
    expect(lines[1]).toBe('Cosine to bge on 36 held-out texts: mean 0.9987 (needs 0.99), lowest 0.9910 (needs 0.95).')
    expect(lines[2]).toBe('Self-score: bge 3.100 (top-1 80.0 %); bge:int8 3.050 (top-1 80.0 %).')
    expect(quantizeSummary(report, null)[2]).toMatch(/scoring…/)
  })
})

describe('fp16 copies on the models page', () => {
  const gpu = { supported: true, ready: false, packCanFix: true, fp16: true }
  it('offers to fetch the fp16 copy only for installed catalog models without one, where CUDA would run it', () => {
    const base = row({ id: 'bge', installed: true, fp16: false })
    expect(canFetchFp16(base, gpu)).toBe(true)
    expect(canFetchFp16({ ...base, fp16: true }, gpu)).toBe(false)
    expect(canFetchFp16({ ...base, installed: false }, gpu)).toBe(false)
    expect(canFetchFp16({ ...base, source: 'int8' }, gpu)).toBe(false)
    expect(canFetchFp16(base, undefined)).toBe(false)
    // No tensor cores, no GPU, or CUDA neither ready nor fixable by the pack: fp16 would not run faster.
    expect(canFetchFp16(base, { ...gpu, fp16: false })).toBe(false)
    expect(canFetchFp16(base, { ...gpu, supported: false })).toBe(false)
    expect(canFetchFp16(base, { ...gpu, packCanFix: false })).toBe(false)
    expect(canFetchFp16(base, { ...gpu, packCanFix: false, ready: true })).toBe(true)
  })
})
