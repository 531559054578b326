import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel, readManPages } from '../../../../scripts/make-test-models'
import { EngineError } from '../../../contract/errors'
import { Embedder } from './embedder'
import { cosine } from './pooling'
import type { ProbeEnvironment } from './providers'
import { detectEnvironment, providerCandidates } from './providers'

const tiny = ensureTestModel('tiny')
const lexical = ensureTestModel('lexical')

const linuxNoGpu: ProbeEnvironment = { platform: 'linux', arch: 'x64', nvidiaGpu: false, ortLibDir: '/x', fileExists: () => false }

describe('provider candidates', () => {
  it('explains why each GPU provider is skipped on a CPU-only Linux machine', () => {
    const c = providerCandidates('auto', linuxNoGpu)
    expect(c.map((x) => x.provider)).toEqual(['cuda', 'dml', 'coreml', 'webgpu', 'cpu'])
    expect(c.find((x) => x.provider === 'cuda')!.skipReason).toMatch(/No NVIDIA GPU/)
    expect(c.find((x) => x.provider === 'dml')!.skipReason).toMatch(/Windows only/)
    expect(c.find((x) => x.provider === 'cpu')!.skipReason).toBeNull()
  })
  it('asks for the CUDA libraries when an NVIDIA GPU is present without them', () => {
    const c = providerCandidates('auto', { ...linuxNoGpu, nvidiaGpu: true })
    expect(c[0]!.skipReason).toMatch(/CUDA provider libraries are not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12/)
  })
  it('tries DirectML on Windows and CoreML on macOS', () => {
    expect(providerCandidates('auto', { ...linuxNoGpu, platform: 'win32' }).find((x) => x.provider === 'dml')!.skipReason).toBeNull()
    expect(providerCandidates('auto', { ...linuxNoGpu, platform: 'darwin', arch: 'arm64' }).find((x) => x.provider === 'coreml')!.skipReason).toBeNull()
  })
})

describe('Embedder on a real ONNX model (tiny BERT shape, worker thread)', () => {
  let embedder: Embedder
  beforeAll(async () => {
    embedder = await Embedder.load({ onnxFile: tiny.onnxFile, tokenizerFile: tiny.tokenizerFile, pooling: 'cls', maxLength: 512, intraOpThreads: 1 })
  })
  afterAll(async () => embedder.dispose())

  it('runs on CPU here and says why no GPU provider was used', () => {
    expect(embedder.provider).toBe('cpu')
    expect(embedder.dimension).toBe(32)
    const cuda = embedder.attempts.find((a) => a.provider === 'cuda')!
    expect(cuda.used).toBe(false)
    expect(cuda.reason).toBeTruthy()
  })

  it('returns finite unit vectors, zero-padded to 1024 with unchanged cosine', async () => {
    const texts = ['A man is eating food.', 'A man is eating a piece of bread.', 'The girl is carrying a baby.']
    const own = await embedder.embed(texts)
    const wide = await embedder.embed(texts, { dimensions: 1024 })
    expect(wide.vectors).toHaveLength(3)
    for (const v of wide.vectors) {
      expect(v.length).toBe(1024)
      expect(v.every(Number.isFinite)).toBe(true)
      expect(Math.hypot(...v)).toBeCloseTo(1, 5)
      expect(v.subarray(32).every((x) => x === 0)).toBe(true)
    }
    expect(cosine(wide.vectors[0]!, wide.vectors[1]!)).toBeCloseTo(cosine(own.vectors[0]!, own.vectors[1]!), 5)
    expect(own.tokens).toBe((await embedder.tokenize(texts)).ids.reduce((n, ids) => n + ids.length, 0))
    expect(own.tokens).toBe(8 + 11 + 9)
  })

  it('gives the same vector for a text whether it is batched with others or alone', async () => {
    const alone = await embedder.embed(['short text'])
    const mixed = await embedder.embed(['a much longer text that will be padded differently in its batch', 'short text', 'x'])
    expect(cosine(alone.vectors[0]!, mixed.vectors[1]!)).toBeCloseTo(1, 5)
  })

  it('refuses to cut a non-Matryoshka model shorter', async () => {
    const err = (await embedder.embed(['x'], { dimensions: 16 }).catch((e: unknown) => e)) as EngineError
    expect(err.code).toBe('BAD_REQUEST')
    expect(err.message).toMatch(/Matryoshka/)
  })

  it('serves concurrent callers (dynamic batching) without blocking the event loop', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    const texts = Array.from({ length: 64 }, (_, i) => `text number ${i} ${'word '.repeat(i % 30)}`)
    const results = await Promise.all([embedder.embed(texts), embedder.embed(texts.slice(0, 10)), embedder.embed(texts.slice(5, 7))])
    clearInterval(timer)
    expect(results.map((r) => r.vectors.length)).toEqual([64, 10, 2])
    expect(cosine(results[0]!.vectors[5]!, results[2]!.vectors[0]!)).toBeCloseTo(1, 5)
    expect(ticks).toBeGreaterThan(0)
  })
})

