/**
 * Subnet 5 end to end on the practice devnet (real finney metadata, sr25519-checked extrinsics,
 * Yuma every tempo), over its WebSocket like a remote node:
 *
 *  - a TaoDesk miner engine (wallet hotkey, chain metagraph, serve_axon, a real ONNX model: the
 *    lexical test model of scripts/make-test-models.ts) registers and publishes its axon;
 *  - two deliberately bad miners (random vectors, wrong dimension) are small test axons;
 *  - a validator with stake and a permit runs `taodesk validator round --once` (its own engine,
 *    its wallet hotkey, the chain metagraph) and its signed requests reach the miners over HTTP;
 *  - weights are set on chain, a tempo passes, and the best miner earns the highest incentive.
 *
 * Addresses: every axon is published as 203.0.113.7 (a documentation address the chain accepts;
 * it refuses loopback) but listens on 127.0.0.1. The validator is told that 203.0.113.7 is its own
 * external IP (--external-ip), and its dendrite, like the Python one, reaches axons published with
 * its own IP over loopback (Dendrite.connectHost).
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { mnemonicGenerate } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../../scripts/make-test-models'
import { captureIo } from '../../../../test/support/capture-io'
import { makeTempHome } from '../../../../test/support/temp-home'
import { ChainClient } from '../../../bittensor/chain/chain-client'
import { devSigner } from '../../../bittensor/keys/dev-signer'
import { DevnetNode, startDevnetServer } from '../../../bittensor/devnet'
import type { DevnetServer } from '../../../bittensor/devnet'
import { createValidatorCommand } from '../../../cli/commands/validator'
import type { LeaseInfo } from '../../updater/gate'
import { createEngine } from '../../../host'
import type { Engine } from '../../../host'
import type { RpcClient } from '../../../rpc'
import { sameVectorEmbed, startTestAxon, wrongDimensionEmbed } from '../testing/test-axon'
import type { TestAxon } from '../testing/test-axon'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../../shared/data/manpages-corpus.jsonl')
const PUBLIC_IP = '203.0.113.7'
const NETUID = 5
const TAO = 1_000_000_000n

async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

describe('subnet 5 on the devnet: miner, validator, weights and incentive', () => {
  const lexical = ensureTestModel('lexical')
  let node: DevnetNode
  let server: DevnetServer
  let setup: ChainClient
  let minerHome: ReturnType<typeof makeTempHome>
  let validatorHome: ReturnType<typeof makeTempHome>
  let miner: Engine
  let rpc: RpcClient
  const axons: TestAxon[] = []
  const minerLeases: LeaseInfo[] = []

  beforeAll(async () => {
    node = await DevnetNode.create({ tempo: 20 })
    server = await startDevnetServer(node, { port: 0 })
    setup = await ChainClient.connect({ network: 'custom', customUrl: server.url })
    minerHome = makeTempHome()
    validatorHome = makeTempHome()
  })

  afterAll(async () => {
    await miner?.dispose()
    for (const a of axons) await a.close()
    await setup?.release()
    node?.dispose()
    await server?.close()
    minerHome?.cleanup()
    validatorHome?.cleanup()
  })

  it('a validator round reaches the TaoDesk miner, weights land on chain, and the best miner earns the most', async () => {
    const walletsDir = path.join(minerHome.dir, 'wallets')
    fs.mkdirSync(walletsDir)

    // ---- the miner's engine: wallet hotkey, network, model ----
    miner = createEngine({ home: minerHome.dir, version: '0.0.0-test', headless: true })
    miner.safetyGate.onDidChange((held) => minerLeases.push(...held))
    rpc = miner.connectInproc('test')
    await rpc.call('wallet.setDirectory', { path: walletsDir })
    const minerWallet = await rpc.call('wallet.regen', { name: 'miner', role: 'hotkey', hotkey: 'default', mnemonic: mnemonicGenerate(), overwrite: false })
    const minerHotkey = minerWallet.hotkeys[0]!.address!
    await rpc.call('chain.setNetwork', { network: 'custom', customUrl: server.url })
    await rpc.call('models.import', { path: lexical.dir, name: 'lexical' })
    expect((await rpc.call('models.use', { id: 'local/lexical' })).state).toBe('ready')

    // ---- the validator's wallet (its own engine home; the wallets folder is shared) ----
    const vSetup = createEngine({ home: validatorHome.dir, version: '0.0.0-test', headless: true })
    let validatorHotkey: string
    try {
      const v = vSetup.connectInproc('test')
      await v.call('wallet.setDirectory', { path: walletsDir })
      validatorHotkey = (await v.call('wallet.regen', { name: 'validator', role: 'hotkey', hotkey: 'default', mnemonic: mnemonicGenerate(), overwrite: false })).hotkeys[0]!.address!
    } finally {
      await vSetup.dispose()
    }

    // ---- registrations (dev coldkeys pay), stake, and the bad miners' axons ----
    const bob = await devSigner('//Bob')
    expect((await setup.register(bob, NETUID, minerHotkey, 10n * TAO)).uid).toBe(0)
    const bad = [
      { cold: '//Dave', hot: '//Dave//random', embed: sameVectorEmbed },
      { cold: '//Eve', hot: '//Eve//wrongdim', embed: wrongDimensionEmbed },
    ]
    for (const b of bad) {
      const hot = await devSigner(b.hot)
      await setup.register(await devSigner(b.cold), NETUID, hot.address, 10n * TAO)
      const axon = await startTestAxon(hot.address, b.embed)
      axons.push(axon)
      await setup.serveAxon(hot, NETUID, { ip: PUBLIC_IP, port: axon.port, version: 9_000_000 })
    }
    const charlie = await devSigner('//Charlie')
    const validatorUid = (await setup.register(charlie, NETUID, validatorHotkey, 10n * TAO)).uid
    await setup.addStake(charlie, validatorHotkey, NETUID, 1000n * TAO)

    // ---- the miner starts: real axon on loopback, published as PUBLIC_IP:port ----
    const port = await freePort()
    const started = await rpc.call('miner.start', {
      network: server.url,
      wallet: 'miner',
      hotkey: 'default',
      host: '127.0.0.1',
      port,
      externalIp: PUBLIC_IP,
      metricsPort: null,
      // Only staked validators holding a permit, as the OpenKaito quickstart configures miners.
      blacklist: { minStake: 100, forceValidatorPermit: true, allowNonRegistered: false },
    })
    expect(started.state).toBe('running')
    expect(started.uid).toBe(0)
    expect(started.served).toMatchObject({ ip: PUBLIC_IP, port, action: 'served' })
    expect(started.provider).toMatch(/^onnx:local\/lexical@cpu$/)

    // One epoch gives the staked validator its permit; a few more blocks pass the epoch length.
    node.produceBlocks(node.blocksUntilNextEpoch(NETUID) + 12)
    const before = await setup.metagraph(NETUID)
    const vRow = before.neurons.find((n) => n.uid === validatorUid)!
    expect(vRow.validatorPermit).toBe(true)
    expect(vRow.stake).toBeGreaterThan(100)
    expect(before.neurons.find((n) => n.uid === 0)!.axon).toMatchObject({ ip: PUBLIC_IP, port, serving: true })

    // ---- the validator: `taodesk validator round --once` in its own engine ----
    const validatorLeases: LeaseInfo[] = []
    const command = createValidatorCommand({
      createEngine: (o) => {
        const e = createEngine(o)
        e.safetyGate.onDidChange((held) => validatorLeases.push(...held))
        return e
      },
    })
    const c = captureIo({ TAODESK_HOME: validatorHome.dir })
    const args = ['round', '--once', '--url', server.url, '--wallet', 'validator', '--hotkey', 'default', '--corpus', MANPAGES, '--offline-questions', '--no-burn', '--external-ip', PUBLIC_IP, '--epoch-length', '10', '--json']
    const { values, positionals } = parse(args)
    const code = await command.run(values, positionals, c)
    const lines = c.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(code, c.err() + c.out()).toBe(0)
    const round = lines.find((l) => l.type === 'round')!
    expect(round).toMatchObject({ status: 'done', queried: 3 })
    const board = (lines.find((l) => l.type === 'leaderboard')!.rows as Array<{ uid: number; lastScore: number; lastStatus: number }>).sort((a, b) => a.uid - b.uid)
    const [good, random, wrong] = [0, 1, 2].map((uid) => board.find((r) => r.uid === uid)!)
    expect(good.lastStatus, JSON.stringify(board)).toBe(200)
    expect(good.lastScore).toBeGreaterThan(random.lastScore)
    // The same vector for every text carries no information and earns nothing (random vectors
    // scored 0.25-0.34 by chance on a round of few pairs, at times above a real model's worse round).
    expect(random.lastScore).toBe(0)
    expect(wrong.lastScore).toBe(0)
    const weights = lines.find((l) => l.type === 'weights')!
    expect(weights, JSON.stringify(weights)).toMatchObject({ kind: 'set', status: 'ok' })
    const sent = weights as unknown as { uids: number[]; values: number[] }
    const valueOf = (uid: number) => sent.values[sent.uids.indexOf(uid)] ?? 0
    expect(valueOf(0)).toBe(65535)
    expect(valueOf(0)).toBeGreaterThan(valueOf(1))
    expect(validatorLeases.some((l) => l.owner === 'validator' && /^round \d+ in progress$/.test(l.reason))).toBe(true)

    // The validator's signed request reached the miner and was answered with real embeddings.
    const requests = await rpc.call('miner.requests', { limit: 20 })
    const served = requests.find((r) => r.route === 'TextEmbeddingSynapse' && r.hotkey === validatorHotkey)
    expect(served, JSON.stringify(requests)).toMatchObject({ status: 200, uid: validatorUid })
    expect(served!.texts).toBeGreaterThanOrEqual(2)
    expect(minerLeases.some((l) => l.owner === 'miner' && l.reason === 'serving a request')).toBe(true)
    expect(miner.safetyGate.leases()).toEqual([])

    // The weights are on chain; after one tempo Yuma pays the best miner the most.
    const onChain = (await setup.api.query.subtensorModule.weights!(NETUID, validatorUid)) as unknown as Array<[{ toNumber(): number }, { toNumber(): number }]>
    expect(onChain.map(([u]) => u.toNumber())).toContain(0)
    node.produceBlocks(node.blocksUntilNextEpoch(NETUID) + 1)
    const after = await setup.metagraph(NETUID)
    const incentive = (uid: number) => after.neurons.find((n) => n.uid === uid)!.incentive
    expect(incentive(0)).toBeGreaterThan(0)
    expect(incentive(0)).toBeGreaterThan(incentive(1))
    expect(incentive(0)).toBe(Math.max(...after.neurons.map((n) => n.incentive)))
    expect(incentive(2)).toBe(0)

    expect((await rpc.call('miner.status', {})).totals.requests).toBeGreaterThanOrEqual(1)
    expect((await rpc.call('miner.stop', {})).state).toBe('stopped')
  }, 90_000)
})

/** The CLI's option parsing for this one command (node:util parseArgs, as native/cli/main.ts does). */
function parse(args: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const r = parseArgs({ args, options: createValidatorCommand().options, allowPositionals: true, strict: true })
  return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals }
}
