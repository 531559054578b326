import { afterAll, describe, expect, it } from 'vitest'
import { scoreAnswer } from './infonce'
import type { AnswerScore, ScoreTask } from './infonce'
import { ScoringFailure, ScoringPool } from './score-pool'
import { mulberry32 } from '../../../../test/support/mulberry32'

const PAIRS = 64
const DIM = 1024
const rand = mulberry32(77)
// A shuffled layout, as the validator sends it.
const perm = Array.from({ length: 2 * PAIRS }, (_, i) => i).sort(() => rand() - 0.5)
const task: ScoreTask = {
  textCount: 2 * PAIRS,
  dimensions: DIM,
  normalized: true,
  qIdx: Array.from({ length: PAIRS }, (_, i) => perm[2 * i]),
  aIdx: Array.from({ length: PAIRS }, (_, i) => perm[2 * i + 1]),
}

/** Embeddings where question i and chunk i share a topic vector plus `noise`. */
function answer(noise: number): number[][] {
  const topics = Array.from({ length: PAIRS }, () => Array.from({ length: DIM }, () => rand() - 0.5))
  const rows = new Array<number[]>(2 * PAIRS)
  for (let i = 0; i < PAIRS; i++) {
    rows[task.qIdx[i]] = Array.from(Float32Array.from(topics[i], (x) => x + noise * (rand() - 0.5)))
    rows[task.aIdx[i]] = Array.from(Float32Array.from(topics[i], (x) => x + noise * (rand() - 0.5)))
  }
  return rows
}

const body = (results: unknown): Buffer => Buffer.from(JSON.stringify({ name: 'TextEmbeddingSynapse', texts: new Array(2 * PAIRS).fill('t'), results }))

/** The in-thread reference: the dendrite's JSON.parse, then scoreAnswer. */
function reference(b: Buffer): AnswerScore {
  return scoreAnswer((JSON.parse(b.toString('utf8')) as { results?: unknown }).results ?? null, task)
}

function same(a: AnswerScore, b: AnswerScore): void {
  expect(a.valid).toBe(b.valid)
  expect(Object.is(a.score, b.score)).toBe(true)
  expect(Object.is(a.loss, b.loss)).toBe(true)
  expect(a.top1).toBe(b.top1)
  expect(a.top3).toBe(b.top3)
  expect(a.invalidReason).toBe(b.invalidReason)
}

describe('ScoringPool (worker threads)', () => {
  const pool = new ScoringPool({ workers: 2 })
  afterAll(() => pool.close())

  it('gives bit-identical results to the in-thread reference on random and adversarial answers', async () => {
    const good = answer(0.3)
    const bodies: Buffer[] = [
      body(good),
      body(answer(1.2)),
      body(answer(5)),
      body(Array.from({ length: 2 * PAIRS }, () => Array.from({ length: DIM }, () => rand() * 2 - 1))),
      body(good.map((r, i) => (i === 5 ? r.slice(1) : r))), // wrong dimension
      body(good.slice(1)), // wrong row count
      body(good.map((r, i) => (i === 9 ? r.map((x, c) => (c === 3 ? null : x)) : r))), // null value
      body(good.map(() => good[0])), // all-equal rows
      body(good.map((r, i) => (i === 2 ? r.map((x, c) => (c === 7 ? 1e39 : x)) : r))), // beyond float32
      body(null),
      body('not a matrix'),
    ]
    const expected = bodies.map(reference)
    const sizes = bodies.map((b) => b.byteLength)
    const got = await Promise.all(bodies.map((b) => pool.score(b, task)))
    got.forEach((g, i) => {
      expect(g.parse).toBe('ok')
      expect(g.where).toBe('worker')
      same(g.score, expected[i])
    })
    expect(got[0].score.valid).toBe(true)
    expect(got[0].score.score).toBeGreaterThan(got[1].score.score)
    // The big bodies were transferred, not copied: their memory is gone from this thread.
    bodies.forEach((b, i) => {
      if (sizes[i] > 4096) expect(b.byteLength).toBe(0)
    })
  })

  it('reports unparsable bodies and non-synapse JSON (the dendrite maps both to 422)', async () => {
    const [a, b, c] = await Promise.all([
      pool.score(Buffer.from('<html>oops</html>'), task),
      pool.score(Buffer.from('{"results":[]}'), task),
      pool.score(Buffer.from(`{"texts":[],"results":[[NaN${',0'.repeat(DIM - 1)}]]}`), { ...task, textCount: 1 }),
    ])
    expect(a.parse).toBe('unparsable')
    expect(a.parseDetail).toMatch(/offset 0/)
    expect(b.parse).toBe('not-synapse')
    expect(c.score).toMatchObject({ valid: false, score: 0, invalidReason: 'non-finite', detail: 'row 0 column 0 is NaN' })
  })

  it('a small body that is a view into a shared buffer is copied, not detached', async () => {
    const shared = Buffer.from(`XX{"texts":[],"results":null}YY`)
    const view = shared.subarray(2, shared.length - 2)
    const r = await pool.score(view, task)
    expect(r.score.invalidReason).toBe('empty')
    expect(shared.toString()).toBe('XX{"texts":[],"results":null}YY')
  })

  it('falls back to scoring in this thread when workers cannot start, and says so', async () => {
    const warnings: string[] = []
    const broken = new ScoringPool({ workers: 1, onWarning: (m) => warnings.push(m), entry: () => ({ script: 'throw new Error("no worker here")', eval: true }) })
    const b = body(answer(0.5))
    const want = reference(b)
    const r = await broken.score(b, task)
    expect(r.where).toBe('in-thread')
    same(r.score, want)
    expect(warnings.join(' ')).toMatch(/could not start.*no worker here/)
    expect(broken.fallbackReason).toMatch(/no worker here/)
    await broken.close()
  })

  it('a worker that dies mid-job fails that job with ScoringFailure and is replaced', async () => {
    let spawned = 0
    const script = `import('node:worker_threads').then(({ parentPort }) => parentPort.on('message', (m) => { if (m.ping) parentPort.postMessage({ ready: true }); else process.exit(3) }))`
    const dying = new ScoringPool({ workers: 1, entry: () => (spawned++, { script, eval: true }) })
    await expect(dying.score(Buffer.from('{}'), task)).rejects.toBeInstanceOf(ScoringFailure)
    await expect(dying.score(Buffer.from('{}'), task)).rejects.toThrow(/stopped while scoring/)
    expect(spawned).toBe(2)
    await dying.close()
    await expect(dying.score(Buffer.from('{}'), task)).rejects.toThrow(/closed/)
  })
})
