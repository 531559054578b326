import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../../test/support/temp-home'
import type { EngineError } from '../../../contract'
import { createEngine } from '../../../host'
import type { Engine } from '../../../host'
import type { RpcClient } from '../../../rpc'
import { TeiDouble } from '../test-support/tei-double'

describe('inference endpoints through the engine contract (inference.settings / save / check)', () => {
  let engine: Engine
  let client: RpcClient
  let home: { dir: string; cleanup: () => void }
  const tei = new TeiDouble()
  beforeAll(async () => {
    await tei.start()
    home = makeTempHome()
    engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
    client = engine.connectInproc('test')
  })
  afterAll(async () => {
    await engine.dispose()
    await tei.kill()
    home.cleanup()
  })

  it('starts with none, saves endpoints for the next miner start, and refuses a malformed address', async () => {
    expect(await client.call('inference.settings', {})).toEqual({ endpoints: [], local: true })
    const saved = await client.call('inference.save', { endpoints: [{ kind: 'tei', url: tei.url, weight: 2 }], local: false })
    expect(saved.endpoints[0]).toMatchObject({ kind: 'tei', weight: 2 })
    expect(await client.call('inference.settings', {})).toEqual(saved)
    const bad = (await client.call('inference.save', { endpoints: [{ kind: 'tei', url: 'ftp://x', weight: 1 }], local: true } as never).catch((e: unknown) => e)) as EngineError
    expect(bad.message).toMatch(/http:\/\/ or https:\/\//)
  })

  it('checks endpoints on demand: healthy, refused, and a missing API key variable explained', async () => {
    const report = await client.call('inference.check', { endpoints: [{ kind: 'tei', url: tei.url, weight: 1 }, { kind: 'openai', url: 'http://127.0.0.1:9', weight: 1 }] })
    expect(report.map((r) => r.healthy)).toEqual([true, false])
    expect(report[1]!.lastError).toMatch(/cannot reach .*connection refused/)
    const missing = (await client.call('inference.check', { endpoints: [{ kind: 'tei', url: tei.url, weight: 1, apiKeyEnv: 'TAODESK_TEST_UNSET_KEY' }] }).catch((e: unknown) => e)) as EngineError
    expect(missing.code).toBe('BAD_REQUEST')
    expect(missing.message).toMatch(/TAODESK_TEST_UNSET_KEY .*not set/)
  })
})

describe('EmbeddingService.resolveInference (what miner start embeds with)', () => {
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet }
  it('uses the saved endpoints unless --endpoint gives others, and needs a local model only when it embeds locally', async () => {
    const { EmbeddingService } = await import('../service')
    const home = makeTempHome()
    try {
      const service = new EmbeddingService({ home: home.dir, log: quiet, fire: () => undefined })
      expect(service.resolveInference()).toEqual({ endpoints: [], local: true, usesLocalModel: true })
      const tei = { kind: 'tei' as const, url: 'http://127.0.0.1:8080', weight: 1 }
      service.saveInferenceSettings({ endpoints: [tei], local: false })
      expect(service.resolveInference()).toEqual({ endpoints: [tei], local: false, usesLocalModel: false })
      const other = { kind: 'openai' as const, url: 'http://127.0.0.1:7997', weight: 2 }
      expect(service.resolveInference({ endpoints: [other], local: true })).toEqual({ endpoints: [other], local: true, usesLocalModel: true })
      // An empty list given explicitly means: no endpoints, the local model only.
      expect(service.resolveInference({ endpoints: [] })).toMatchObject({ endpoints: [], usesLocalModel: true })
    } finally {
      home.cleanup()
    }
  })
})
