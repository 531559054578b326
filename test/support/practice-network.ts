/**
 * One miner and one validator on the practice devnet over its WebSocket, as the end-to-end devnet tests
 * (subnet 5, and a subnet made with `taodesk subnet create`) set them up: a TaoDesk miner engine with a
 * real ONNX model, two deliberately bad test axons, a staked validator running `taodesk validator round
 * --once` in its own engine, and the checks that its weights land on chain and pay the best miner most.
 *
 * Addresses: every axon is published as PUBLIC_IP (a documentation address the chain accepts; it refuses
 * loopback) but listens on 127.0.0.1; the validator is told PUBLIC_IP is its own external IP, so its
 * dendrite reaches those axons over loopback (Dendrite.connectHost).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { mnemonicGenerate } from '@polkadot/util-crypto'
import { afterAll, beforeAll, expect } from 'vitest'
import { ChainClient } from '../../native/bittensor/chain/chain-client'
import { DevnetNode, startDevnetServer } from '../../native/bittensor/devnet'
import type { DevnetServer } from '../../native/bittensor/devnet'
import { devSigner } from '../../native/bittensor/keys/dev-signer'
import { createValidatorCommand } from '../../native/cli/commands/validator'
import { createEngine } from '../../native/host'
import type { Engine } from '../../native/host'
import type { RpcClient } from '../../native/rpc'
import type { LeaseInfo } from '../../native/services/updater/gate'
import { startTestAxon } from '../../native/services/validator/testing/test-axon'
import type { Embed, TestAxon } from '../../native/services/validator/testing/test-axon'
import { captureIo } from './capture-io'
import { freePort } from './free-port'
import { makeTempHome } from './temp-home'

export const PUBLIC_IP = '203.0.113.7'
export const TAO = 1_000_000_000n
const MANPAGES = path.resolve(import.meta.dirname, '../../../shared/data/manpages-corpus.jsonl')

type TempHome = ReturnType<typeof makeTempHome>

export interface PracticeNetwork {
  node: DevnetNode
  server: DevnetServer
  /** A chain client of the test's own, for the registrations and reads it does directly. */
  setup: ChainClient
  minerHome: TempHome
  validatorHome: TempHome
  /** The miner's engine and a client of it, once makeMinerAndValidator made them. */
  miner?: Engine
  rpc: RpcClient
  readonly axons: TestAxon[]
  /** Every lease the miner's engine held (its safety gate's changes). */
  readonly minerLeases: LeaseInfo[]
}

/** Starts the practice network (tempo 20) before the describe block's tests and stops all of it after them. */
export function usePracticeNetwork(): PracticeNetwork {
  // Filled in by beforeAll; the tests read it only inside their `it` bodies.
  const net = { axons: [], minerLeases: [] } as unknown as PracticeNetwork
  beforeAll(async () => {
    net.node = await DevnetNode.create({ tempo: 20 })
    net.server = await startDevnetServer(net.node, { port: 0 })
    net.setup = await ChainClient.connect({ network: 'custom', customUrl: net.server.url })
    net.minerHome = makeTempHome()
    net.validatorHome = makeTempHome()
  })
  afterAll(async () => {
    await net.miner?.dispose()
    for (const a of net.axons) await a.close()
    await net.setup?.release()
    net.node?.dispose()
    await net.server?.close()
    net.minerHome?.cleanup()
    net.validatorHome?.cleanup()
  })
  return net
}

/**
 * The miner's engine (a wallet hotkey, the practice network, the lexical test model in use) and the
 * validator's wallet in an engine home of its own; the two share one wallets folder.
 */
export async function makeMinerAndValidator(net: PracticeNetwork, modelDir: string): Promise<{ minerHotkey: string; validatorHotkey: string }> {
  const walletsDir = path.join(net.minerHome.dir, 'wallets')
  fs.mkdirSync(walletsDir)

  const miner = createEngine({ home: net.minerHome.dir, version: '0.0.0-test', headless: true })
  net.miner = miner
  miner.safetyGate.onDidChange((held) => net.minerLeases.push(...held))
  const rpc = miner.connectInproc('test')
  net.rpc = rpc
  await rpc.call('wallet.setDirectory', { path: walletsDir })
  const minerWallet = await rpc.call('wallet.regen', { name: 'miner', role: 'hotkey', hotkey: 'default', mnemonic: mnemonicGenerate(), overwrite: false })
  const minerHotkey = minerWallet.hotkeys[0]!.address!
  await rpc.call('chain.setNetwork', { network: 'custom', customUrl: net.server.url })
  await rpc.call('models.import', { path: modelDir, name: 'lexical' })
  expect((await rpc.call('models.use', { id: 'local/lexical' })).state).toBe('ready')

  const vSetup = createEngine({ home: net.validatorHome.dir, version: '0.0.0-test', headless: true })
  try {
    const v = vSetup.connectInproc('test')
    await v.call('wallet.setDirectory', { path: walletsDir })
    const validatorHotkey = (await v.call('wallet.regen', { name: 'validator', role: 'hotkey', hotkey: 'default', mnemonic: mnemonicGenerate(), overwrite: false })).hotkeys[0]!.address!
    return { minerHotkey, validatorHotkey }
  } finally {
    await vSetup.dispose()
  }
}

