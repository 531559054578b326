import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ValidatorRound, ValidatorStatus } from '../../contract/validator'
import { createLogger } from '../../platform/logging'
import { migrate } from '../../platform/store/migrate'
import { MIGRATIONS } from '../../platform/store/migrations'
import { KeywordQuestionMaker, LocalCorpusSource } from '../../protocols/text-embedding/data'
import type { Signer } from '../../bittensor/keys/signer'
import { REFERENCE_BURNER_HOTKEY } from '../../protocols/text-embedding/scoring'
import { lexicalEmbed, randomEmbed, startTestAxon, wrongDimensionEmbed } from './testing/test-axon'
import type { TestAxon } from './testing/test-axon'
import { ValidatorService, commitHashV2 } from './validator-service'
import type { MetagraphView, WeightSetter } from './validator-service'
import { ValidatorTables } from './validator-tables'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../shared/data/manpages-corpus.jsonl')

let signer: Signer
let minerKeys: string[]
const axons: TestAxon[] = []

beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  const me = keyring.addFromUri('//Validator')
  signer = me
  minerKeys = ['//Good', '//Random', '//Wrong'].map((u) => keyring.addFromUri(u).address)
  axons.push(await startTestAxon(minerKeys[0], lexicalEmbed), await startTestAxon(minerKeys[1], randomEmbed), await startTestAxon(minerKeys[2], wrongDimensionEmbed))
})

afterAll(async () => {
  for (const a of axons) await a.close()
})

function metagraph(over: Partial<MetagraphView['hyperparameters']> = {}, extra: Partial<MetagraphView> = {}): MetagraphView {
  // uid 0..2 miners, uid 3 us (a validator without an axon), uid 4 the burner.
  return {
    netuid: 5,
    block: 10_000,
    hotkeys: [...minerKeys, signer.address, REFERENCE_BURNER_HOTKEY],
    axons: [...axons.map((a) => ({ ip: '127.0.0.1', port: a.port })), { ip: '0.0.0.0', port: 0 }, { ip: '0.0.0.0', port: 0 }],
    stake: [0, 0, 0, 5000, 0],
    validatorPermit: [false, false, false, true, false],
    consensus: [0.6, 0.3, 0.0, 0.0, 0.1],
    lastUpdate: [0, 0, 0, 100, 0],
    hyperparameters: { tempo: 360, weightsRateLimit: 100, weightsVersionKey: 0, minAllowedWeights: 1, maxWeightLimit: 1, commitReveal: 'off', revealPeriodEpochs: 1, ...over },
    epoch: 0,
    ...extra,
  }
}

class RecordingChain implements WeightSetter {
  readonly sets: Array<{ uids: number[]; values: number[]; versionKey: number }> = []
  readonly commits: string[] = []
  readonly reveals: Array<{ uids: number[]; values: number[]; salt: number[] }> = []
  async setWeights(p: { netuid: number; uids: number[]; values: number[]; versionKey: number }) {
    this.sets.push(p)
    return { ok: true, message: 'in block' }
  }
  async commitWeights(p: { netuid: number; commitHash: `0x${string}` }) {
    this.commits.push(p.commitHash)
    return { ok: true, message: 'committed' }
  }
  async revealWeights(p: { netuid: number; uids: number[]; values: number[]; salt: number[]; versionKey: number }) {
    this.reveals.push(p)
    return { ok: true, message: 'revealed' }
  }
}