describe('unloading the model while batches run (a model switch while mining)', () => {
  // In a child process: before the fix, onnxruntime aborted the whole process
  // (`terminate called after throwing an instance of 'Napi::Error'`, exit signal SIGABRT).
  for (const delayMs of [20, 200]) {
    it(`waits for the runs in flight, fails the waiting requests, and never aborts the process (dispose after ${delayMs} ms)`, () => {
      const child = path.join(import.meta.dirname, 'testing', 'dispose-mid-run.ts')
      const r = spawnSync(process.execPath, ['--import', 'tsx', child, tiny.onnxFile, tiny.tokenizerFile, String(delayMs)], { encoding: 'utf8', timeout: 60_000 })
      expect(r.stderr).not.toMatch(/Napi::Error/)
      expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null })
      const { outcomes } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { outcomes: string[] }
      expect(outcomes).toHaveLength(4)
      for (const o of outcomes) expect(['done', 'The model was unloaded while this request waited.']).toContain(o)
      expect(outcomes).toContain('The model was unloaded while this request waited.')
    }, 90_000)
  }
})

describe('provider fallback through onnxruntime itself', () => {
  it('falls back to CPU when the requested CUDA provider cannot start, and records onnxruntime\'s reason', async () => {
    // Pretend an NVIDIA GPU and the CUDA libraries exist so onnxruntime really tries (and fails) to load CUDA.
    const env = { ...detectEnvironment(), platform: 'linux' as const, arch: 'x64', nvidiaGpu: true, fileExists: () => true }
    const e = await Embedder.load({ onnxFile: tiny.onnxFile, tokenizerFile: tiny.tokenizerFile, pooling: 'cls', maxLength: 64, provider: 'cuda', intraOpThreads: 1, probeEnvironment: env })
    try {
      expect(e.provider).toBe('cpu')
      const cuda = e.attempts.find((a) => a.provider === 'cuda')!
      expect(cuda.used).toBe(false)
      expect(cuda.reason).toMatch(/onnxruntime could not start it/)
      expect((await e.embed(['still works'])).vectors[0]!.length).toBe(32)
    } finally {
      await e.dispose()
    }
  })

  it('reports a corrupt or truncated model file clearly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-corrupt-'))
    try {
      const bad = path.join(dir, 'model.onnx')
      const bytes = fs.readFileSync(tiny.onnxFile)
      fs.writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length / 2)))
      const err = (await Embedder.load({ onnxFile: bad, tokenizerFile: tiny.tokenizerFile, pooling: 'cls', maxLength: 64, intraOpThreads: 1 }).catch((x: unknown) => x)) as EngineError
      expect(err).toBeInstanceOf(EngineError)
      expect(err.code).toBe('MODEL_INVALID')
      expect(err.message).toMatch(/corrupt or truncated/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('lexical man-pages model (quality)', () => {
  it('returns the same unit vector for empty and whitespace-only texts (never a zero row)', async () => {
    const e = await Embedder.load({ onnxFile: lexical.onnxFile, tokenizerFile: lexical.tokenizerFile, pooling: 'mean', maxLength: 512, intraOpThreads: 1 })
    try {
      const [empty, blank, word] = (await e.embed(['', ' \n\t ', 'socket'], { dimensions: 1024 })).vectors
      const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0))
      expect(norm(empty!)).toBeCloseTo(1, 5)
      expect(Array.from(blank!)).toEqual(Array.from(empty!))
      expect(norm(word!)).toBeCloseTo(1, 5)
      expect(cosine(empty!, word!)).toBeLessThan(0.99)
    } finally {
      await e.dispose()
    }
  })


  // Exact TF-IDF cosine (no projection) ranks the own summary first for 46% of pages on this corpus
  // (summaries are short and many pages share words); chance is 1/1571. The 384-dimension random
  // projection measured 41.3% top-1 and 64.5% top-5.
  it('ranks a page\'s own summary above the 1570 other summaries far above chance', async () => {
    const pages = readManPages()
    const e = await Embedder.load({ onnxFile: lexical.onnxFile, tokenizerFile: lexical.tokenizerFile, pooling: 'mean', maxLength: 512, intraOpThreads: 1 })
    try {
      const docs = (await e.embed(pages.map((p) => p.text))).vectors
      const sums = (await e.embed(pages.map((p) => p.summary))).vectors
      const dim = e.dimension
      const flat = new Float32Array(sums.length * dim)
      sums.forEach((v, j) => flat.set(v, j * dim))
      let top1 = 0
      let top5 = 0
      const scores = new Float32Array(sums.length)
      docs.forEach((d, i) => {
        // Unit vectors: the dot product is the cosine similarity.
        for (let j = 0; j < sums.length; j++) {
          let dot = 0
          for (let k = 0, off = j * dim; k < dim; k++) dot += d[k]! * flat[off + k]!
          scores[j] = dot
        }
        const own = scores[i]!
        let better = 0
        for (let j = 0; j < sums.length; j++) if (j !== i && scores[j]! > own) better++
        if (better === 0) top1++
        if (better < 5) top5++
      })
      const r1 = top1 / pages.length
      const r5 = top5 / pages.length
      console.log(`lexical model: own summary ranked first for ${(r1 * 100).toFixed(1)}% of ${pages.length} pages, top-5 ${(r5 * 100).toFixed(1)}%`)
      expect(r1).toBeGreaterThan(0.38)
      expect(r5).toBeGreaterThan(0.6)
    } finally {
      await e.dispose()
    }
  })
})
