import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { DevnetNode } from '../devnet'
import { RpcError } from '../devnet/rpc-error'
import { migrationChain } from '../../platform/store/migrations/0005-chain'
import { devSigner } from '../keys/dev-signer'
import type { Signer } from '../keys/signer'
import { ChainClient } from './chain-client'
import { ChainStore } from './chain-store'
import { commitWeights } from './ops/weights'

const clients: ChainClient[] = []
const nodes: DevnetNode[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.release()
  for (const n of nodes.splice(0)) n.dispose()
})

/** A seeded generator (mulberry32): the phases are random but the test is repeatable. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('issue 12: reveals on time at tempo 360', () => {
  it('50 commits at random phases of the epoch are each revealed in their window on the first attempt the node accepts', async () => {
    const TEMPO = 360
    // Blocks on demand: the test drives them as fast as they can be made (the practice network's
    // blockTimeMs is the timer alternative), and revealDue runs once per block as the engine's loop does.
    const node = await DevnetNode.create({ tempo: TEMPO, commitReveal: true, weightsRateLimit: 0 })
    nodes.push(node)
    const db = new Database(':memory:')
    db.exec(migrationChain.up)
    const store = new ChainStore(db)
    const client = await ChainClient.connect({ network: 'devnet', devnet: node, store })
    clients.push(client)

    const bob = await devSigner('//Bob')
    const hotkeys: Signer[] = []
    for (let i = 0; i < 10; i++) {
      const hk = await devSigner(`//Bob//reveal${i}`)
      await client.register(bob, 5, hk.address, 10n ** 10n)
      hotkeys.push(hk)
    }
    const uidOf = new Map<string, number>()
    for (const hk of hotkeys) uidOf.set(hk.address, (await client.uidOf(5, hk.address))!)
    const byAddress = new Map(hotkeys.map((h) => [h.address, h]))

    // Commit phases: offsets within three epochs from the next epoch block, with the edges that
    // matter for the look-ahead (the block before an epoch, the epoch block, the one after) and
    // random ones. A commit is included in the block after the one it is sent at.
    const first = (await client.epochTiming(5)).nextEpochBlock!
    const rnd = random(12)
    const offsets = [-1, 0, 1, TEMPO - 2, TEMPO - 1, TEMPO, TEMPO + 1, 2 * TEMPO - 2]
    while (offsets.length < 50) offsets.push(Math.floor(rnd() * 2 * TEMPO))
    const plan = new Map<number, Signer[]>()
    offsets.forEach((o, i) => {
      const at = first + o - 1
      plan.set(at, [...(plan.get(at) ?? []), hotkeys[i % hotkeys.length]!])
    })

    // Every submission the node refuses is counted: none may happen.
    let refused = 0
    let reveals = 0
    const submit = node.submit.bind(node)
    node.submit = (hex, watch) => {
      try {
        const hash = submit(hex, watch)
        if (node.codec.registry.createType('Extrinsic', hex).method.method === 'revealWeights') reveals++
        return hash
      } catch (error) {
        if (error instanceof RpcError) refused++
        throw error
      }
    }

    const outcomes: string[] = []
    const last = first + 4 * TEMPO
    while (node.bestNumber < last && store.commits(client.storeKey, 100).filter((c) => c.status === 'revealed').length < 50) {
      // A commit's own block moves the chain on, so every planned block up to now is due.
      for (const [at, due] of [...plan].filter(([at]) => at <= node.bestNumber)) {
        plan.delete(at)
        for (const hk of due) await commitWeights(client, hk, 5, { uids: [uidOf.get(hk.address)!], weights: [65535], versionKey: 0n })
      }
      for (const o of await client.revealDue((a) => byAddress.get(a))) if (o.outcome !== 'waiting') outcomes.push(o.outcome)
      node.produceBlock()
    }

    const commits = store.commits(client.storeKey, 100)
    expect(commits).toHaveLength(50)
    expect(commits.filter((c) => c.status !== 'revealed').map((c) => `${c.commitBlock}: ${c.status} ${c.error ?? ''}`)).toEqual([])
    expect(commits.every((c) => c.error === null)).toBe(true)
    expect(outcomes).toEqual(Array(50).fill('revealed'))
    expect(reveals).toBe(50)
    expect(refused).toBe(0)
    for (const hk of hotkeys) expect((await client.api.query.subtensorModule!.weightCommits!(5, hk.address)).toJSON()).toBeNull()
  }, 300_000)
})
