import { afterEach, describe, expect, it } from 'vitest'
import { hashEmbedding } from '../../miner/testing/hash-embedder'
import { OpenAiDouble } from '../test-support/openai-double'
import { TeiDouble } from '../test-support/tei-double'
import type { InferenceDouble } from '../test-support/inference-double'
import { OpenAiClient, TeiClient, clientFor } from './endpoint-clients'
import { EndpointFailure } from './http-json'
import { InferencePool } from './inference-pool'
import type { PoolMember } from './inference-pool'

const doubles: InferenceDouble[] = []
const pools: InferencePool[] = []
afterEach(async () => {
  for (const p of pools.splice(0)) p.dispose()
  for (const d of doubles.splice(0)) await d.kill().catch(() => undefined)
})

async function started<T extends InferenceDouble>(d: T): Promise<T> {
  doubles.push(d)
  await d.start()
  return d
}

const texts = (n: number, tag = 't'): string[] => Array.from({ length: n }, (_, i) => `${tag} ${i} about validators and miners`)
const expected = (t: readonly string[], dims: number): number[][] => t.map((x) => Array.from(hashEmbedding(x, dims)))
const plain = (rows: ArrayLike<number>[]): number[][] => rows.map((r) => Array.from(r))

describe('TEI client against the TEI double (router/src/http/server.rs, types.rs)', () => {
  it('posts {inputs, normalize, truncate} to /embed and reads [[f32]]; splits above max_client_batch_size from /info', async () => {
    const tei = await started(new TeiDouble({ dimension: 16, maxClientBatchSize: 4 }))
    const client = new TeiClient({ url: `${tei.url}/` })
    await client.health(AbortSignal.timeout(2000))
    expect(client.maxBatch).toBe(4)
    const t = texts(10)
    expect(plain(await client.embed(t, undefined, AbortSignal.timeout(2000)))).toEqual(expected(t, 16).map((r) => r.map((x) => Math.fround(x))))
    expect(tei.requests).toBe(3)
  })

  it("reads TEI's {error, error_type} bodies: Overloaded is retryable, an unhealthy /health and a bad key explain themselves", async () => {
    const tei = await started(new TeiDouble({ apiKey: 'k1' }))
    const bad = new TeiClient({ url: tei.url }, 'wrong')
    await expect(bad.health(AbortSignal.timeout(2000))).rejects.toThrow(/refused the API key \(401\).*environment variable/)
    const good = new TeiClient({ url: tei.url }, 'k1')
    tei.failWith = 'Overloaded'
    const overloaded = await good.embed(['x'], undefined, AbortSignal.timeout(2000)).catch((e: unknown) => e)
    expect(overloaded).toBeInstanceOf(EndpointFailure)
    expect(overloaded).toMatchObject({ status: 429, retryable: true, message: expect.stringContaining('Overloaded: Model is overloaded') })
    tei.unhealthy = true
    await expect(good.health(AbortSignal.timeout(2000))).rejects.toThrow(/answered 503: Unhealthy: unhealthy/)
  })

  it('a missing API key variable is refused before any request, naming the variable', () => {
    expect(() => clientFor({ kind: 'tei', url: 'http://127.0.0.1:1', weight: 1, apiKeyEnv: 'TEI_KEY' }, {})).toThrow(/TEI_KEY .* not set/)
  })
})

describe('OpenAI-compatible client against the OpenAI double', () => {
  it('posts {input, model, encoding_format} and orders rows by index; GET /v1/models is the health check', async () => {
    const oa = await started(new OpenAiDouble({ dimension: 8, model: 'm1' }))
    const client = new OpenAiClient({ url: `${oa.url}/v1`, model: 'm1' })
    await client.health(AbortSignal.timeout(2000))
    const t = texts(3)
    expect(plain(await client.embed(t, undefined, AbortSignal.timeout(2000)))).toEqual(expected(t, 8).map((r) => r.map((x) => Math.fround(x))))
    await oa.kill()
    await expect(client.health(AbortSignal.timeout(2000))).rejects.toThrow(/cannot reach .*connection refused/)
  })
})

function member(d: InferenceDouble, kind: 'tei' | 'openai', weight = 1): PoolMember {
  return { kind, url: d.url, weight, client: kind === 'tei' ? new TeiClient({ url: d.url }) : new OpenAiClient({ url: d.url }) }
}

