/**
 * Issue 12, done-when: a validator whose stake is 90 % root is served by a TaoDesk miner with
 * default settings. The miner judges callers by the chain's stake weight (alpha + TaoWeight × root
 * TAO, `staking/stake_utils.rs:205-229`, read from `get_selective_metagraph` total_stake,
 * `rpc_info/metagraph.rs:775-786`), not by the hotkey's own alpha, against OpenKaito's default
 * minimum of 1000.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ChainClient } from '../../../bittensor/chain/chain-client'
import { DevnetNode, PRACTICE_NETUID } from '../../../bittensor/devnet/node'
import { devSigner } from '../../../bittensor/keys/dev-signer'
import { Dendrite } from '../../../bittensor/wire/v10/dendrite'
import { textEmbeddingQuery } from '../../../protocols/text-embedding/synapse'
import { MemoryNonceStore } from '../ports'
import { ChainMetagraphCache } from '../runtime/chain-views'
import { HashEmbedder } from '../testing/hash-embedder'
import { MinerAxon } from './miner-axon'

const TAO = 1_000_000_000n
const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

describe('a validator with 90 % of its stake on root', () => {
  it('is served (200) by a default miner; the same alpha without root stake is turned away (403)', async () => {
    const node = await DevnetNode.create({ tempo: 1000 })
    cleanup.push(() => node.dispose())
    const client = await ChainClient.connect({ network: 'devnet', devnet: node })
    cleanup.push(() => client.release())
    const bob = await devSigner('//Bob')
    const [vali, alphaOnly, miner] = await Promise.all(['//root-vali', '//alpha-only', '//Charlie'].map((u) => devSigner(u)))
    for (const hk of [vali!, alphaOnly!, miner!]) await client.submit(client.api.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, hk.address), bob)
    // 500 alpha + 4500 TAO on root: S = 500 + 0.18 · 4500 = 1310 ≥ 1000, own alpha alone 500 < 1000.
    await client.submit(client.api.tx.subtensorModule.addStake!(vali!.address, PRACTICE_NETUID, 500n * TAO), bob)
    await client.submit(client.api.tx.subtensorModule.addStake!(vali!.address, 0, 4500n * TAO), bob)
    await client.submit(client.api.tx.subtensorModule.addStake!(alphaOnly!.address, PRACTICE_NETUID, 500n * TAO), bob)

    const metagraph = new ChainMetagraphCache(client, PRACTICE_NETUID)
    await metagraph.start()
    cleanup.push(() => metagraph.dispose())
    expect(metagraph.lookup(vali!.address)?.stake).toBeCloseTo(500 + 0.18 * 4500, 3)
    const axon = new MinerAxon({ signer: miner!, metagraph, embedder: new HashEmbedder(), nonces: new MemoryNonceStore(), host: '127.0.0.1', port: 0 })
    const port = await axon.listen()
    cleanup.push(() => axon.close())

    const request = textEmbeddingQuery({ texts: ['a', 'b'], dimensions: 8, normalized: true })
    const target = { uid: 2, hotkey: miner!.address, ip: '127.0.0.1', port }
    const served = await new Dendrite({ signer: vali! }).query(target, request)
    expect(served.status).toBe(200)
    const refused = await new Dendrite({ signer: alphaOnly! }).query(target, request)
    expect(refused.status).toBe(403)
    expect(refused.message).toMatch(/Stake below minimum \(500\.00 < 1000\)/)
  })
})
