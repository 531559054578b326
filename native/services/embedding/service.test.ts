import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../scripts/make-test-models'
import type { DownloadProgress, EngineError, RuntimeStatus } from '../../contract'
import { createEngine } from '../../host'
import type { Engine } from '../../host'
import type { RpcClient } from '../../rpc'
import { makeTempHome } from '../../../test/support/temp-home'
import { HubDouble } from './test-support/hub-double'

const tiny = ensureTestModel('tiny')
const lexical = ensureTestModel('lexical')

describe('models domain through the engine (RPC contract, hub double over HTTP)', () => {
  let hub: HubDouble
  let engine: Engine
  let client: RpcClient
  let home: { dir: string; cleanup: () => void }
  const progress: DownloadProgress[] = []
  const changes: RuntimeStatus[] = []

  beforeAll(async () => {
    hub = new HubDouble({ repos: { 'BAAI/bge-small-en-v1.5': tiny.dir, 'sentence-transformers/all-MiniLM-L6-v2': lexical.dir } })
    const endpoint = await hub.start()
    const saved = process.env.HF_ENDPOINT
    process.env.HF_ENDPOINT = endpoint
    home = makeTempHome()
    try {
      engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
    } finally {
      if (saved === undefined) delete process.env.HF_ENDPOINT
      else process.env.HF_ENDPOINT = saved
    }
    client = engine.connectInproc('test')
    client.on('models.downloadProgress', (p) => progress.push(p))
    client.on('models.changed', (s) => changes.push(s))
  })
  afterAll(async () => {
    await engine.dispose()
    await hub.stop()
    home.cleanup()
  })

  const waitFor = async (cond: () => boolean, ms = 20_000): Promise<void> => {
    const end = Date.now() + ms
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out waiting')
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  it('lists the catalog with nothing installed and no model loaded', async () => {
    const list = await client.call('models.list', {})
    expect(list.models.length).toBeGreaterThanOrEqual(8)
    expect(list.models.every((m) => !m.installed)).toBe(true)
    expect(list.active).toBeNull()
    expect((await client.call('models.status', {})).state).toBe('none')
    const err = (await client.call('models.similarity', { a: 'x', b: 'y' }).catch((e: unknown) => e)) as EngineError
    expect(err.code).toBe('NOT_FOUND')
    expect(err.message).toMatch(/No model is loaded/)
  })

  it('downloads with progress events, loads, and says which provider runs and why others did not', async () => {
    const started = await client.call('models.download', { id: 'bge-small-en-v1.5' })
    expect(started.started).toBe(true)
    await waitFor(() => progress.some((p) => p.id === 'bge-small-en-v1.5' && (p.phase === 'done' || p.phase === 'failed')))
    expect(progress.at(-1)!.phase).toBe('done')
    expect(progress.some((p) => p.phase === 'downloading' && p.totalBytes > 0)).toBe(true)
    const row = (await client.call('models.list', {})).models.find((m) => m.id === 'bge-small-en-v1.5')!
    expect(row.installed).toBe(true)

    const status = await client.call('models.use', { id: 'bge-small-en-v1.5' })
    expect(status.state).toBe('ready')
    expect(status.provider).toBe('cpu')
    expect(status.dimension).toBe(32)
    expect(status.attempts.find((a) => a.provider === 'cuda')!.reason).toBeTruthy()
    expect(changes.some((c) => c.state === 'loading')).toBe(true)
    expect((await client.call('models.list', {})).active).toBe('bge-small-en-v1.5')
  })

  it('embeds to 1024 unit-length dimensions and compares two texts', async () => {
    const r = await client.call('models.embed', { texts: ['A man is eating food.', 'Someone eats.'], dimensions: 1024 })
    expect(r.vectors).toHaveLength(2)
    expect(r.vectors[0]).toHaveLength(1024)
    expect(Math.hypot(...r.vectors[0]!)).toBeCloseTo(1, 4)
    const same = await client.call('models.similarity', { a: 'hello world', b: 'hello world' })
    expect(same.cosine).toBeCloseTo(1, 5)
  })

  it('runs a short benchmark and estimates a 512-text validator request', async () => {
    const b = await client.call('models.bench', { texts: 16 })
    expect(b.texts).toBe(16)
    expect(b.textsPerSecond).toBeGreaterThan(0)
    expect(b.estimate512Seconds).toBeCloseTo(512 / b.textsPerSecond, 5)
    expect(b.timeoutSeconds).toBe(60)
    expect(['ok', 'tight', 'too-slow']).toContain(b.verdict)
    expect(b.advice).toMatch(/512-text request/)
  })

  it('a similarity from the lexical model carries meaning', async () => {
    const dl = await client.call('models.download', { id: 'all-MiniLM-L6-v2' })
    expect(dl.started).toBe(true)
    await waitFor(() => progress.some((p) => p.id === 'all-MiniLM-L6-v2' && p.phase === 'done'))
    await client.call('models.use', { id: 'all-MiniLM-L6-v2' })
    const related = await client.call('models.similarity', { a: 'create a new directory', b: 'mkdir creates a directory with the given pathname' })
    const unrelated = await client.call('models.similarity', { a: 'create a new directory', b: 'the value of the clock is returned in seconds' })
    expect(related.cosine).toBeGreaterThan(unrelated.cosine + 0.1)
  })

  it('refuses to load a model whose files changed on disk, and keeps the current one serving', async () => {
    const onnx = path.join(engine.embedding.models.folder('bge-small-en-v1.5'), 'onnx', 'model.onnx')
    const bytes = fs.readFileSync(onnx)
    bytes[bytes.length - 10]! ^= 0xff
    fs.writeFileSync(onnx, bytes)
    const err = (await client.call('models.use', { id: 'bge-small-en-v1.5' }).catch((e: unknown) => e)) as EngineError
    expect(err.code).toBe('MODEL_INVALID')
    expect(err.message).toMatch(/failed verification.*Download it again/)
    const v = await client.call('models.verify', { id: 'bge-small-en-v1.5' })
    expect(v.ok).toBe(false)
    const status = await client.call('models.status', {})
    expect(status.modelId).toBe('all-MiniLM-L6-v2')
    expect(status.state).toBe('ready')
    expect((await client.call('models.similarity', { a: 'a', b: 'a' })).cosine).toBeCloseTo(1, 5)
  })

  it('imports a local folder after proving it runs', async () => {
    const row = await client.call('models.import', { path: tiny.dir, name: 'mine' })
    expect(row.id).toBe('local/mine')
    expect(row.source).toBe('import')
    const bad = (await client.call('models.import', { path: path.join(home.dir, 'nowhere') }).catch((e: unknown) => e)) as EngineError
    expect(bad.code).toBe('NOT_FOUND')
  })
})
