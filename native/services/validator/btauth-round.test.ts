/**
 * `taodesk validator round --once --wire btauth`: the validator queries btauth/1 miners (three
 * written from the spec in ./testing, of different quality, and TaoDesk's own miner axon) with
 * signed `POST /v1/embeddings`, and scores them as it scores synapse answers.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import { createValidatorCommand } from '../../cli/commands/validator'
import { createEngine } from '../../host'
import { MinerAxon } from '../miner/axon/miner-axon'
import { MemoryNonceStore } from '../miner/ports'
import { HashEmbedder } from '../miner/testing/hash-embedder'
import { lexicalEmbed, randomEmbed, startBtauthTestAxon, startTestAxon, wrongDimensionEmbed } from './testing/test-axon'
import type { TestAxon } from './testing/test-axon'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../shared/data/manpages-corpus.jsonl')

describe('validator round --once --wire btauth', () => {
  const home = makeTempHome()
  const axons: TestAxon[] = []
  let miner: MinerAxon
  let targetsFile: string
  let v10File: string

  beforeAll(async () => {
    await cryptoWaitReady()
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
    const [good, random, wrong, ours] = ['//Good', '//Random', '//Wrong', '//Ours'].map((u) => keyring.addFromUri(u))
    axons.push(await startBtauthTestAxon(good!.address, lexicalEmbed), await startBtauthTestAxon(random!.address, randomEmbed), await startBtauthTestAxon(wrong!.address, wrongDimensionEmbed))
    // TaoDesk's own miner; the validator runs without a wallet (a temporary key), so the miner lets unregistered callers in.
    miner = new MinerAxon({ signer: ours!, metagraph: { lookup: () => undefined }, embedder: new HashEmbedder(), nonces: new MemoryNonceStore(), host: '127.0.0.1', port: 0, blacklist: { allowNonRegistered: true, minStake: 0 } })
    const minerPort = await miner.listen()
    const targets = [...axons.map((a, i) => ({ hotkey: [good, random, wrong][i]!.address, ip: '127.0.0.1', port: a.port })), { hotkey: ours!.address, ip: '127.0.0.1', port: minerPort }]
    targetsFile = path.join(home.dir, 'targets.json')
    fs.writeFileSync(targetsFile, JSON.stringify(targets))
    // A v10-only miner: a btauth request reaches it without bt_header_* headers.
    const v10 = await startTestAxon(good!.address, lexicalEmbed)
    axons.push(v10)
    v10File = path.join(home.dir, 'v10-targets.json')
    fs.writeFileSync(v10File, JSON.stringify([{ hotkey: good!.address, ip: '127.0.0.1', port: v10.port }]))
  })

  afterAll(async () => {
    for (const a of axons) await a.close()
    await miner.close()
    home.cleanup()
  })

  async function round(args: string[]): Promise<{ code: number; lines: Array<Record<string, unknown>>; err: string }> {
    const command = createValidatorCommand({ createEngine })
    const io = captureIo({ TAODESK_HOME: home.dir })
    const parsed = parseArgs({ args: ['round', '--once', ...args, '--corpus', MANPAGES, '--offline-questions', '--no-burn', '--json'], options: command.options, allowPositionals: true, strict: true })
    const code = await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, io)
    return { code, lines: io.out().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), err: io.err() }
  }

  type Row = { uid: number; lastScore: number; lastStatus: number; lastMessage: string }

  it('queries btauth/1 miners and scores them: lexical > random > wrong dimension; our own miner answers', async () => {
    const { code, lines, err } = await round(['--wire', 'btauth', '--targets', targetsFile])
    expect(code, err + JSON.stringify(lines)).toBe(0)
    expect(lines.find((l) => l.type === 'round')).toMatchObject({ status: 'done', queried: 4, answered: 4 })
    const board = lines.find((l) => l.type === 'leaderboard')!.rows as Row[]
    const [good, random, wrong, ours] = [0, 1, 2, 3].map((uid) => board.find((r) => r.uid === uid)!)
    expect([good, random, wrong, ours].map((r) => r.lastStatus), JSON.stringify(board)).toEqual([200, 200, 200, 200])
    expect(good.lastScore).toBeGreaterThan(random.lastScore)
    expect(random.lastScore).toBeGreaterThan(0)
    expect(wrong.lastScore).toBe(0)
    expect(ours.lastScore).toBeGreaterThan(0)
    expect(axons.slice(0, 3).every((a) => a.requests === 1)).toBe(true)
  })

  it('keeps the setting, and --wire v10 goes back to the synapse', async () => {
    const again = await round(['--targets', v10File])
    const refused = (again.lines.find((l) => l.type === 'leaderboard')!.rows as Row[]).find((r) => r.uid === 0)!
    // The saved wire is still btauth: the v10 axon cannot verify it.
    expect(refused.lastStatus).toBe(401)
    const v10 = await round(['--wire', 'v10', '--targets', v10File])
    const served = (v10.lines.find((l) => l.type === 'leaderboard')!.rows as Row[]).find((r) => r.uid === 0)!
    expect(served.lastStatus).toBe(200)
  })

  it('refuses an unknown wire with a usage error', async () => {
    await expect(round(['--wire', 'grpc', '--targets', targetsFile])).rejects.toThrow('--wire must be one of v10, btauth')
  })
})
