import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { migrationChain } from '../../../platform/store/migrations/0005-chain'
import { devSigner } from '../../keys/dev-signer'
import { DevnetNode } from '../../devnet'
import { ChainClient } from '../chain-client'
import { ChainStore } from '../chain-store'
import { commitHash } from '../commit-hash'
import { ChainError } from '../core/errors'
import { commitRevealMode, commitWeights, findCommit, pendingCommitsOf, revealWeights, setWeights } from './weights'

const clients: ChainClient[] = []
const nodes: DevnetNode[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.release()
  for (const n of nodes.splice(0)) n.dispose()
})

async function setup(options: Parameters<typeof DevnetNode.create>[0]) {
  const db = new Database(':memory:')
  db.exec(migrationChain.up)
  const store = new ChainStore(db)
  const node = await DevnetNode.create({ tempo: 10, weightsRateLimit: 1, ...options })
  nodes.push(node)
  const client = await ChainClient.connect({ network: 'devnet', devnet: node, store })
  clients.push(client)
  // Alice owns subnet 5: she sets weights without a permit.
  const alice = await devSigner('//Alice')
  await client.register(alice, 5, alice.address, 10n ** 9n)
  node.produceBlocks(3)
  return { node, client, store, alice }
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const error = await p.then(() => undefined, (e: unknown) => e)
  return error instanceof ChainError ? error.code : undefined
}

describe('weights operations with weights in chain form (the validator pipeline)', () => {
  it('sets weights where commit-reveal is off, and refuses before signing where it is on', async () => {
    const off = await setup({})
    expect(commitRevealMode(off.client, await off.client.hyperparameters(5))).toBe('off')
    const r = await setWeights(off.client, off.alice, 5, { uids: [0], weights: [65535], versionKey: 0n })
    expect(r.blockNumber).toBeGreaterThan(0)
    expect((await off.client.api.query.subtensorModule!.weights!(5, 0)).toJSON()).toEqual([[0, 65535]])

    const on = await setup({ commitReveal: true })
    expect(commitRevealMode(on.client, await on.client.hyperparameters(5))).toBe('hash')
    const best = on.node.bestNumber
    expect(await codeOf(setWeights(on.client, on.alice, 5, { uids: [0], weights: [65535], versionKey: 0n }))).toBe('SubtensorModule.CommitRevealEnabled')
    expect(on.node.bestNumber).toBe(best)
  }, 60_000)

  it('commits with the caller salt, refuses a hash that does not match, persists the commit and reveals it in its window', async () => {
    const { client, node, store, alice } = await setup({ commitReveal: true })
    const w = { uids: [0], weights: [65535], versionKey: 0n }
    const salt = [1, 2, 3, 4, 5, 6, 7, 8]
    expect(await codeOf(commitWeights(client, alice, 5, w, { salt, expectedHash: '0x' + '00'.repeat(32) }))).toBe('Client.CommitHashMismatch')
    expect(store.commits(client.storeKey)).toEqual([])

    const expected = commitHash(client.api.registry, alice.address, 5, w.uids, w.weights, salt, w.versionKey)
    const c = await commitWeights(client, alice, 5, w, { salt, expectedHash: expected })
    expect(c.commitHash).toBe(expected)
    // The reveal epoch lasts `tempo` blocks (10 here): the period is tempo, not tempo + 1 (network-2026 §2.2).
    expect(c.revealUntil).toBe(c.revealFrom + 9)
    expect(pendingCommitsOf(client, alice.address)).toEqual([expect.objectContaining({ salt, revealFrom: c.revealFrom, status: 'pending' })])
    expect(pendingCommitsOf(client, (await devSigner('//Bob')).address)).toEqual([])
    expect(findCommit(client, alice.address, 5, { ...w, salt })).toMatchObject({ commitHash: expected, status: 'pending' })
    expect(findCommit(client, alice.address, 5, { ...w, salt: [9, 9, 9, 9, 9, 9, 9, 9] })).toBeUndefined()

    node.produceBlocks(c.revealFrom - node.bestNumber - 1)
    await revealWeights(client, alice, 5, { ...w, salt })
    expect((await client.api.query.subtensorModule!.weights!(5, 0)).toJSON()).toEqual([[0, 65535]])
  }, 60_000)
})