function setup(mg: () => MetagraphView, chain?: WeightSetter, currentBlock?: () => Promise<number>, options: { blockPollMs?: number } = {}) {
  const db = new Database(':memory:')
  db.pragma('foreign_keys = ON')
  migrate(db, MIGRATIONS)
  const tables = new ValidatorTables(db)
  const logs: string[] = []
  const statuses: ValidatorStatus[] = []
  const rounds: ValidatorRound[] = []
  const log = createLogger((_level, _source, message, fields) => {
    logs.push(`${message} ${JSON.stringify(fields)}`)
    return undefined
  }, 'validator')
  const corpus = new LocalCorpusSource(MANPAGES)
  const service = new ValidatorService({
    tables,
    log,
    fire: { status: (s) => statuses.push(s), round: (r) => rounds.push(r) },
    chainMetagraph: { label: 'test', load: async () => mg(), ...(currentBlock ? { currentBlock } : {}) },
    weightSetter: chain,
    signer: async () => signer,
    articleSource: () => corpus,
    // Template questions that copy their words: the lexical miner's clear lead makes the order of the three certain.
    questionMaker: () => new KeywordQuestionMaker(),
    seed: 42,
    ...options,
  })
  return { service, tables, logs, statuses, rounds, db }
}

describe('validator rounds end to end (three real HTTP miners of different quality)', () => {
  it('scores lexical > random > wrong dimension, and sets weights on chain in that order', async () => {
    const chain = new RecordingChain()
    const { service, rounds, statuses, tables } = setup(() => metagraph(), chain)
    await service.updateConfig({ burnEnabled: false })
    const round = await service.runOnce()
    expect(round.status).toBe('done')
    expect(round.queried).toBe(3) // not us (no axon), not the burner
    expect(round.answered).toBe(3)
    expect(round.source).toBe('local:manpages-corpus.jsonl')
    expect(round.questionMaker).toBe('offline-keywords')
    expect(round.pairs).toBeGreaterThanOrEqual(8)
    expect(rounds).toHaveLength(1)
    expect(new Set(statuses.map((s) => s.phase))).toEqual(new Set(['metagraph', 'data', 'querying', 'scoring', 'weights', 'idle']))

    const board = service.leaderboard(50)
    const byUid = new Map(board.map((b) => [b.uid, b]))
    const good = byUid.get(0)!
    const random = byUid.get(1)!
    const wrong = byUid.get(2)!
    expect(good.lastScore).toBeGreaterThan(random.lastScore)
    expect(random.lastScore).toBeGreaterThan(0)
    expect(wrong.lastScore).toBe(0)
    expect(wrong.availability).toBe(0)
    expect(wrong.lastMessage).toMatch(/Invalid answer: row 0 has 512 values, expected 1024/)
    expect(good.lastTop1).toBeGreaterThan(0.5)
    expect(good.avgLatencyS).toBeGreaterThan(0)

    expect(chain.sets).toHaveLength(1)
    const sent = chain.sets[0]
    expect(sent.versionKey).toBe(803)
    expect(sent.uids).toEqual([0, 1]) // the zero-score miner is dropped by the u16 conversion
    expect(sent.values[0]).toBe(65535)
    expect(sent.values[1]).toBeLessThan(sent.values[0])
    const status = service.status()
    expect(status.lastWeights).toMatchObject({ kind: 'set', status: 'ok' })
    expect(status.consensusCorrelation).toBeGreaterThan(0.5) // our order matches the consensus order
    expect(tables.weights(1)[0].spearman).toBeCloseTo(status.consensusCorrelation!, 12)
  })

  it('applies the burn rule transparently and respects the rate limit', async () => {
    const chain = new RecordingChain()
    let block = 10_000
    const { service } = setup(() => metagraph({}, { block, lastUpdate: [0, 0, 0, 9950, 0] }), chain)
    // A fixed interval (the default follows the subnet's tempo: validator-defaults.test.ts).
    await service.updateConfig({ epochLength: 100 })
    const round = await service.runOnce()
    expect(round.burn).toMatchObject({ applied: true, burnerUid: 4, percentage: 0.95 })
    expect(String(round.burn.reason)).toMatch(/95\.0 %.*burner \(uid 4\)/)
    expect(chain.sets).toHaveLength(0)
    expect(service.status().lastWeights).toMatchObject({ kind: 'skipped' })
    expect(service.status().lastWeights?.message).toMatch(/Too soon: 50 blocks/)
    block += 200
    await service.runOnce()
    expect(chain.sets).toHaveLength(1)
    // The burner dominates once the burn rule is on, exactly as on the live subnet.
    expect(chain.sets[0].uids).toContain(4)
    const burnerIdx = chain.sets[0].uids.indexOf(4)
    expect(chain.sets[0].values[burnerIdx]).toBe(65535)
  })

  it('decides "too soon" from the block after the round, not the block at its start', async () => {
    // The metagraph is read at block 10 000, 50 blocks after our last update; the round itself
    // takes long enough that the chain is at 10 200 when weights are decided (a 60 s query window
    // alone is ~5 blocks; LLM question generation can take minutes).
    const chain = new RecordingChain()
    let now = 10_200
    const { service, tables } = setup(() => metagraph({}, { block: 10_000, lastUpdate: [0, 0, 0, 9950, 0] }), chain, async () => now)
    await service.updateConfig({ epochLength: 100 })
    await service.runOnce()
    expect(chain.sets).toHaveLength(1)
    expect(tables.weights(1)[0]).toMatchObject({ kind: 'set', status: 'ok', block: 10_200 })
    // The same round with the chain still at 10 030 is too soon: 80 blocks, not 50.
    const again = setup(() => metagraph({}, { block: 10_000, lastUpdate: [0, 0, 0, 9950, 0] }), new RecordingChain(), async () => {
      now = 10_030
      return now
    })
    await again.service.updateConfig({ epochLength: 100 })
    await again.service.runOnce()
    expect(again.service.status().lastWeights?.message).toMatch(/Too soon: 80 blocks/)
    // A failing block read falls back to the round's start block.
    const failing = setup(() => metagraph({}, { block: 10_000, lastUpdate: [0, 0, 0, 9950, 0] }), new RecordingChain(), () => Promise.reject(new Error('socket closed')))
    await failing.service.updateConfig({ epochLength: 100 })
    await failing.service.runOnce()
    expect(failing.service.status().lastWeights?.message).toMatch(/Too soon: 50 blocks/)
    expect(failing.logs.some((l) => /Could not read the current block/.test(l))).toBe(true)
  })

  it('commits (CR v2) and reveals in the right epoch; explains timelocked commit-reveal and version keys', async () => {
    const chain = new RecordingChain()
    let block = 10_000
    let mode: 'hash' | 'timelocked' = 'hash'
    let versionKey = 0
    const { service, tables } = setup(() => metagraph({ commitReveal: mode, tempo: 99, weightsVersionKey: versionKey }, { block, epoch: Math.floor(block / 99), lastUpdate: [0, 0, 0, 0, 0] }), chain)
    await service.updateConfig({ burnEnabled: false })
    await service.runOnce()
    expect(chain.commits).toHaveLength(1)
    const commit = tables.pendingCommits(5)[0]
    // The commit is tagged with the chain's epoch index as the metagraph reported it.
    expect(commit.commitEpoch).toBe(Math.floor(10_000 / 99))
    expect(chain.commits[0]).toBe(commitHashV2(signer.address, 5, commit.uids, commit.values, commit.salt!, 803))
    // Next epoch: reveal with the same uids, values and salt.
    block += 100
    await service.runOnce()
    expect(chain.reveals).toHaveLength(1)
    expect(chain.reveals[0]).toMatchObject({ uids: commit.uids, values: commit.values, salt: commit.salt })
    expect(tables.pendingCommits(5).filter((c) => c.id === commit.id)).toHaveLength(0)

    mode = 'timelocked'
    block += 1000
    await service.runOnce()
    expect(service.status().lastWeights?.message).toMatch(/timelocked commit-reveal \(CR v4, drand\).*not support it yet/)

    mode = 'hash'
    versionKey = 900
    block += 1000
    await service.runOnce()
    expect(service.status().lastWeights?.message).toMatch(/version key ≥ 900.*sends 803/)
  })

  it('commit salts come from the OS random source, not the seeded sampling PRNG', async () => {
    // Two validators with the same seed sample the same miners and build the same questions
    // (observable), so a salt drawn from that PRNG would be predictable; it must not repeat.
    const salts: number[][] = []
    for (let i = 0; i < 2; i++) {
      const { service, tables } = setup(() => metagraph({ commitReveal: 'hash', tempo: 99 }, { lastUpdate: [0, 0, 0, 0, 0] }), new RecordingChain())
      await service.updateConfig({ burnEnabled: false })
      await service.runOnce()
      const [commit] = tables.pendingCommits(5)
      expect(commit!.salt).toHaveLength(8)
      expect(commit!.salt!.every((v) => Number.isInteger(v) && v >= 0 && v <= 65535)).toBe(true)
      salts.push(commit!.salt!)
    }
    expect(salts[0]).not.toEqual(salts[1])
  })

  it('commit hash is blake2b-256 of the SCALE tuple (hand-built bytes)', async () => {
    const { blake2AsHex, decodeAddress } = await import('@polkadot/util-crypto')
    const hk = minerKeys[0]
    const bytes = [...decodeAddress(hk), 5, 0, 2 << 2, 1, 0, 2, 0, 2 << 2, 0xff, 0xff, 0x00, 0x80, 1 << 2, 7, 0, 0x23, 0x03, 0, 0, 0, 0, 0, 0]
    expect(commitHashV2(hk, 5, [1, 2], [65535, 32768], [7], 803)).toBe(blake2AsHex(Uint8Array.from(bytes), 256))
  })

  it('resets a uid whose hotkey changed, and a failed round is recorded with its reason', async () => {
    let hotkeys = [...minerKeys]
    let broken = false
    const { service, tables } = setup(() => {
      if (broken) throw new Error('RPC endpoint unreachable')
      return metagraph({}, { hotkeys: [...hotkeys, signer.address, 'x'] })
    })
    await service.updateConfig({ burnEnabled: false })
    await service.runOnce()
    expect(tables.getState<{ scores: number[] }>('scores')!.scores[0]).toBeGreaterThan(0)
    hotkeys = ['5NewHotkeyForUid0', minerKeys[1], minerKeys[2]]
    await service.runOnce() // uid 0 now answers 401 (signature for the wrong hotkey) → 0
    const saved = tables.getState<{ scores: number[]; hotkeys: string[] }>('scores')!
    expect(saved.hotkeys[0]).toBe('5NewHotkeyForUid0')
    expect(saved.scores[0]).toBe(0)
    broken = true
    await expect(service.runOnce()).rejects.toThrow(/RPC endpoint unreachable/)
    expect(tables.rounds(1)[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/unreachable/) })
    expect(service.status().lastError).toMatch(/unreachable/)
  })

  it('start/stop runs the loop and stops cleanly; a round cannot be forced while it runs', async () => {
    const { service, rounds } = setup(() => metagraph())
    await service.updateConfig({ intervalS: 0.05, setWeights: false })
    service.start()
    await expect(service.runOnce()).rejects.toThrow(/Stop it first/)
    const t0 = Date.now()
    while (rounds.length < 2 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50))
    const stopped = await service.stop()
    expect(stopped.running).toBe(false)
    expect(stopped.phase).toBe('idle')
    expect(rounds.length).toBeGreaterThanOrEqual(2)
  })

  it('a refused set_weights is retried at the next round, not mistaken for weights waiting to be recorded', async () => {
    // The chain refuses (no validator permit), then accepts once the permit is there.
    const sent: number[] = []
    let refuse = true
    const chain: WeightSetter = {
      async setWeights() {
        sent.push(block)
        return refuse ? { ok: false, message: 'SubtensorModule.NeuronNoValidatorPermit' } : { ok: true, message: 'in block', block }
      },
    }
    let block = 265
    const { service, tables } = setup(() => metagraph({ weightsRateLimit: 0 }, { block, lastUpdate: [0, 0, 0, 0, 0] }), chain)
    await service.updateConfig({ burnEnabled: false, epochLength: 10 })
    await service.runOnce()
    expect(tables.weights(1)[0]).toMatchObject({ kind: 'set', status: 'failed' })
    block += 5
    refuse = false
    await service.runOnce()
    expect(sent).toEqual([265, 270])
    expect(tables.weights(1)[0]).toMatchObject({ kind: 'set', status: 'ok', block: 270 })
    // Accepted: the next round waits for the chain to record it (lastUpdate still says 0).
    block += 5
    await service.runOnce()
    expect(sent).toHaveLength(2)
    expect(tables.weights(1)[0].message).toMatch(/already sent at block 270/)
  })

  it('a chain that restarted (its block below our last weights) gets weights again', async () => {
    const chain = new RecordingChain()
    let block = 5000
    const { service, tables } = setup(() => metagraph({ weightsRateLimit: 0 }, { block, lastUpdate: [0, 0, 0, 0, 0] }), chain)
    await service.updateConfig({ burnEnabled: false, epochLength: 10 })
    await service.runOnce()
    expect(chain.sets).toHaveLength(1)
    block = 40 // a fresh practice chain
    await service.runOnce()
    expect(chain.sets).toHaveLength(2)
    expect(tables.weights(1)[0]).toMatchObject({ kind: 'set', status: 'ok', block: 40 })
  })

  it('by default the loop follows the subnet: the next round starts one epoch after the last began', async () => {
    let now = 10_000
    const { service, rounds, statuses } = setup(() => metagraph({ tempo: 20 }, { block: now }), undefined, async () => now, { blockPollMs: 10 })
    await service.updateConfig({ setWeights: false })
    service.start()
    const until = async (ok: () => boolean) => {
      const t0 = Date.now()
      while (!ok() && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20))
    }
    await until(() => rounds.length >= 1 && service.status().phase === 'waiting')
    expect(service.status().detail).toMatch(/Next round at block 10020/)
    now = 10_019 // one block short of an epoch (tempo blocks, network-2026 §2.2)
    await new Promise((r) => setTimeout(r, 300))
    expect(rounds).toHaveLength(1)
    now = 10_020
    await until(() => rounds.length >= 2)
    expect(rounds).toHaveLength(2)
    await service.stop()
    expect(statuses.at(-1)?.phase).toBe('idle')
  })

  it('an outcome repeated round after round is logged once, then summarised with its count', async () => {
    const { service, logs } = setup(() => metagraph())
    await service.updateConfig({ setWeights: false })
    for (let i = 0; i < 4; i++) await service.runOnce()
    await service.updateConfig({ setWeights: true })
    await service.runOnce() // a different reason: no chain client
    const weightLines = logs.filter((l) => l.startsWith('Weights not set'))
    expect(weightLines).toHaveLength(3)
    expect(weightLines[0]).toMatch(/turned off/)
    expect(weightLines[1]).toMatch(/^Weights not set 3 more times in a row: Weight setting is turned off/)
    expect(weightLines[2]).toMatch(/chain client is not connected/)
  })

  it('settings keep secrets write-only and validate URLs', async () => {
    const { service, tables } = setup(() => metagraph())
    const view = await service.updateConfig({ llmBaseUrl: 'http://127.0.0.1:11434/v1', llmApiKey: 'sk-secret' })
    expect(view.llmApiKeySet).toBe(true)
    expect(JSON.stringify(view)).not.toContain('sk-secret')
    await expect(service.updateConfig({ llmBaseUrl: 'not a url' })).rejects.toThrow(/not a valid URL/)
    expect(tables.getState('config')).toMatchObject({ llmBaseUrl: 'http://127.0.0.1:11434/v1' })
    expect(tables.getState('secrets')).toBeUndefined()
  })

  it('a saved wallet name that is not a plain name falls back to the default instead of stopping the engine', async () => {
    const first = setup(() => metagraph())
    first.tables.setState('config', { ...first.service.getConfig(), wallet: '../../x', hotkey: 'ok', intervalS: 7 })
    const db = first.db
    const again = new ValidatorService({
      tables: new ValidatorTables(db),
      log: createLogger(() => undefined, 'validator'),
      fire: { status: () => undefined, round: () => undefined },
      chainMetagraph: { label: 'test', load: async () => metagraph() },
      seed: 1,
    })
    expect(again.getConfig()).toMatchObject({ wallet: '', hotkey: 'ok', intervalS: 7 })
    await expect(again.updateConfig({ hotkey: '../x' })).rejects.toThrow()
  })

  it('metagraph "file" queries listed axons without a chain and says why weights were not set', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'targets-'))
    try {
      const file = path.join(dir, 'targets.json')
      fs.writeFileSync(file, JSON.stringify(axons.map((a, i) => ({ hotkey: minerKeys[i], ip: '127.0.0.1', port: a.port }))))
      const { service } = setup(() => metagraph())
      await service.updateConfig({ metagraph: 'file', targetsFile: file })
      const round = await service.runOnce()
      expect(round.answered).toBe(3)
      expect(service.status().lastWeights?.message).toMatch(/no chain/)
      fs.writeFileSync(file, '[{"ip": 1}]')
      await expect(service.runOnce()).rejects.toThrow(/Entry 0 .* needs "hotkey"/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('answers are parsed and scored in worker threads', () => {
  it('bodies that are not JSON or not a synapse are the dendrite 422s; NaN tokens are an invalid answer; the engine thread stays free', async () => {
    const http = await import('node:http')
    const replies = [
      '<html>oops</html>',
      JSON.stringify({ results: [[1]] }),
      (texts: number) => `{"texts":[],"results":[${Array.from({ length: texts }, (_, r) => `[${r === 0 ? 'NaN' : '0.5'}${',0.25'.repeat(1023)}]`).join(',')}]}`,
    ] as const
    const servers = await Promise.all(
      replies.map(async (reply) => {
        const server = http.createServer((req, res) => {
          const chunks: Buffer[] = []
          req.on('data', (c: Buffer) => chunks.push(c))
          req.on('end', () => {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { texts: string[] }
            res.writeHead(200, { 'content-type': 'application/json' })
            res.end(typeof reply === 'string' ? reply : reply(body.texts.length))
          })
        })
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
        return server
      }),
    )
    try {
      const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
      const keys = ['//Html', '//NoTexts', '//NaN'].map((u) => keyring.addFromUri(u).address)
      const mg = metagraph(
        {},
        {
          hotkeys: [...minerKeys, ...keys],
          axons: [...axons.map((a) => ({ ip: '127.0.0.1', port: a.port })), ...servers.map((s) => ({ ip: '127.0.0.1', port: (s.address() as { port: number }).port }))],
          stake: [0, 0, 0, 0, 0, 0],
          validatorPermit: [false, false, false, false, false, false],
          consensus: [],
          lastUpdate: [0, 0, 0, 0, 0, 0],
        },
      )
      const { service } = setup(() => mg)
      await service.updateConfig({ burnEnabled: false, setWeights: false })
      // A timer on the engine's thread keeps ticking while the round is scored.
      let maxGap = 0
      let last = performance.now()
      const tick = setInterval(() => {
        const now = performance.now()
        maxGap = Math.max(maxGap, now - last)
        last = now
      }, 5)
      const round = await service.runOnce()
      clearInterval(tick)
      expect(round.status).toBe('done')
      const byUid = new Map(service.leaderboard(10).map((b) => [b.uid, b]))
      expect(byUid.get(3)).toMatchObject({ lastStatus: 422, lastMessage: 'Failed to parse response', lastScore: 0 })
      expect(byUid.get(4)).toMatchObject({ lastStatus: 422, lastMessage: 'Failed to parse response (not a TextEmbeddingSynapse)', lastScore: 0 })
      expect(byUid.get(5)).toMatchObject({ lastStatus: 200, lastMessage: 'Invalid answer: row 0 column 0 is NaN', lastScore: 0, availability: 0 })
      expect(byUid.get(0)!.lastScore).toBeGreaterThan(byUid.get(1)!.lastScore)
      expect(round.answered).toBe(4) // the two 422s are not answers
      // Generous: scoring happens in workers; the engine thread only routes bytes.
      expect(maxGap).toBeLessThan(1000)
      await service.dispose()
    } finally {
      for (const s of servers) s.close()
    }
  })
})
