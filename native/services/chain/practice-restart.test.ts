/**
 * Issue 15 item 4: after a chain restart the miner publishes its axon again within one epoch and
 * the validator sets weights again (it used to wait on "Weights were already sent at block N",
 * a block of the old chain). Five practice-network restarts, on-demand blocks, loopback only:
 * the axons are published as a documentation address that the validator, told it is its own
 * external IP, reaches over 127.0.0.1 (Dendrite.connectHost).
 */
import fs from 'node:fs'
import path from 'node:path'
import { mnemonicGenerate } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../scripts/make-test-models'
import { freePort } from '../../../test/support/free-port'
import { makeTempHome } from '../../../test/support/temp-home'
import { ChainClient } from '../../bittensor/chain/chain-client'
import { axonOf } from '../../bittensor/chain/ops/serve-axon'
import { PRACTICE_NETUID } from '../../bittensor/devnet/node'
import { devSigner } from '../../bittensor/keys/dev-signer'
import type { ChainReset } from '../../contract'
import { createEngine } from '../../host'
import type { Engine } from '../../host'
import type { RpcClient } from '../../rpc'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../shared/data/manpages-corpus.jsonl')
const PUBLIC_IP = '203.0.113.7'
const TAO = 1_000_000_000n
const RESTARTS = 5

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await read()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('practice network restarts', () => {
  const lexical = ensureTestModel('lexical')
  let home: ReturnType<typeof makeTempHome>
  let engine: Engine
  let rpc: RpcClient

  beforeAll(() => {
    home = makeTempHome()
  })

  afterAll(async () => {
    await engine?.dispose()
    home?.cleanup()
  })

  it('after each of 5 restarts the miner is served again within one epoch and the validator sets weights again', async () => {
    engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, practice: { blockTimeMs: 0, port: null } })
    rpc = engine.connectInproc('test')
    const resets: ChainReset[] = []
    engine.bus.onEvent((e) => e.name === 'chain.reset' && resets.push(e.payload as ChainReset))
    const walletsDir = path.join(home.dir, 'wallets')
    fs.mkdirSync(walletsDir)
    await rpc.call('wallet.setDirectory', { path: walletsDir })
    const minerHotkey = (await rpc.call('wallet.regen', { name: 'miner', role: 'hotkey', hotkey: 'default', mnemonic: mnemonicGenerate(), overwrite: false })).hotkeys[0]!.address!
    const validatorHotkey = (await rpc.call('wallet.regen', { name: 'validator', role: 'hotkey', hotkey: 'default', mnemonic: mnemonicGenerate(), overwrite: false })).hotkeys[0]!.address!
    await rpc.call('models.import', { path: lexical.dir, name: 'lexical' })
    expect((await rpc.call('models.use', { id: 'local/lexical' })).state).toBe('ready')
    await rpc.call('chain.setNetwork', { network: 'devnet' })
    await rpc.call('validator.config.update', { netuid: PRACTICE_NETUID, wallet: 'validator', hotkey: 'default', dataSource: 'local', corpusPath: MANPAGES, sampleSize: 16, externalIp: PUBLIC_IP })

    /** Registers both hotkeys on the chain running now and gives the validator its permit. */
    const joinChain = async (extraBlocks: number): Promise<ChainClient> => {
      const node = (await engine.chain.practice())!.node
      const client = await ChainClient.connect({ network: 'devnet', devnet: node })
      await client.register(await devSigner('//Ferdie'), PRACTICE_NETUID, minerHotkey, 10n * TAO)
      const alice = await devSigner('//Alice')
      await client.register(alice, PRACTICE_NETUID, validatorHotkey, 10n * TAO)
      await client.addStake(alice, validatorHotkey, PRACTICE_NETUID, 1000n * TAO)
      // An epoch for the permit, and more than the 20 blocks between weights since registering.
      node.produceBlocks(node.blocksUntilNextEpoch(PRACTICE_NETUID) + 1)
      node.produceBlocks(21 + extraBlocks)
      return client
    }

    const port = await freePort()
    let client = await joinChain(0)
    const started = await rpc.call('miner.start', { network: 'devnet', wallet: 'miner', hotkey: 'default', host: '127.0.0.1', port, externalIp: PUBLIC_IP, metricsPort: null })
    expect(started.served).toMatchObject({ ip: PUBLIC_IP, port })
    const first = await rpc.call('validator.runRound', {})
    expect(first.error).toBeNull()
    const firstWeights = (await rpc.call('validator.weights', { limit: 1 }))[0]!
    expect(firstWeights, firstWeights.message).toMatchObject({ kind: 'set', status: 'ok' })

    try {
      for (let i = 1; i <= RESTARTS; i++) {
        await client.release()
        await rpc.call('chain.practiceRestart', {})
        await until(`reset ${i}`, () => (resets.length >= i ? true : undefined))
        expect(resets[i - 1]).toMatchObject({ network: 'devnet', kind: 'new-genesis' })
        const node = (await engine.chain.practice())!.node
        // The new chain does not know the miner yet: the miner's status must not say served.
        await until(`miner ${i} restarted`, async () => ((await rpc.call('miner.status', {})).state === 'running' ? true : undefined))
        // A block more each time, so the new chain's block passes the one weights were sent at on the old chain.
        client = await joinChain(i)
        const epochEnd = node.bestNumber + node.blocksUntilNextEpoch(PRACTICE_NETUID) + 1
        // Within one epoch after registering: the miner checks its axon at the epoch and publishes it.
        node.produceBlocks(epochEnd - node.bestNumber)
        const axon = await until(`axon on chain ${i}`, async () => {
          const a = await axonOf(client, PRACTICE_NETUID, minerHotkey)
          return a && a.ip === PUBLIC_IP && a.port === port ? a : undefined
        })
        // Included in the block after the epoch's (on-demand blocks: the extrinsic makes its own block).
        expect(axon.block).toBeLessThanOrEqual(epochEnd + 1)
        await until(`miner ${i} says served`, async () => ((await rpc.call('miner.status', {})).served?.port === port ? true : undefined), 5000)

        const round = await rpc.call('validator.runRound', {})
        expect(round.error).toBeNull()
        const last = (await rpc.call('validator.weights', { limit: 1 }))[0]!
        expect(last, `restart ${i}: ${last.message}`).toMatchObject({ kind: 'set', status: 'ok' })
      }
    } finally {
      await client.release()
    }
  }, 300_000)
})
