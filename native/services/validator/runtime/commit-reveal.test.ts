/**
 * Commit-reveal v2 on the devnet through the engine: the validator's round commits its weights
 * (the commit is persisted in the chain store), an update lease is held while the reveal is
 * pending, the engine's ChainService reveals it in its window on a new block, the validator's
 * history mirrors the outcome, and Yuma pays the better miner more.
 */
import fs from 'node:fs'
import path from 'node:path'
import { mnemonicGenerate } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../../test/support/temp-home'
import { ChainClient } from '../../../bittensor/chain/chain-client'
import { devSigner } from '../../../bittensor/keys/dev-signer'
import { DevnetNode, startDevnetServer } from '../../../bittensor/devnet'
import type { DevnetServer } from '../../../bittensor/devnet'
import { createEngine } from '../../../host'
import type { Engine } from '../../../host'
import { lexicalEmbed, randomEmbed, startTestAxon } from '../testing/test-axon'
import type { TestAxon } from '../testing/test-axon'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../../shared/data/manpages-corpus.jsonl')
const PUBLIC_IP = '203.0.113.9'
const NETUID = 5
const TAO = 1_000_000_000n

async function until(cond: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('commit-reveal v2 through the engine on the devnet', () => {
  let node: DevnetNode
  let server: DevnetServer
  let setup: ChainClient
  let home: ReturnType<typeof makeTempHome>
  let engine: Engine
  const axons: TestAxon[] = []

  beforeAll(async () => {
    node = await DevnetNode.create({ tempo: 20, commitReveal: true })
    server = await startDevnetServer(node, { port: 0 })
    setup = await ChainClient.connect({ network: 'custom', customUrl: server.url })
    home = makeTempHome()
  })

  afterAll(async () => {
    await engine?.dispose()
    for (const a of axons) await a.close()
    await setup?.release()
    node?.dispose()
    await server?.close()
    home?.cleanup()
  })

  it('commits, holds an update lease until the chain service reveals, mirrors the reveal, and pays the better miner more', async () => {
    engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
    const rpc = engine.connectInproc('test')
    const walletsDir = path.join(home.dir, 'wallets')
    fs.mkdirSync(walletsDir)
    await rpc.call('wallet.setDirectory', { path: walletsDir })
    const vHotkey = (await rpc.call('wallet.regen', { name: 'validator', role: 'hotkey', hotkey: 'default', mnemonic: mnemonicGenerate(), overwrite: false })).hotkeys[0]!.address!
    await rpc.call('chain.setNetwork', { network: 'custom', customUrl: server.url })

    for (const [i, embed] of [lexicalEmbed, randomEmbed].entries()) {
      const cold = await devSigner(['//Dave', '//Eve'][i]!)
      const hot = await devSigner(`${['//Dave', '//Eve'][i]}//miner`)
      expect((await setup.register(cold, NETUID, hot.address, 10n * TAO)).uid).toBe(i)
      const axon = await startTestAxon(hot.address, embed)
      axons.push(axon)
      await setup.serveAxon(hot, NETUID, { ip: PUBLIC_IP, port: axon.port })
    }
    const charlie = await devSigner('//Charlie')
    const vUid = (await setup.register(charlie, NETUID, vHotkey, 10n * TAO)).uid!
    await setup.addStake(charlie, vHotkey, NETUID, 1000n * TAO)
    node.produceBlocks(node.blocksUntilNextEpoch(NETUID) + 12)

    await rpc.call('validator.config.update', { wallet: 'validator', hotkey: 'default', dataSource: 'local', corpusPath: MANPAGES, llmBaseUrl: '', burnEnabled: false, externalIp: PUBLIC_IP, epochLength: 10 })
    const round = await rpc.call('validator.runRound', {})
    expect(round).toMatchObject({ status: 'done', queried: 2, answered: 2 })
    const status = await rpc.call('validator.status', {})
    expect(status.hotkey).toBe(vHotkey)
    expect(status.lastWeights, JSON.stringify(status.lastWeights)).toMatchObject({ kind: 'commit', status: 'ok' })

    // Persisted for the chain service, which reveals it; meanwhile an update would wait.
    const [commit] = await rpc.call('chain.commits', {})
    expect(commit).toMatchObject({ netuid: NETUID, hotkey: vHotkey, status: 'pending' })
    expect(engine.safetyGate.leases().map((l) => l.reason)).toContain('weights committed, reveal pending')
    // Weights are not on chain before the reveal.
    expect(((await setup.api.query.subtensorModule.weights!(NETUID, vUid)) as unknown as unknown[]).length).toBe(0)

    node.produceBlocks(commit!.revealFrom - node.bestNumber)
    await until(async () => (await rpc.call('chain.commits', {}))[0]!.status === 'revealed')
    await until(() => engine.safetyGate.leases().length === 0)
    const onChain = (await setup.api.query.subtensorModule.weights!(NETUID, vUid)) as unknown as Array<[{ toNumber(): number }, { toNumber(): number }]>
    const w = new Map(onChain.map(([u, v]) => [u.toNumber(), v.toNumber()]))
    expect(w.get(0)).toBe(65535)
    expect(w.get(0)!).toBeGreaterThan(w.get(1) ?? 0)

    // The next round records the chain service's reveal in the validator's own history.
    await rpc.call('validator.runRound', {})
    const history = await rpc.call('validator.weights', { limit: 10 })
    expect(history.find((h) => h.kind === 'reveal')).toMatchObject({ status: 'ok' })
    expect(history.find((h) => h.kind === 'commit' && h.id === history.at(-1)!.id)?.revealed).toBe(true)

    node.produceBlocks(node.blocksUntilNextEpoch(NETUID) + 1)
    const mg = await setup.metagraph(NETUID)
    const inc = (uid: number) => mg.neurons.find((n) => n.uid === uid)!.incentive
    expect(inc(0)).toBeGreaterThan(inc(1))
    expect(inc(0)).toBeGreaterThan(0)
  }, 60_000)
})