/** The two bad miners, each registered by its dev coldkey and serving a test axon published as PUBLIC_IP. */
export async function serveBadMiners(net: PracticeNetwork, netuid: number, uninformative: Embed, wrongDimension: Embed): Promise<void> {
  const bad = [
    { cold: '//Dave', hot: '//Dave//random', embed: uninformative },
    { cold: '//Eve', hot: '//Eve//wrongdim', embed: wrongDimension },
  ]
  for (const b of bad) {
    const hot = await devSigner(b.hot)
    await net.setup.register(await devSigner(b.cold), netuid, hot.address, 10n * TAO)
    const axon = await startTestAxon(hot.address, b.embed)
    net.axons.push(axon)
    await net.setup.serveAxon(hot, netuid, { ip: PUBLIC_IP, port: axon.port, version: 9_000_000 })
  }
}

/** Charlie registers the validator's hotkey and stakes 1000 TAO on it; its uid. */
export async function registerStakedValidator(net: PracticeNetwork, netuid: number, validatorHotkey: string): Promise<number> {
  const charlie = await devSigner('//Charlie')
  const uid = (await net.setup.register(charlie, netuid, validatorHotkey, 10n * TAO)).uid!
  await net.setup.addStake(charlie, validatorHotkey, netuid, 1000n * TAO)
  return uid
}

/**
 * The miner starts: its real axon on a free loopback port, published as PUBLIC_IP:port, serving only
 * staked validators holding a permit (as the OpenKaito quickstart configures miners). `netuid` left out
 * is the miner's default subnet.
 */
export async function startMiner(net: PracticeNetwork, minerUid: number, netuid?: number): Promise<number> {
  const port = await freePort()
  const started = await net.rpc.call('miner.start', {
    network: net.server.url,
    wallet: 'miner',
    hotkey: 'default',
    host: '127.0.0.1',
    port,
    externalIp: PUBLIC_IP,
    ...(netuid === undefined ? {} : { netuid }),
    metricsPort: null,
    blacklist: { minStake: 100, forceValidatorPermit: true, allowNonRegistered: false },
  })
  expect(started.state).toBe('running')
  expect(started.uid).toBe(minerUid)
  expect(started.served).toMatchObject({ ip: PUBLIC_IP, port, action: 'served' })
  expect(started.provider).toMatch(/^onnx:local\/lexical@cpu$/)
  return port
}

/** Before the round: the validator holds its permit and stake, and the miner's axon is on chain. */
export async function expectReadyForARound(net: PracticeNetwork, netuid: number, ids: { validatorUid: number; minerUid: number; port: number }): Promise<void> {
  const before = await net.setup.metagraph(netuid)
  const vRow = before.neurons.find((n) => n.uid === ids.validatorUid)!
  expect(vRow.validatorPermit).toBe(true)
  expect(vRow.stake).toBeGreaterThan(100)
  expect(before.neurons.find((n) => n.uid === ids.minerUid)!.axon).toMatchObject({ ip: PUBLIC_IP, port: ids.port, serving: true })
}

export interface ValidatorRound {
  /** The command's JSON lines. */
  readonly lines: Array<Record<string, unknown>>
  /** Every lease the validator's engine held during the round. */
  readonly leases: LeaseInfo[]
}