describe('InferencePool', () => {
  it('pads narrower rows with zeros and asks a wider model for the validator\'s width', async () => {
    const tei = await started(new TeiDouble({ dimension: 32 }))
    const pool = new InferencePool({ members: [member(tei, 'tei')] })
    pools.push(pool)
    await pool.start()
    const wide = await pool.embed(['a'], 40, AbortSignal.timeout(2000))
    expect(wide[0]!.length).toBe(40)
    expect(Array.from(wide[0]!.subarray(32))).toEqual(new Array(8).fill(0))
    const cut = await pool.embed(['a'], 16, AbortSignal.timeout(2000))
    expect(Array.from(cut[0]!)).toEqual(Array.from(wide[0]!.subarray(0, 16)))
  })

  it('sends more texts to the endpoint that measures faster (weighted by throughput)', async () => {
    const fast = await started(new TeiDouble({ msPerText: 0.5, maxClientBatchSize: 64 }))
    const slow = await started(new OpenAiDouble({ msPerText: 3 }))
    const pool = new InferencePool({ members: [member(fast, 'tei'), member(slow, 'openai')], chunkTexts: 16 })
    pools.push(pool)
    await pool.start()
    for (let round = 0; round < 6; round++) await Promise.all([0, 1, 2, 3].map((c) => pool.embed(texts(32, `r${round}c${c}`), 32, AbortSignal.timeout(10_000))))
    expect(fast.texts + slow.texts).toBe(6 * 4 * 32)
    expect(fast.texts).toBeGreaterThan(2 * slow.texts)
    const [f, s] = pool.status()
    expect(f!.textsPerSecond!).toBeGreaterThan(s!.textsPerSecond!)
  })

  it('a weight steers the share: weight 4 on one of two equal endpoints gives it most of the texts', async () => {
    const a = await started(new TeiDouble({ msPerText: 1, maxClientBatchSize: 64 }))
    const b = await started(new TeiDouble({ msPerText: 1, maxClientBatchSize: 64 }))
    const pool = new InferencePool({ members: [member(a, 'tei', 4), member(b, 'tei', 1)], chunkTexts: 16 })
    pools.push(pool)
    await pool.start()
    for (let round = 0; round < 4; round++) await Promise.all([0, 1, 2, 3].map((c) => pool.embed(texts(32, `w${round}${c}`), 32, AbortSignal.timeout(10_000))))
    expect(a.texts).toBeGreaterThan(1.5 * b.texts)
  })

  it('two healthy endpoints with work queued: concurrent callers all finish in time, every text embedded once (bench miner-load-pool "2 engines")', async () => {
    // Enough queued work that a piece's time budget (slowFactor × expected) is not a whole number
    // of milliseconds: AbortSignal.timeout threw a RangeError for it, the pool retried that
    // "failure" until the deadline, and half the requests timed out with both engines idle.
    const engines = [await started(new OpenAiDouble({ msPerText: 4 })), await started(new OpenAiDouble({ msPerText: 4 }))]
    const pool = new InferencePool({ members: engines.map((e) => member(e, 'openai')), minAttemptMs: 200 })
    pools.push(pool)
    await pool.start()
    const deadlineMs = 5_000
    const outcomes: Array<{ rows: number; ms: number; error?: string }> = []
    const caller = async (c: number): Promise<void> => {
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now()
        const rows = await pool.embed(texts(64, `c${c}r${i}`), 32, AbortSignal.timeout(deadlineMs)).catch((error: unknown) => ({ error: String(error) }))
        outcomes.push('error' in rows ? { rows: 0, ms: performance.now() - t0, error: rows.error } : { rows: rows.length, ms: performance.now() - t0 })
      }
    }
    await Promise.all([0, 1, 2, 3].map(caller))
    expect(outcomes.filter((o) => o.rows !== 64)).toEqual([])
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(deadlineMs)
    // No piece given up on and sent twice: the engines did exactly the work asked for.
    expect(engines[0]!.texts + engines[1]!.texts).toBe(8 * 64)
    expect(pool.status().map((s) => s.failures)).toEqual([0, 0])
  }, 15_000)

  it('fails over when an endpoint is killed mid-request, takes it out of rotation and reports it in /metrics', async () => {
    const a = await started(new TeiDouble({ msPerText: 2 }))
    const b = await started(new OpenAiDouble({ msPerText: 2 }))
    const warnings: string[] = []
    const pool = new InferencePool({ members: [member(a, 'tei'), member(b, 'openai')], chunkTexts: 8, onWarning: (m) => warnings.push(m) })
    pools.push(pool)
    await pool.start()
    const t = texts(64)
    const running = pool.embed(t, 32, AbortSignal.timeout(5_000))
    setTimeout(() => void a.kill(), 20)
    expect(plain(await running)).toEqual(expected(t, 32).map((r) => r.map((x) => Math.fround(x))))
    const [sa, sb] = pool.status()
    expect(sa).toMatchObject({ healthy: false, lastError: expect.stringMatching(/cannot reach/) })
    expect(sb!.healthy).toBe(true)
    expect(warnings).toContain('An inference endpoint is out of rotation')
    // Later requests go straight to the survivor.
    const before = b.requests
    await pool.embed(texts(8, 'after'), 32, AbortSignal.timeout(2_000))
    expect(b.requests).toBe(before + 1)
    const prom = pool.prometheus().join('\n')
    expect(prom).toContain(`taodesk_inference_endpoint_up{endpoint="${a.url}",kind="tei"} 0`)
    expect(prom).toContain(`taodesk_inference_endpoint_up{endpoint="${b.url}",kind="openai"} 1`)
    expect(prom).toMatch(/taodesk_inference_endpoint_failures_total\{endpoint="[^"]+",kind="tei"\} [1-9]/)
  })

  it('a stalled endpoint is abandoned after its time budget, the piece goes elsewhere, and its rate drops (it stays in rotation)', async () => {
    const stuck = await started(new TeiDouble({ msPerText: 10_000 }))
    const ok = await started(new TeiDouble())
    const pool = new InferencePool({ members: [member(stuck, 'tei', 100), member(ok, 'tei', 1)], minAttemptMs: 300 })
    pools.push(pool)
    await pool.start()
    const t0 = performance.now()
    await pool.embed(['x'], 32, AbortSignal.timeout(3_000))
    expect(performance.now() - t0).toBeLessThan(1_500)
    expect(ok.requests).toBe(1)
    const [slow] = pool.status()
    expect(slow).toMatchObject({ healthy: true, failures: 1 })
    expect(slow!.textsPerSecond!).toBeLessThan(10)
  })

  it('with no other endpoint to go to, a slow one is waited for (the same work is not sent twice)', async () => {
    const slow = await started(new TeiDouble({ msPerText: 600 }))
    const pool = new InferencePool({ members: [member(slow, 'tei')], minAttemptMs: 100 })
    pools.push(pool)
    await pool.start()
    expect(await pool.embed(['x'], 32, AbortSignal.timeout(3_000))).toHaveLength(1)
    expect(pool.status()[0]).toMatchObject({ failures: 0, requests: 1 })
  })

  it("texts an endpoint refuses as invalid (TEI 422 Validation) fail at once with the server's words, not resent until the deadline", async () => {
    const tei = await started(new TeiDouble())
    const other = await started(new TeiDouble())
    tei.failWith = 'Validation'
    const pool = new InferencePool({ members: [member(tei, 'tei', 100), member(other, 'tei', 1)] })
    pools.push(pool)
    await pool.start()
    const t0 = performance.now()
    await expect(pool.embed(['x'], 32, AbortSignal.timeout(5_000))).rejects.toThrow(/answered 422: Validation: /)
    expect(performance.now() - t0).toBeLessThan(1_000)
    expect(other.requests).toBe(0)
    expect(pool.status()[0]!.healthy).toBe(true)
  })

  it('health checks bring an endpoint back once it answers again', async () => {
    const tei = await started(new TeiDouble())
    const pool = new InferencePool({ members: [member(tei, 'tei')] })
    pools.push(pool)
    tei.unhealthy = true
    await pool.start()
    expect(pool.status()[0]).toMatchObject({ healthy: false, lastError: expect.stringContaining('Unhealthy') })
    tei.unhealthy = false
    await pool.checkHealth()
    expect(pool.status()[0]).toMatchObject({ healthy: true, lastError: null })
  })
})
