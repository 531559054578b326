import http from 'node:http'
import type { AddressInfo } from 'node:net'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chunkOf, chunksOfArticle, splitSentences } from './chunking'
import { ChatQuestionMaker, JSON_INSTRUCTION } from './questions'
import { OfflineQuestionMaker } from './offline-questions'
import { Rng } from './random'
import { buildRoundData } from './round-data'
import { HfDatasetsSource, LocalCorpusSource, SUBNET_DATASETS } from './sources'

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')
const MANPAGES = path.resolve(REPO_ROOT, '../shared/data/manpages-corpus.jsonl')

const article = (n: number, topic: string) => Array.from({ length: n }, (_, i) => `Sentence ${i + 1} is about ${topic} number ${i + 1}.`).join(' ')

describe('chunking (§2.3)', () => {
  it('splits prose into sentences without breaking at abbreviations, initials or decimals', () => {
    expect(splitSentences('Dr. Smith met J. R. Tolkien in 1950. It cost 3.5 dollars! Was it e.g. cheap? Yes.')).toEqual([
      'Dr. Smith met J. R. Tolkien in 1950.',
      'It cost 3.5 dollars!',
      'Was it e.g. cheap?',
      'Yes.',
    ])
    expect(splitSentences('   ')).toEqual([])
  })

  it('makes 4 chunks for articles with ≥ 10 sentences and 1 otherwise; chunks are runs of whole sentences', () => {
    const rng = new Rng(1)
    expect(chunksOfArticle(article(10, 'cats'), rng)).toHaveLength(4)
    expect(chunksOfArticle(article(9, 'cats'), rng)).toHaveLength(1)
    expect(chunksOfArticle('', rng)).toHaveLength(0)
    const sentences = splitSentences(article(40, 'dogs'))
    for (let i = 0; i < 200; i++) {
      const c = chunkOf(sentences, rng)
      const parts = splitSentences(c)
      const first = sentences.indexOf(parts[0])
      expect(first).toBeGreaterThanOrEqual(0)
      expect(parts).toEqual(sentences.slice(first, first + parts.length)) // contiguous
      expect(parts.length).toBeLessThanOrEqual(sentences.length)
    }
  })
})

/** Answers like https://datasets-server.huggingface.co/rows (same query parameters and JSON shape). */
async function startDatasetsServer(total: number, opts: { requireToken?: string } = {}) {
  const requests: URL[] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    requests.push(url)
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (opts.requireToken && req.headers.authorization !== `Bearer ${opts.requireToken}`) return send(401, { error: 'The dataset does not exist, or is not accessible without authentication (private or gated).' })
    if (url.pathname !== '/rows') return send(404, { error: 'Not found' })
    const dataset = url.searchParams.get('dataset')
    if (!SUBNET_DATASETS.some((d) => d.path === dataset && d.name === url.searchParams.get('config'))) return send(404, { error: 'The config does not exist.' })
    const offset = Number(url.searchParams.get('offset'))
    const length = Number(url.searchParams.get('length'))
    if (!(length >= 1 && length <= 100)) return send(422, { error: 'Parameter length must be between 1 and 100' })
    const rows = []
    for (let i = offset; i < Math.min(total, offset + length); i++) {
      rows.push({ row_idx: i, row: { text: i % 17 === 0 ? '   ' : article(5 + (i % 20), `${dataset} row ${i}`), id: `<urn:${i}>` }, truncated_cells: [] })
    }
    send(200, { features: [{ feature_idx: 0, name: 'text', type: { dtype: 'string', _type: 'Value' } }], rows, num_rows_total: total, num_rows_per_page: 100, partial: false })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise<void>((r) => server.close(() => r())) }
}

type ChatMode = 'ok' | 'bad-json-then-ok' | 'always-bad' | 'http-401'

