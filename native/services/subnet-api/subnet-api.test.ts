import Database from 'better-sqlite3'
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKeyStore, RateLimiter, SubnetApiServer, agreement, estimateTokens, usageCsv } from '.'
import type { AskMiner } from '.'

const servers: SubnetApiServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

/** A deterministic "model": a vector from the text's characters. */
const embed = (t: string): number[] => [t.length, t.charCodeAt(0) || 0, 1]

async function start(ask: AskMiner, o: { crossCheck?: boolean; deadlineMs?: number; perMinerMs?: number } = {}) {
  const db = new Database(':memory:')
  const keys = new ApiKeyStore(db)
  const logged: string[] = []
  const log = { info: (m: string, f?: Record<string, unknown>) => logged.push(`${m} ${JSON.stringify(f ?? {})}`), warn: (m: string, f?: Record<string, unknown>) => logged.push(`${m} ${JSON.stringify(f ?? {})}`) }
  const server = new SubnetApiServer({
    keys,
    limiter: new RateLimiter(),
    log,
    model: 'subnet-embeddings',
    candidates: () => [
      { uid: 3, score: 0.9 },
      { uid: 7, score: 0.5 },
      { uid: 1, score: 0.1 },
    ],
    ask,
    route: { deadlineMs: o.deadlineMs ?? 2000, perMinerMs: o.perMinerMs ?? 300, crossCheck: o.crossCheck ?? false, agreement: 0.9 },
  })
  servers.push(server)
  const port = await server.listen(0)
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, timeout: 5000 })
  return { keys, server, port, client, logged }
}

const fast: AskMiner = async (_uid, texts) => texts.map(embed)

