import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHARED_DIR, ensureTestModel } from '../../../../scripts/make-test-models'
import { makeTempHome } from '../../../../test/support/temp-home'
import type { EngineError, SelfScoreReport } from '../../../contract'
import { createEngine } from '../../../host'
import type { Engine } from '../../../host'
import type { RpcClient } from '../../../rpc'
import { loadBundledEvalSet, loadJsonlEvalSet } from './eval-set'
import { SelfScoreService, chanceLevels, chanceScore, makeBatches, nearChance } from './self-score'

const MANPAGES = path.join(SHARED_DIR, 'data', 'manpages-corpus.jsonl')

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  return p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e as EngineError,
  )
}

describe('evaluation sets and batches', () => {
  it('ships a bundled set of a few hundred pairs from the app documentation', () => {
    const set = loadBundledEvalSet()
    expect(set.name).toBe('taodesk-docs')
    expect(set.pairs.length).toBeGreaterThanOrEqual(350)
    expect(new Set(set.pairs.map((p) => p.q)).size).toBe(set.pairs.length)
    expect(set.pairs.every((p) => p.q.length > 0 && p.p.length >= 40)).toBe(true)
    expect(set.license).toMatch(/TaoDesk's own documentation/)
  })

  it('reads JSONL pairs in three shapes, skips junk lines, and refuses too few or a missing file', () => {
    const home = makeTempHome()
    try {
      const file = path.join(home.dir, 'pairs.jsonl')
      const lines = [
        ...Array.from({ length: 4 }, (_, i) => JSON.stringify({ q: `q${i}?`, p: `passage ${i}` })),
        ...Array.from({ length: 3 }, (_, i) => JSON.stringify({ query: `query ${i}`, passage: `p ${i}` })),
        JSON.stringify({ summary: 'man summary', text: 'man text' }),
        'not json',
        JSON.stringify({ q: 1, p: 'number query' }),
        '',
      ]
      fs.writeFileSync(file, lines.join('\n'))
      const set = loadJsonlEvalSet(file)
      expect(set.pairs).toHaveLength(8)
      expect(set.pairs[0]).toEqual({ q: 'q0', p: 'passage 0' })
      expect(set.pairs[7]).toEqual({ q: 'man summary', p: 'man text' })
      fs.writeFileSync(file, lines.slice(0, 5).join('\n'))
      expect(() => loadJsonlEvalSet(file)).toThrow(/5 usable query\/passage pairs; the self-score needs at least 8/)
      expect(() => loadJsonlEvalSet(path.join(home.dir, 'missing.jsonl'))).toThrow(/Cannot read the evaluation file .*ENOENT/)
    } finally {
      home.cleanup()
    }
  })

  it('cuts pairs into balanced validator-shaped batches, each text once, indices pointing at the right texts', () => {
    const pairs = Array.from({ length: 70 }, (_, i) => ({ q: `question ${i}`, p: `passage ${i}` }))
    const batches = makeBatches(pairs, 32)
    expect(batches.map((b) => b.qIdx.length)).toEqual([35, 35])
    const all = batches.flatMap((b) => b.texts)
    expect(new Set(all).size).toBe(140)
    for (const b of batches) {
      b.qIdx.forEach((q, i) => {
        const n = b.texts[q]!.split(' ')[1]
        expect(b.texts[q]).toBe(`question ${n}`)
        expect(b.texts[b.aIdx[i]!]).toBe(`passage ${n}`)
      })
      // Questions and passages are interleaved, not in two blocks.
      expect(b.qIdx.some((q) => q >= b.qIdx.length)).toBe(true)
    }
    expect(makeBatches(pairs, 32)).toEqual(batches)
    expect(makeBatches(pairs.slice(0, 10), 32).map((b) => b.qIdx.length)).toEqual([10])
  })

  it('chance levels are averaged over the batches like the scores; near chance is judged on top-1 retrieval', () => {
    const batches = [{ qIdx: new Array<number>(32).fill(0) }, { qIdx: new Array<number>(16).fill(0) }]
    const c = chanceLevels(batches)
    expect(c.chanceScore).toBeCloseTo((1 / Math.log(32) + 1 / Math.log(16)) / 2, 12)
    expect(c.chanceTop1).toBeCloseTo((1 / 32 + 1 / 16) / 2, 12)
    expect(c.chanceTop3).toBeCloseTo((3 / 32 + 3 / 16) / 2, 12)
    expect(chanceLevels([])).toEqual({ chanceScore: null, chanceTop1: null, chanceTop3: null })
    // The case: 91 % top-1 with a score (0.345) under 2 × the chance score is not near chance.
    expect(nearChance(0.91, 1 / 32)).toBe(false)
    expect(nearChance(0.05, 1 / 32)).toBe(true)
    expect(nearChance(0.1, 1 / 32)).toBe(false)
  })
})

describe('self-score with real models (tiny random BERT vs the lexical model) on the man-pages corpus', () => {
  const tiny = ensureTestModel('tiny')
  const lexical = ensureTestModel('lexical')
  let engine: Engine
  let client: RpcClient
  let home: { dir: string; cleanup: () => void }

  beforeAll(async () => {
    home = makeTempHome()
    engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
    client = engine.connectInproc('test')
    await engine.embedding.importFolder(tiny.dir, 'tiny-random')
    await engine.embedding.importFolder(lexical.dir, 'lexical-manpages')
    await engine.embedding.use('local/lexical-manpages')
  }, 120_000)
  afterAll(async () => {
    await engine.dispose()
    home.cleanup()
  })

  it("scores every installed model with the validator's InfoNCE; a model with meaning beats random weights by far", async () => {
    const progress: Array<{ modelId: string; done: number; total: number }> = []
    const service = new SelfScoreService({ home: home.dir, embedding: engine.embedding, log: engine.log, evalSet: () => loadJsonlEvalSet(MANPAGES), onProgress: (p) => progress.push(p) })
    const run = service.run({ maxPairs: 128 })
    await expect(rejection(Promise.resolve().then(() => service.run()))).resolves.toMatchObject({ code: 'BUSY' })
    const report = await run
    expect(report.dataset.pairs).toBe(128)
    const byId = new Map(report.models.map((m) => [m.modelId, m]))
    const lex = byId.get('local/lexical-manpages')!
    const rnd = byId.get('local/tiny-random')!
    expect(lex).toMatchObject({ ok: true, active: true, batches: 4, pairs: 128, error: null, dimension: 384 })
    expect(rnd).toMatchObject({ ok: true, active: false, batches: 4, pairs: 128, dimension: 32 })
    // 32 pairs per batch: chance is 1/ln 32 ≈ 0.29. Random weights stay near it; the lexical model retrieves.
    expect(rnd.score!).toBeLessThan(2 * chanceScore(32))
    for (const m of [lex, rnd]) expect(m).toMatchObject({ chanceScore: chanceScore(32), chanceTop1: 1 / 32, chanceTop3: 3 / 32 })
    expect(lex.nearChance).toBe(false)
    expect(lex.score!).toBeGreaterThan(2.5 * rnd.score!)
    expect(lex.top1!).toBeGreaterThan(0.6)
    expect(lex.loss!).toBeCloseTo(1 / lex.score!, 1)
    expect(progress.filter((p) => p.modelId === 'local/tiny-random').map((p) => p.done)).toEqual([1, 2, 3, 4])
    // The active model was scored through the running embedding service, which still works.
    expect(engine.embedding.status()).toMatchObject({ state: 'ready', modelId: 'local/lexical-manpages' })

    await expect(rejection(service.run({ models: ['nope'] }))).resolves.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/Not installed: nope/) })
  }, 180_000)

  it('runs through the engine contract on the bundled set and keeps the last report', async () => {
    // The previous test's report was saved in the same data folder: the engine's service reads it.
    expect(await client.call('miner.lastSelfScore')).toMatchObject({ dataset: { name: 'manpages-corpus.jsonl', pairs: 128 } })
    const report: SelfScoreReport = await client.call('miner.selfScore', { models: ['local/lexical-manpages', 'local/tiny-random'], maxPairs: 64 })
    expect(report.dataset.name).toBe('taodesk-docs')
    expect(report.models.map((m) => m.modelId)).toEqual(['local/lexical-manpages', 'local/tiny-random'])
    expect(report.models.every((m) => m.ok && m.score !== null && m.score > 0)).toBe(true)
    expect(report.models[0]!.score!).toBeGreaterThan(report.models[1]!.score!)
    expect(await client.call('miner.lastSelfScore')).toEqual(report)
    expect(JSON.parse(fs.readFileSync(path.join(home.dir, 'selfscore.json'), 'utf8'))).toEqual(report)
    const bad = await rejection(client.call('miner.selfScore', { maxPairs: 2 }))
    expect(bad.code).toBe('INVALID_PARAMS')
  }, 180_000)
})
