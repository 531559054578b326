/**
 * Done-when of issue 17, end to end on the practice devnet over its WebSocket: `taodesk subnet create`
 * makes a subnet (register_network_with_identity + start_call) whose identity TaoDesk recognises as an
 * embedding subnet; `taodesk chain register` (which refuses subnets that do not declare the protocol)
 * registers a TaoDesk miner engine's hotkey and a validator's on it; the miner serves its axon with a
 * real ONNX model, `taodesk validator round --once --netuid N` scores it and sets weights on the new
 * subnet, and after a tempo Yuma pays the miner incentive there.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { mnemonicGenerate } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../scripts/make-test-models'
import { captureIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import { ChainClient } from '../../bittensor/chain/chain-client'
import { devSigner } from '../../bittensor/keys/dev-signer'
import { DevnetNode, startDevnetServer } from '../../bittensor/devnet'
import type { DevnetServer } from '../../bittensor/devnet'
import { createValidatorCommand } from '../../cli/commands/validator'
import { runCli } from '../../cli/main'
import { protocolCompatibility } from '../../protocols/text-embedding/identity'
import type { LeaseInfo } from '../updater/gate'
import { createEngine } from '../../host'
import type { Engine } from '../../host'
import type { RpcClient } from '../../rpc'
import { randomEmbed, startTestAxon, wrongDimensionEmbed } from '../validator/testing/test-axon'
import type { TestAxon } from '../validator/testing/test-axon'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../shared/data/manpages-corpus.jsonl')
const PUBLIC_IP = '203.0.113.7'
const TAO = 1_000_000_000n

async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

describe('issue 17 done-when: a subnet created with `taodesk subnet create` is mined and validated by TaoDesk', () => {
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

  it('creates the subnet, recognises it as an embedding subnet, registers miner and validator, scores, sets weights and pays incentive', async () => {
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

    // ---- `taodesk subnet create`: Ferdie owns the new subnet ----
    const cli = async (args: string[]) => {
      const io = captureIo({})
      const code = await runCli([...args, '--url', server.url, '--json'], io)
      return { code, json: JSON.parse(io.out().trim().split('\n').pop() || '{}') as Record<string, unknown>, err: io.err() }
    }
    const created = await cli(['subnet', 'create', '--uri', '//Ferdie', '--hotkey-uri', '//Ferdie//owner', '--max-lock', '1000', '--name', 'Practice embeddings 2', '--repo', 'https://github.com/example/embeddings'])
    expect(created.code, created.err + JSON.stringify(created.json)).toBe(0)
    const NETUID = created.json.netuid as number
    expect(NETUID).not.toBe(5)
    expect(created.json).toMatchObject({ emissionStarted: true, protocol: 'speaks' })
    expect(protocolCompatibility(await setup.subnetIdentity(NETUID)).verdict).toBe('speaks')
    // Uid 0 is the owner's hotkey (append_neuron in do_register_network).

    // ---- registrations through the CLI's identity guard (dev coldkeys pay), stake, and the bad miners' axons ----
    const registered = await cli(['chain', 'register', '--netuid', String(NETUID), '--uri', '//Bob', '--hotkey', minerHotkey, '--max-price', '10'])
    expect(registered.code, registered.err + JSON.stringify(registered.json)).toBe(0)
    const minerUid = registered.json.uid as number
    expect(minerUid).toBe(1)
    const bad = [
      { cold: '//Dave', hot: '//Dave//random', embed: randomEmbed },
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
      netuid: NETUID,
      metricsPort: null,
      // Only staked validators holding a permit, as the OpenKaito quickstart configures miners.
      blacklist: { minStake: 100, forceValidatorPermit: true, allowNonRegistered: false },
    })
    expect(started.state).toBe('running')
    expect(started.uid).toBe(minerUid)
    expect(started.served).toMatchObject({ ip: PUBLIC_IP, port, action: 'served' })
    expect(started.provider).toMatch(/^onnx:local\/lexical@cpu$/)

    // One epoch gives the staked validator its permit; a few more blocks pass the epoch length.
    // A new subnet has subtensor's default WeightsSetRateLimit (100 blocks, root-only to change), counted from
    // the validator's registration: let it pass as well.
    node.produceBlocks(Math.max(node.blocksUntilNextEpoch(NETUID) + 12, 105))
    const before = await setup.metagraph(NETUID)
    const vRow = before.neurons.find((n) => n.uid === validatorUid)!
    expect(vRow.validatorPermit).toBe(true)
    expect(vRow.stake).toBeGreaterThan(100)
    expect(before.neurons.find((n) => n.uid === minerUid)!.axon).toMatchObject({ ip: PUBLIC_IP, port, serving: true })

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
    const args = ['round', '--once', '--url', server.url, '--wallet', 'validator', '--hotkey', 'default', '--corpus', MANPAGES, '--offline-questions', '--no-burn', '--external-ip', PUBLIC_IP, '--epoch-length', '10', '--netuid', String(NETUID), '--json']
    const { values, positionals } = parse(args)
    const code = await command.run(values, positionals, c)
    const lines = c.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(code, c.err() + c.out()).toBe(0)
    const round = lines.find((l) => l.type === 'round')!
    expect(round).toMatchObject({ status: 'done', queried: 3 }) // the three miners; the owner hotkey serves no axon
    const board = (lines.find((l) => l.type === 'leaderboard')!.rows as Array<{ uid: number; lastScore: number; lastStatus: number }>).sort((a, b) => a.uid - b.uid)
    const [good, random, wrong] = [minerUid, minerUid + 1, minerUid + 2].map((uid) => board.find((r) => r.uid === uid)!)
    expect(good.lastStatus, JSON.stringify(board)).toBe(200)
    expect(good.lastScore).toBeGreaterThan(random.lastScore)
    expect(random.lastScore).toBeGreaterThan(0)
    expect(wrong.lastScore).toBe(0)
    const weights = lines.find((l) => l.type === 'weights')!
    expect(weights, JSON.stringify(weights)).toMatchObject({ kind: 'set', status: 'ok' })
    const sent = weights as unknown as { uids: number[]; values: number[] }
    const valueOf = (uid: number) => sent.values[sent.uids.indexOf(uid)] ?? 0
    expect(valueOf(minerUid)).toBe(65535)
    expect(valueOf(minerUid)).toBeGreaterThan(valueOf(minerUid + 1))
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
    expect(onChain.map(([u]) => u.toNumber())).toContain(minerUid)
    node.produceBlocks(node.blocksUntilNextEpoch(NETUID) + 1)
    const after = await setup.metagraph(NETUID)
    const incentive = (uid: number) => after.neurons.find((n) => n.uid === uid)!.incentive
    expect(incentive(minerUid)).toBeGreaterThan(0)
    expect(incentive(minerUid)).toBeGreaterThan(incentive(minerUid + 1))
    expect(incentive(minerUid)).toBe(Math.max(...after.neurons.map((n) => n.incentive)))
    expect(incentive(minerUid + 2)).toBe(0)

    expect((await rpc.call('miner.status', {})).totals.requests).toBeGreaterThanOrEqual(1)
    expect((await rpc.call('miner.stop', {})).state).toBe('stopped')
  }, 90_000)
})

/** The CLI's option parsing for this one command (node:util parseArgs, as native/cli/main.ts does). */
function parse(args: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const r = parseArgs({ args, options: createValidatorCommand().options, allowPositionals: true, strict: true })
  return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals }
}
