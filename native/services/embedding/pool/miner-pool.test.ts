import { Keyring } from '@polkadot/keyring'
import type { KeyringPair } from '@polkadot/keyring/types'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../../scripts/make-test-models'
import { makeTempHome } from '../../../../test/support/temp-home'
import { createEngine } from '../../../host'
import { rawRequest, SpecDendrite } from '../../../bittensor/wire/v10/testing/spec-dendrite'
import { LocalEmbeddingsApi } from '../../miner/local-api'
import { hashEmbedding } from '../../miner/testing/hash-embedder'
import { MapMetagraph, testRuntimeFactory } from '../../miner/testing/test-runtime'
import { Embedder } from '../runtime/embedder'
import { cosine } from '../runtime/pooling'
import { OpenAiDouble } from '../test-support/openai-double'
import { TeiDouble } from '../test-support/tei-double'
import { createMinerInference } from './miner-inference'

let minerPair: KeyringPair
let validator: KeyringPair
beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519' })
  minerPair = keyring.addFromUri('//PoolMiner')
  validator = keyring.addFromUri('//Alice')
})

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

const noLocal = { embedder: { name: 'none', embed: () => Promise.reject(new Error('unused')) }, problem: () => 'not used' }

describe('a miner behind an inference pool (issue 18: done-when)', () => {
  it('with two endpoints, one killed mid-run, answers every validator request within its deadline', async () => {
    const tei = new TeiDouble({ dimension: 64, msPerText: 1 })
    const openai = new OpenAiDouble({ dimension: 64, msPerText: 1 })
    await tei.start()
    await openai.start()
    cleanups.push(() => tei.kill(), () => openai.kill())
    const inference = await createMinerInference(
      { endpoints: [{ kind: 'tei', url: tei.url, weight: 1 }, { kind: 'openai', url: openai.url, weight: 1 }], local: false },
      noLocal,
      { chunkTexts: 8, healthIntervalMs: 60_000 },
    )
    cleanups.push(() => inference.dispose())
    const metagraph = new MapMetagraph(new Map([[minerPair.address, { uid: 3, stake: 0, validatorPermit: false }], [validator.address, { uid: 0, stake: 50_000, validatorPermit: true }]]))
    const base = testRuntimeFactory({ minerPair, metagraph, embedder: inference.embedder })
    const home = makeTempHome()
    const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, minerRuntime: async (p) => ({ ...(await base(p)), inference }) })
    cleanups.push(() => home.cleanup(), () => engine.dispose())
    const client = engine.connectInproc('test')
    await client.call('miner.start', { wallet: 'w', port: 18391, host: '127.0.0.1', externalIp: '127.0.0.1', serve: false, metricsPort: 19391 })

    const d = new SpecDendrite({ pair: validator })
    cleanups.push(() => d.close())
    const target = { ip: '127.0.0.1', port: 18391, hotkey: minerPair.address }
    const timeoutS = 3
    const results: Array<{ status: number; ms: number; ok: boolean }> = []
    const caller = async (c: number): Promise<void> => {
      for (let i = 0; i < 12; i++) {
        const texts = Array.from({ length: 24 }, (_, k) => `caller ${c} request ${i} text ${k}`)
        const t0 = performance.now()
        const r = await d.embed(target, texts, { timeoutS })
        const rows = (r.json as { results?: number[][] } | undefined)?.results ?? []
        const want = hashEmbedding(texts[5]!, 64)
        const ok = rows.length === 24 && rows[5]!.length === 1024 && Math.abs(cosine(Float32Array.from(rows[5]!.slice(0, 64)), want) - 1) < 1e-5 && rows[5]!.slice(64).every((x) => x === 0)
        results.push({ status: r.status, ms: performance.now() - t0, ok })
      }
    }
    const callers = Promise.all([0, 1, 2, 3].map(caller))
    // Kill TEI once it has served some pieces, while the callers keep sending.
    while (tei.texts < 48) await new Promise((r) => setTimeout(r, 5))
    const servedBeforeKill = results.length
    await tei.kill()
    await callers

    expect(results).toHaveLength(48)
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    expect(results.every((r) => r.ok)).toBe(true)
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(timeoutS * 1000)
    expect(servedBeforeKill).toBeLessThan(40) // most requests ran after the kill
    const status = await client.call('miner.status', {})
    expect(status.inference?.map((e) => [e.kind, e.healthy])).toEqual([
      ['tei', false],
      ['openai', true],
    ])
    const prom = await rawRequest({ host: '127.0.0.1', port: 19391, method: 'GET', path: '/metrics', headers: {} })
    expect(prom.body).toContain(`taodesk_inference_endpoint_up{endpoint="${tei.url}",kind="tei"} 0`)
    expect(prom.body).toMatch(new RegExp(`taodesk_inference_endpoint_texts_total\\{endpoint="${openai.url}",kind="openai"\\} [1-9]`))
    await client.call('miner.stop', {})
  }, 30_000)
})

describe("another TaoDesk engine's local API as an OpenAI-compatible endpoint", () => {
  it('gives the same vectors as that engine embedding directly (real ONNX model behind it)', async () => {
    const tiny = ensureTestModel('tiny')
    const model = await Embedder.load({ onnxFile: tiny.onnxFile, tokenizerFile: tiny.tokenizerFile, pooling: 'cls', maxLength: 128, intraOpThreads: 1, workers: 1 })
    cleanups.push(() => model.dispose())
    const port = { name: 'onnx:tiny', embed: async (texts: readonly string[], dimensions: number, signal: AbortSignal) => (await model.embed(texts, { dimensions, signal })).vectors }
    const api = new LocalEmbeddingsApi(port, 0)
    const url = (await api.listen()).replace(/\/v1\/embeddings$/, '')
    cleanups.push(() => api.close())
    const inference = await createMinerInference({ endpoints: [{ kind: 'openai', url, weight: 1 }], local: false }, noLocal)
    cleanups.push(() => inference.dispose())
    expect(inference.status()[0]).toMatchObject({ healthy: true, lastError: null }) // GET /v1/models
    const texts = ['miners answer validators', 'the subnet scores embeddings', 'a third, longer text about Bittensor and its axons']
    const viaPool = await inference.embedder.embed(texts, 1024, AbortSignal.timeout(10_000))
    const direct = await port.embed(texts, 1024, AbortSignal.timeout(10_000))
    for (let i = 0; i < texts.length; i++) expect(cosine(Float32Array.from(viaPool[i]!), direct[i]!)).toBeGreaterThan(0.99999)
  }, 30_000)
})