/** `taodesk validator round --once` in the validator's own engine, with its wallet and the manpages corpus offline. */
export async function runValidatorRound(net: PracticeNetwork, extraArgs: string[] = []): Promise<ValidatorRound> {
  const leases: LeaseInfo[] = []
  const command = createValidatorCommand({
    createEngine: (o) => {
      const e = createEngine(o)
      e.safetyGate.onDidChange((held) => leases.push(...held))
      return e
    },
  })
  const c = captureIo({ TAODESK_HOME: net.validatorHome.dir })
  const args = ['round', '--once', '--url', net.server.url, '--wallet', 'validator', '--hotkey', 'default', '--corpus', MANPAGES, '--offline-questions', '--no-burn', '--external-ip', PUBLIC_IP, '--epoch-length', '10', ...extraArgs, '--json']
  // The CLI's option parsing for this one command (node:util parseArgs, as native/cli/main.ts does).
  const parsed = parseArgs({ args, options: command.options, allowPositionals: true, strict: true })
  const code = await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, c)
  const lines = c.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  expect(code, c.err() + c.out()).toBe(0)
  return { lines, leases }
}

interface BoardRow {
  uid: number
  lastScore: number
  lastStatus: number
}

/**
 * The round queried the three miners (the TaoDesk one at minerUid, the bad ones after it), the TaoDesk
 * miner scored best and the wrong-dimension one 0. The rows, for the test's own check of the uninformative one.
 */
export function roundScores(round: ValidatorRound, minerUid: number): { good: BoardRow; uninformative: BoardRow; wrong: BoardRow } {
  expect(round.lines.find((l) => l.type === 'round')!).toMatchObject({ status: 'done', queried: 3 })
  const board = (round.lines.find((l) => l.type === 'leaderboard')!.rows as BoardRow[]).sort((a, b) => a.uid - b.uid)
  const [good, uninformative, wrong] = [minerUid, minerUid + 1, minerUid + 2].map((uid) => board.find((r) => r.uid === uid)!)
  expect(good!.lastStatus, JSON.stringify(board)).toBe(200)
  expect(good!.lastScore).toBeGreaterThan(uninformative!.lastScore)
  expect(wrong!.lastScore).toBe(0)
  return { good: good!, uninformative: uninformative!, wrong: wrong! }
}

/**
 * After the round: the weights favour the TaoDesk miner and are on chain, the validator's signed request
 * reached it and was answered with real embeddings under the right leases, and after one tempo Yuma pays
 * it the highest incentive. Stops the miner.
 */
export async function expectTheMinerEarnsTheMost(
  net: PracticeNetwork,
  round: ValidatorRound,
  ids: { netuid: number; minerUid: number; validatorUid: number; validatorHotkey: string },
): Promise<void> {
  const { netuid, minerUid, validatorUid, validatorHotkey } = ids
  const weights = round.lines.find((l) => l.type === 'weights')!
  expect(weights, JSON.stringify(weights)).toMatchObject({ kind: 'set', status: 'ok' })
  const sent = weights as unknown as { uids: number[]; values: number[] }
  const valueOf = (uid: number) => sent.values[sent.uids.indexOf(uid)] ?? 0
  expect(valueOf(minerUid)).toBe(65535)
  expect(valueOf(minerUid)).toBeGreaterThan(valueOf(minerUid + 1))
  expect(round.leases.some((l) => l.owner === 'validator' && /^round \d+ in progress$/.test(l.reason))).toBe(true)

  const requests = await net.rpc.call('miner.requests', { limit: 20 })
  const served = requests.find((r) => r.route === 'TextEmbeddingSynapse' && r.hotkey === validatorHotkey)
  expect(served, JSON.stringify(requests)).toMatchObject({ status: 200, uid: validatorUid })
  expect(served!.texts).toBeGreaterThanOrEqual(2)
  expect(net.minerLeases.some((l) => l.owner === 'miner' && l.reason === 'serving a request')).toBe(true)
  expect(net.miner!.safetyGate.leases()).toEqual([])

  const onChain = (await net.setup.api.query.subtensorModule.weights!(netuid, validatorUid)) as unknown as Array<[{ toNumber(): number }, { toNumber(): number }]>
  expect(onChain.map(([u]) => u.toNumber())).toContain(minerUid)
  net.node.produceBlocks(net.node.blocksUntilNextEpoch(netuid) + 1)
  const after = await net.setup.metagraph(netuid)
  const incentive = (uid: number) => after.neurons.find((n) => n.uid === uid)!.incentive
  expect(incentive(minerUid)).toBeGreaterThan(0)
  expect(incentive(minerUid)).toBeGreaterThan(incentive(minerUid + 1))
  expect(incentive(minerUid)).toBe(Math.max(...after.neurons.map((n) => n.incentive)))
  expect(incentive(minerUid + 2)).toBe(0)

  expect((await net.rpc.call('miner.status', {})).totals.requests).toBeGreaterThanOrEqual(1)
  expect((await net.rpc.call('miner.stop', {})).state).toBe('stopped')
}
