/**
 * Issue 17 item 3: per round the dashboard keeps the miners' best and median score and the same
 * texts scored by baseline models (a local model, OpenAI's through an OpenAI-protocol-exact
 * double on 127.0.0.1), after the weights and within a time budget; a baseline that fails says why.
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DashboardRound } from '../../contract/validator'
import { createLogger } from '../../platform/logging'
import { migrate } from '../../platform/store/migrate'
import { MIGRATIONS } from '../../platform/store/migrations'
import { KeywordQuestionMaker, LocalCorpusSource } from '../../protocols/text-embedding/data'
import { OpenAiDouble } from '../embedding/test-support/openai-double'
import type { BaselineModel } from './round-baselines'
import { median } from './round-dashboard'
import { lexicalEmbed, randomEmbed, startTestAxon } from './testing/test-axon'
import type { TestAxon } from './testing/test-axon'
import { ValidatorService } from './validator-service'
import { ValidatorTables } from './validator-tables'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../shared/data/manpages-corpus.jsonl')
const OPENAI_KEY = 'sk-test-dashboard-0123456789'

const lexicalBaseline: BaselineModel = {
  name: 'lexical-local',
  kind: 'local',
  embed: async (texts, dimensions) => (lexicalEmbed([...texts], dimensions) as number[][]).map((r) => Float32Array.from(r)),
}
const brokenBaseline: BaselineModel = {
  name: 'broken-local',
  kind: 'local',
  embed: () => Promise.reject(new Error('its ONNX file is damaged')),
}
/** Answers only when aborted: stands for a model too slow for the budget. */
const stuckBaseline: BaselineModel = {
  name: 'stuck-local',
  kind: 'local',
  embed: (_texts, _dims, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
}

let hotkeys: string[]
const axons: TestAxon[] = []
const openai = new OpenAiDouble({ apiKey: OPENAI_KEY, dimension: 1024, model: 'text-embedding-3-small' })

beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  hotkeys = ['//DashGood', '//DashRandom', '//DashValidator'].map((u) => keyring.addFromUri(u).address)
  axons.push(await startTestAxon(hotkeys[0], lexicalEmbed), await startTestAxon(hotkeys[1], randomEmbed))
  await openai.start()
})

afterAll(async () => {
  await Promise.all(axons.map((a) => a.close()))
  await openai.kill()
})

function validator(local: BaselineModel[]) {
  const db = new Database(':memory:')
  migrate(db, MIGRATIONS)
  const tables = new ValidatorTables(db)
  const announced: DashboardRound[] = []
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  const service = new ValidatorService({
    tables,
    log: createLogger(() => undefined, 'validator'),
    fire: { status: () => undefined, round: () => undefined, dashboard: (r) => announced.push(r) },
    chainMetagraph: {
      label: 'test',
      load: async () => ({
        netuid: 5,
        block: 500,
        hotkeys,
        axons: [...axons.map((a) => ({ ip: '127.0.0.1', port: a.port })), { ip: '0.0.0.0', port: 0 }],
        stake: [0, 0, 10],
        validatorPermit: [false, false, true],
        consensus: [],
        lastUpdate: [0, 0, 0],
        hyperparameters: { tempo: 360, weightsRateLimit: 100, weightsVersionKey: 0, minAllowedWeights: 1, maxWeightLimit: 1, commitReveal: 'off', revealPeriodEpochs: 1 },
        epoch: 0,
      }),
    },
    signer: async () => keyring.addFromUri('//DashValidator'),
    articleSource: () => new LocalCorpusSource(MANPAGES),
    questionMaker: () => new KeywordQuestionMaker(),
    localBaselines: () => local,
    seed: 7,
  })
  /** Resolves with the round's entry once its baselines are in. */
  const settled = (roundId: number) =>
    new Promise<DashboardRound>((resolve) => {
      const poll = () => {
        const done = announced.find((r) => r.roundId === roundId && !r.baselinesPending)
        if (done) resolve(done)
        else setTimeout(poll, 50)
      }
      poll()
    })
  return { service, tables, announced, settled }
}