/** Answers like an OpenAI-compatible /v1/chat/completions endpoint. */
async function startChatServer(mode: ChatMode) {
  const bodies: Array<{ body: Record<string, unknown>; auth?: string }> = []
  let calls = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      calls++
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      bodies.push({ body, auth: req.headers.authorization })
      res.setHeader('content-type', 'application/json')
      if (req.url !== '/v1/chat/completions') {
        res.statusCode = 404
        return res.end('{}')
      }
      if (mode === 'http-401') {
        res.statusCode = 401
        return res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }))
      }
      const messages = body.messages as Array<{ content: string }>
      const segment = messages[0].content.split('Text segment:\n\n')[1] ?? ''
      const bad = mode === 'always-bad' || (mode === 'bad-json-then-ok' && calls % 2 === 1)
      const content = bad ? 'Sure! Here is a question: what?' : JSON.stringify({ question: `?What is said about ${segment.split(' ').slice(3, 6).join(' ')}??` })
      res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: body.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) }
}

describe('subnet recipe: datasets-server + OpenAI-compatible chat (real HTTP)', () => {
  let ds: Awaited<ReturnType<typeof startDatasetsServer>>
  beforeAll(async () => {
    ds = await startDatasetsServer(5000)
  })
  afterAll(() => ds.close())

  it('builds a round: 8–32 articles, a question per chunk from the LLM, shuffled texts, provenance', async () => {
    const chat = await startChatServer('ok')
    try {
      const source = new HfDatasetsSource({ baseUrl: ds.url })
      const llm = new ChatQuestionMaker({ baseUrl: chat.url, model: 'gpt-4o-mini', apiKey: 'sk-test' })
      const round = await buildRoundData(source, llm, new Rng(5))
      const { provenance: p } = round
      expect(p.source).toBe('huggingface')
      expect(p.description).toMatch(/^huggingface:(HuggingFaceFW\/fineweb\|sample-100BT|wikimedia\/wikipedia\|20231101\.en)\|train rows \d+–\d+$/)
      expect(p.questionMaker).toBe(`llm:gpt-4o-mini@${new URL(chat.url).host}`)
      expect(p.articles).toBeGreaterThanOrEqual(8)
      expect(p.articles).toBeLessThanOrEqual(32)
      expect(p.droppedPairs).toBe(0)
      expect(round.pairs.length).toBe(p.chunks)
      expect(round.texts.length).toBe(2 * round.pairs.length)
      round.pairs.forEach((pair, i) => {
        expect(round.texts[round.qIdx[i]]).toBe(pair.question)
        expect(round.texts[round.aIdx[i]]).toBe(pair.chunk)
        expect(pair.question.startsWith('?') || pair.question.endsWith('?')).toBe(false)
        expect(pair.articleRef).toMatch(/#\d+$/)
      })
      expect(new Set([...round.qIdx, ...round.aIdx]).size).toBe(round.texts.length)
      // The chat request is the reference's: json_object, temperature 1.5, two user messages.
      const first = chat.bodies[0]
      expect(first.auth).toBe('Bearer sk-test')
      expect(first.body).toMatchObject({ model: 'gpt-4o-mini', response_format: { type: 'json_object' }, temperature: 1.5 })
      const messages = first.body.messages as Array<{ role: string; content: string }>
      expect(messages.map((m) => m.role)).toEqual(['user', 'user'])
      expect(messages[0].content).toContain('\nText segment:\n\n')
      expect(messages[1].content).toBe(JSON_INSTRUCTION)
      // The datasets-server was asked for one page of ≤ 100 rows at a random offset.
      const page = ds.requests.find((u) => u.searchParams.get('length') === '100')
      expect(page).toBeDefined()
    } finally {
      await chat.close()
    }
  })

  it('retries an unparsable LLM answer, and drops the pair after 4 attempts', async () => {
    const flaky = await startChatServer('bad-json-then-ok')
    const bad = await startChatServer('always-bad')
    try {
      const ok = await new ChatQuestionMaker({ baseUrl: flaky.url, model: 'm', retryDelayMs: 1 }).question('Pipes connect processes. They are one way.')
      expect(ok).toBe('What is said about They are one')
      expect(flaky.bodies).toHaveLength(2)
      const fail = await new ChatQuestionMaker({ baseUrl: bad.url, model: 'm', retryDelayMs: 1 }).question('text')
      expect(fail).toBeInstanceOf(Error)
      expect(bad.bodies).toHaveLength(4)
    } finally {
      await flaky.close()
      await bad.close()
    }
  })

  it('a rejected API key fails the round with the endpoint\'s own message', async () => {
    const chat = await startChatServer('http-401')
    try {
      const source = new HfDatasetsSource({ baseUrl: ds.url })
      const llm = new ChatQuestionMaker({ baseUrl: chat.url, model: 'gpt-4o-mini', apiKey: 'wrong' })
      await expect(buildRoundData(source, llm, new Rng(2))).rejects.toThrow(/HTTP 401: Incorrect API key provided.*Check the URL, model and API key/)
      expect(chat.bodies).toHaveLength(1) // stops at the first fatal answer instead of failing every chunk
    } finally {
      await chat.close()
    }
  })

  it('explains a gated dataset and an unreachable server', async () => {
    const gated = await startDatasetsServer(100, { requireToken: 'hf_x' })
    try {
      await expect(new HfDatasetsSource({ baseUrl: gated.url }).articles(8, new Rng(1))).rejects.toThrow(/HTTP 401.*Hugging Face token/)
      const withToken = await new HfDatasetsSource({ baseUrl: gated.url, token: 'hf_x' }).articles(8, new Rng(1))
      expect(withToken.articles.length).toBe(8)
    } finally {
      await gated.close()
    }
    await expect(new HfDatasetsSource({ baseUrl: 'http://127.0.0.1:9' }).articles(8, new Rng(1))).rejects.toThrow(/Could not reach/)
  })
})

describe('local corpora with the offline question maker', () => {
  it('builds a round from the man-pages JSONL corpus without any LLM', async () => {
    const source = new LocalCorpusSource(MANPAGES)
    expect(source.load().articles.length).toBe(1571)
    const round = await buildRoundData(source, new OfflineQuestionMaker(), new Rng(9))
    expect(round.provenance.questionMaker).toBe('offline-cloze+summary')
    expect(round.provenance.description).toMatch(/manpages-corpus\.jsonl \(\d+ of 1571 documents\)/)
    expect(round.pairs.length).toBeGreaterThanOrEqual(8)
    for (const p of round.pairs) {
      expect(p.articleRef).toMatch(/^manpages-corpus\.jsonl:\d+ \(/)
      expect(p.chunk.includes(p.question)).toBe(false) // never a verbatim copy
      expect(p.question.length).toBeGreaterThan(5)
    }
  })

  it('reads a folder of text files and reports unusable lines of a JSONL file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'))
    try {
      fs.mkdirSync(path.join(dir, 'sub'))
      for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, i % 2 ? 'sub' : '', `doc${i}.txt`), article(12, `topic${i} zebra${i} quartz${i}`))
      fs.writeFileSync(path.join(dir, 'image.png'), 'not text')
      const round = await buildRoundData(new LocalCorpusSource(dir), new OfflineQuestionMaker(), new Rng(3))
      expect(round.provenance.articles).toBeGreaterThanOrEqual(8)
      expect(round.pairs.every((p) => /doc\d+\.txt$/.test(p.articleRef))).toBe(true)

      const jsonl = path.join(dir, 'c.jsonl')
      fs.writeFileSync(jsonl, ['{"text":"One. Two."}', 'not json', '{"title":"no text"}', '', '{"text":"Three sentences here. Four. Five."}'].join('\n'))
      const loaded = new LocalCorpusSource(jsonl).load()
      expect(loaded.articles).toHaveLength(2)
      expect(loaded.skipped).toBe(2)
      expect(() => new LocalCorpusSource(path.join(dir, 'missing.jsonl')).load()).toThrow(/does not exist/)
      fs.writeFileSync(path.join(dir, 'empty.jsonl'), 'garbage\n')
      expect(() => new LocalCorpusSource(path.join(dir, 'empty.jsonl')).load()).toThrow(/no usable documents/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