describe('subnet API with the official openai client', () => {
  it('gives embeddings with a valid key, 401 without or with a revoked one, and meters usage per key', async () => {
    const { keys, client, logged, server, port } = await start(fast)
    const a = keys.create('alice', { ratePerMinute: 0, monthlyTokenQuota: 0 })
    const b = keys.create('bob', { ratePerMinute: 0, monthlyTokenQuota: 0 })
    expect(keys.list().map((k) => k.prefix)).toEqual([`${a.secret.slice(0, 8)}…`, `${b.secret.slice(0, 8)}…`])

    const r = await client(a.secret).embeddings.create({ model: 'subnet-embeddings', input: ['hello world', 'bye'], encoding_format: 'float' })
    expect(r.data.map((d) => d.embedding)).toEqual([embed('hello world'), embed('bye')])
    expect(r.usage.total_tokens).toBe(estimateTokens('hello world') + estimateTokens('bye'))
    // The client's default (base64 floats) decodes to the same vectors.
    const b64 = await client(a.secret).embeddings.create({ model: 'subnet-embeddings', input: 'hi' })
    expect(b64.data[0]!.embedding).toEqual(embed('hi'))
    await client(b.secret).embeddings.create({ model: 'subnet-embeddings', input: 'x', encoding_format: 'float' })
    const models = await client(a.secret).models.list()
    expect(models.data.map((m) => m.id)).toEqual(['subnet-embeddings'])

    // The openai client refuses to send without a key; a request without one gets 401.
    const anonymous = await fetch(`http://127.0.0.1:${port}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","input":"x"}' })
    expect(anonymous.status).toBe(401)
    await expect(client('tdk_not-a-key').embeddings.create({ model: 'm', input: 'x' })).rejects.toMatchObject({ status: 401 })
    expect(keys.revoke(b.key.id)).toBe(true)
    await expect(client(b.secret).embeddings.create({ model: 'm', input: 'x' })).rejects.toMatchObject({ status: 401 })
    // Rotation: the old secret stops working, the new one works with the same name and limits.
    const rotated = keys.rotate(a.key.id)!
    await expect(client(a.secret).embeddings.create({ model: 'm', input: 'x' })).rejects.toMatchObject({ status: 401 })
    await client(rotated.secret).embeddings.create({ model: 'm', input: 'x', encoding_format: 'float' })

    const usage = keys.usage()
    const of = (id: string) => usage.filter((u) => u.keyId === id)
    expect(of(a.key.id).map((u) => [u.requests, u.texts, u.tokens])).toEqual([[2, 3, estimateTokens('hello world') + estimateTokens('bye') + estimateTokens('hi')]])
    expect(of(b.key.id).map((u) => [u.requests, u.texts])).toEqual([[1, 1]])
    expect(of(rotated.key.id).map((u) => u.requests)).toEqual([1])
    expect(usageCsv(usage).split('\n')[0]).toBe('day,key_id,key_name,requests,texts,tokens')
    expect(server.prometheus()).toContain(`taodesk_subnet_api_requests_total{key_id="${a.key.id}",key_name="alice"} 2`)
    // No secret ever reaches the log.
    for (const s of [a.secret, b.secret, rotated.secret]) expect(logged.join('\n')).not.toContain(s)
  })

  it('answers 429 with Retry-After over a key’s rate limit, and 429 insufficient_quota over its monthly quota', async () => {
    const { keys, port } = await start(fast)
    const limited = keys.create('limited', { ratePerMinute: 2, monthlyTokenQuota: 0 })
    const call = (secret: string, input: string) =>
      fetch(`http://127.0.0.1:${port}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', input }) })
    expect((await call(limited.secret, 'a')).status).toBe(200)
    expect((await call(limited.secret, 'b')).status).toBe(200)
    const over = await call(limited.secret, 'c')
    expect(over.status).toBe(429)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(keys.usage().find((u) => u.keyId === limited.key.id)!.requests).toBe(2)

    const small = keys.create('small', { ratePerMinute: 0, monthlyTokenQuota: 3 })
    expect((await call(small.secret, 'abcdefgh')).status).toBe(200) // 2 tokens
    const quota = await call(small.secret, 'abcdefgh')
    expect(quota.status).toBe(429)
    expect(((await quota.json()) as { error: { code: string } }).error.code).toBe('insufficient_quota')
  })

  it('the openai client sees the 429 as a RateLimitError', async () => {
    const { keys, client } = await start(fast)
    const k = keys.create('one-a-minute', { ratePerMinute: 1, monthlyTokenQuota: 0 })
    await client(k.secret).embeddings.create({ model: 'm', input: 'x', encoding_format: 'float' })
    await expect(client(k.secret).embeddings.create({ model: 'm', input: 'x' })).rejects.toBeInstanceOf(OpenAI.RateLimitError)
  })

  it('replaces a miner that times out with the next best one within the request deadline', async () => {
    const asked: number[] = []
    const ask: AskMiner = (uid, texts, signal) => {
      asked.push(uid)
      if (uid === 3) return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))
      return Promise.resolve(texts.map(embed))
    }
    const { keys, client } = await start(ask, { deadlineMs: 1500, perMinerMs: 250 })
    const k = keys.create('k', { ratePerMinute: 0, monthlyTokenQuota: 0 })
    const t0 = Date.now()
    const r = await client(k.secret).embeddings.create({ model: 'm', input: 'hello', encoding_format: 'float' })
    expect(Date.now() - t0).toBeLessThan(1500)
    expect(r.data[0]!.embedding).toEqual(embed('hello'))
    expect(asked).toEqual([3, 7])
  })

  it('with the cross-check on, refuses answers two miners disagree on and serves agreeing ones', async () => {
    const disagree: AskMiner = async (uid, texts) => texts.map((t) => (uid === 3 ? embed(t) : [-t.length, 0, -1]))
    const bad = await start(disagree, { crossCheck: true })
    const k = bad.keys.create('k', { ratePerMinute: 0, monthlyTokenQuota: 0 })
    await expect(bad.client(k.secret).embeddings.create({ model: 'm', input: 'x' })).rejects.toMatchObject({ status: 502 })
    const good = await start(fast, { crossCheck: true })
    const k2 = good.keys.create('k', { ratePerMinute: 0, monthlyTokenQuota: 0 })
    const r = await good.client(k2.secret).embeddings.create({ model: 'm', input: 'x', encoding_format: 'float' })
    expect(r.data).toHaveLength(1)
  })

  it('compares several texts by their similarity structure, so miners with different models can agree', () => {
    const texts = ['cat', 'a cat', 'stock market']
    const modelA = texts.map((t) => (t.includes('cat') ? [1, 0.1, 0] : [0, 0, 1]))
    // Another model: the same structure in other dimensions.
    const modelB = texts.map((t) => (t.includes('cat') ? [0, 0, 0.1, 1] : [1, 0, 0, 0]))
    expect(agreement(modelA, modelB)).toBeGreaterThan(0.99)
    const nonsense = texts.map((t) => (t === 'cat' ? [0, 0, 0.1, 1] : [1, 0, 0, 0]))
    expect(agreement(modelA, nonsense)).toBeLessThan(0.9)
  })
})