describe('subnet dashboard rounds', () => {
  it('keeps best and median miner score and scores the same texts with local and OpenAI baselines after the weights', async () => {
    const { service, settled } = validator([lexicalBaseline, brokenBaseline])
    await service.updateConfig({ burnEnabled: false, setWeights: false, openAiApiKey: OPENAI_KEY, openAiBaseUrl: `${openai.url}/v1`, baselineOpenAiModels: ['text-embedding-3-small', 'text-embedding-3-large'] })
    expect(service.getConfig()).toMatchObject({ openAiApiKeySet: true })
    const round = await service.runOnce()
    expect(round.status).toBe('done')
    const entry = await settled(round.id)

    const scores = service.miner(0, 1).concat(service.miner(1, 1)).map((r) => r.score)
    expect(entry).toMatchObject({ roundId: round.id, block: 500, scoredMiners: 2, queried: 2, best: Math.max(...scores), median: (scores[0] + scores[1]) / 2 })
    const byName = new Map(entry.baselines.map((b) => [b.model, b]))
    // The same lexical model a miner answers with scores what that miner scored.
    expect(byName.get('lexical-local')!.score).toBeCloseTo(Math.max(...scores), 3)
    expect(byName.get('broken-local')).toMatchObject({ score: null, error: 'broken-local could not be scored: its ONNX file is damaged' })
    expect(byName.get('openai:text-embedding-3-small')).toMatchObject({ kind: 'openai', error: null })
    expect(byName.get('openai:text-embedding-3-small')!.score).toBeGreaterThan(0)
    expect(byName.get('openai:text-embedding-3-large')!.score).toBeGreaterThan(0)
    expect(openai.requests).toBeGreaterThanOrEqual(2)
    expect(service.dashboard(50).rounds).toEqual([entry])
    await service.dispose()
  }, 60_000)

  it('a refused OpenAI key and a model too slow for the budget are reported in plain words, and never hold up the round', async () => {
    const { service, settled } = validator([stuckBaseline])
    await service.updateConfig({ burnEnabled: false, setWeights: false, openAiApiKey: 'sk-wrong', openAiBaseUrl: `${openai.url}/v1`, baselineTimeoutS: 5 })
    const t0 = Date.now()
    const round = await service.runOnce()
    // The round (and its weights) finished while the stuck baseline still runs.
    expect(service.dashboard(50).rounds.at(-1)).toMatchObject({ roundId: round.id, baselinesPending: true })
    const entry = await settled(round.id)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5000)
    const byName = new Map(entry.baselines.map((b) => [b.model, b]))
    expect(byName.get('stuck-local')!.error).toBe('stuck-local could not be scored: did not finish within 5 s (raise "baseline time" in the dashboard settings, or use a faster model)')
    expect(byName.get('openai:text-embedding-3-small')!.error).toMatch(/^openai:text-embedding-3-small could not be scored: the OpenAI API refused the API key \(401\)\. It said: "Incorrect API key provided\." Enter a valid key/)
    expect(JSON.stringify(entry)).not.toContain('sk-wrong')
    expect(entry.best).toBeGreaterThan(0)
    await service.dispose()
  }, 60_000)

  it('with no local model and no OpenAI key there is nothing to wait for, and the baselines of deleted rounds go with them', async () => {
    const { service, tables } = validator([])
    await service.updateConfig({ burnEnabled: false, setWeights: false })
    const round = await service.runOnce()
    expect(service.dashboard(50).rounds).toMatchObject([{ roundId: round.id, baselines: [], baselinesPending: false }])
    tables.recordBaselines(round.id, [{ model: 'm', kind: 'local', score: 1, top1: 1, error: null }])
    expect(service.dashboard(50).rounds[0].baselines).toHaveLength(1)
    tables.deleteOlderThan(Date.now() + 1000)
    expect(tables.getState(`baseline:${round.id}`)).toBeUndefined()
    await service.dispose()
  }, 60_000)

  it('median of an even and an odd count', () => {
    expect(median([])).toBeNull()
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
})
