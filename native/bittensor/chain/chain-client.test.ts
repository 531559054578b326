import { Keyring } from '@polkadot/keyring'
import Database from 'better-sqlite3'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { DevnetNode, startDevnetServer } from '../devnet'
import { migrationChain } from '../../platform/store/migrations/0005-chain'
import { ChainClient, ChainError } from './chain-client'
import { ChainStore } from './chain-store'
import { devSigner } from '../keys/dev-signer'

const clients: ChainClient[] = []
const nodes: DevnetNode[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.release()
  for (const n of nodes.splice(0)) n.dispose()
})

async function setup(options: Parameters<typeof DevnetNode.create>[0] = {}, store?: ChainStore) {
  const node = await DevnetNode.create({ tempo: 50, weightsRateLimit: 3, ...options })
  nodes.push(node)
  const client = await ChainClient.connect({ network: 'devnet', devnet: node, store })
  clients.push(client)
  return { node, client }
}

async function expectChainError(p: Promise<unknown>, code: string): Promise<void> {
  const error = await p.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ChainError)
  expect((error as ChainError).code).toBe(code)
}

function memoryStore(): ChainStore {
  const db = new Database(':memory:')
  db.exec(migrationChain.up)
  return new ChainStore(db)
}

describe('ChainClient on the practice devnet', () => {
  it('reports each SubtensorModule rule with its runtime error name', async () => {
    const { client, node } = await setup({ weightsRateLimit: 10, extraSubnets: [{ netuid: 3, commitReveal: true }] })
    const bob = await devSigner('//Bob')
    const hot = await devSigner('//Bob//hot')
    await client.register(bob, 5, hot.address, 10n ** 9n)
    await expectChainError(client.register(bob, 5, hot.address, 10n ** 9n), 'SubtensorModule.HotKeyAlreadyRegisteredInSubNet')
    // Bypassing the client's pre-check, the chain itself refuses a duplicate registration.
    await expectChainError(client.submit(client.api.tx.subtensorModule.burnedRegister!(5, hot.address), bob), 'SubtensorModule.HotKeyAlreadyRegisteredInSubNet')
    // Refused in the pool since serving checks run before inclusion (network-2026 §4: code 11).
    await expectChainError(client.serveAxon(hot, 5, { ip: '127.0.0.1', port: 8091 }), 'Pool.InvalidIpAddress')
    await expectChainError(client.submit(client.api.tx.subtensorModule.serveAxon!(5, 0, 1, 0, 4, 4, 0, 0), hot), 'Pool.InvalidPort')
    await expectChainError(client.serveAxon(hot, 3, { ip: '203.0.113.9', port: 8091 }), 'Pool.HotKeyNotRegisteredInNetwork')
    // Straight after registering, the rate limit applies (LastUpdate = registration block); the
    // pool refuses it (CheckRateLimits, network-2026 §4: code 6), the client before signing.
    await expectChainError(client.submit(client.api.tx.subtensorModule.setWeights!(5, [0], [1], 0), hot), 'Pool.RateLimitExceeded')
    await expectChainError(client.setWeights(hot, 5, [{ uid: 0, score: 1 }], 0n), 'SubtensorModule.SettingWeightsTooFast')
    node.produceBlocks(10)
    // Self-weight is allowed without a permit.
    const r = await client.setWeights(hot, 5, [{ uid: 0, score: 1 }], 0n)
    expect(r.mode).toBe('set')
    await expectChainError(client.setWeights(hot, 7, [{ uid: 0, score: 1 }], 0n), 'SubtensorModule.SubnetNotExists')
    // Commit-reveal subnet: set_weights is refused.
    await client.register(bob, 3, hot.address, 10n ** 9n)
    node.produceBlocks(3)
    await expectChainError(client.submit(client.api.tx.subtensorModule.setWeights!(3, [0], [1], 0), hot), 'SubtensorModule.CommitRevealEnabled')
    // Staking errors.
    await expectChainError(client.addStake(bob, hot.address, 5, 1n), 'SubtensorModule.AmountTooLow')
    await expectChainError(client.removeStake(bob, hot.address, 5, 10n ** 9n), 'SubtensorModule.NotEnoughStakeToWithdraw')
    await client.addStake(bob, hot.address, 5, 5n * 10n ** 9n)
    await client.removeStake(bob, hot.address, 5, 10n ** 9n)
    const before = await client.balance((await devSigner('//Eve')).address)
    await client.transfer(bob, (await devSigner('//Eve')).address, 7n * 10n ** 9n)
    expect(await client.balance((await devSigner('//Eve')).address)).toBe(before + 7n * 10n ** 9n)
    await expectChainError(client.transfer(bob, (await devSigner('//Eve')).address, 10n ** 16n), 'Balances.InsufficientBalance')
    // An account that cannot pay the fee is refused by the pool (1010), as a node does.
    const poor = await devSigner('//Nobody')
    const refused = await client.transfer(poor, bob.address, 10n ** 9n).then(() => undefined, (e: unknown) => e)
    expect(refused).toBeInstanceOf(ChainError)
    expect((refused as ChainError).code).toBe('Rpc.1010')
    expect((refused as ChainError).message).toMatch(/cannot pay the transaction fee/)
  }, 60_000)

  it('commits weights (CR v2), persists the commit, and reveals it in the right epoch after a restart', async () => {
    const store = memoryStore()
    const { client, node } = await setup({ commitReveal: true, tempo: 10 }, store)
    const alice = await devSigner('//Alice') // subnet owner: no permit needed
    await client.register(alice, 5, alice.address, 10n ** 9n)
    node.produceBlocks(3)
    const r = await client.setWeights(alice, 5, [{ uid: 0, score: 1 }], 0n)
    expect(r.mode).toBe('committed')
    const [pending] = store.pendingCommits(`devnet:${client.endpoint}`)
    expect(pending).toBeDefined()
    // Too early: the pool refuses a reveal in the commit epoch (network-2026 §4: code 17).
    await expectChainError(
      client.submit(client.api.tx.subtensorModule.revealWeights!(5, pending!.uids, pending!.weights, pending!.salt, 0), alice),
      'Pool.CommitBlockNotInRevealRange',
    )
    expect((await client.revealDue(() => alice))[0]!.outcome).toBe('waiting')
    // "Restart": a new client over the same SQLite store finds the commit and reveals it on time.
    await client.release()
    clients.splice(0)
    const again = await ChainClient.connect({ network: 'devnet', devnet: node, store })
    clients.push(again)
    node.produceBlocks(pending!.revealFrom - node.bestNumber - 1)
    const out = await again.revealDue(() => alice)
    expect(out.map((o) => o.outcome)).toEqual(['revealed'])
    expect(store.pendingCommits(`devnet:${client.endpoint}`)).toEqual([])
    const weights = (await again.api.query.subtensorModule!.weights!(5, 0)).toJSON()
    expect(weights).toEqual([[0, 65535]])
  }, 60_000)

  it('keeps a commit pending after a transient reveal failure and reveals it on the next block', async () => {
    const store = memoryStore()
    const { client, node } = await setup({ commitReveal: true, tempo: 10 }, store)
    const alice = await devSigner('//Alice')
    await client.register(alice, 5, alice.address, 10n ** 9n)
    node.produceBlocks(3)
    await client.setWeights(alice, 5, [{ uid: 0, score: 1 }], 0n)
    const [pending] = store.pendingCommits(client.storeKey)
    node.produceBlocks(pending!.revealFrom - node.bestNumber - 1)
    // The node drops the first reveal from its pool (as a real node does on a nonce clash or a
    // pool eviction): nothing is applied, the commit is still on chain.
    const submit = node.submit.bind(node)
    let drops = 1
    node.submit = (hex, watch) => {
      if (drops-- > 0) {
        setImmediate(() => watch?.('dropped'))
        return '0x' + '00'.repeat(32)
      }
      return submit(hex, watch)
    }
    const first = await client.revealDue(() => alice)
    expect(first.map((o) => o.outcome)).toEqual(['retrying'])
    expect(first[0]!.error).toMatch(/dropped/)
    const [still] = store.pendingCommits(client.storeKey)
    expect(still).toMatchObject({ id: pending!.id, status: 'pending', error: expect.stringMatching(/dropped/) })
    // Next block, still inside the window: the reveal is sent again and lands.
    node.produceBlocks(1)
    expect(node.bestNumber + 1).toBeLessThanOrEqual(pending!.revealUntil)
    const second = await client.revealDue(() => alice)
    expect(second.map((o) => o.outcome)).toEqual(['revealed'])
    expect(store.commits(client.storeKey)[0]).toMatchObject({ status: 'revealed', error: null })
    expect((await client.api.query.subtensorModule!.weights!(5, 0)).toJSON()).toEqual([[0, 65535]])
  }, 60_000)

  it('marks a commit failed on a definitive dispatch error', async () => {
    const db = new Database(':memory:')
    db.exec(migrationChain.up)
    const store = new ChainStore(db)
    const { client, node } = await setup({ commitReveal: true, tempo: 10 }, store)
    const alice = await devSigner('//Alice')
    await client.register(alice, 5, alice.address, 10n ** 9n)
    node.produceBlocks(3)
    await client.setWeights(alice, 5, [{ uid: 0, score: 1 }], 0n)
    const [pending] = store.pendingCommits(client.storeKey)
    node.produceBlocks(pending!.revealFrom - node.bestNumber - 1)
    // A reveal whose data does not match the commit can never succeed: the pool says so (code 16).
    db.prepare('UPDATE chain_commits SET salt = ? WHERE id = ?').run(JSON.stringify([1, 2, 3]), pending!.id)
    const out = await client.revealDue(() => alice)
    expect(out.map((o) => o.outcome)).toEqual(['failed'])
    expect(out[0]!.error).toMatch(/CommitNotFound/)
    expect(store.pendingCommits(client.storeKey)).toEqual([])
  }, 60_000)

  it('without register_limit, re-reads the price just before signing and refuses when it rose above the cap', async () => {
    const { client, node } = await setup()
    // A runtime without register_limit (older subtensor): burned_register carries no cap.
    Object.defineProperty(client.api.tx.subtensorModule, 'registerLimit', { value: undefined, configurable: true })
    expect(client.registrationCapOnChain).toBe(false)
    const bob = await devSigner('//Bob')
    const hot = await devSigner('//Bob//raced')
    const rival = await devSigner('//Charlie//hot')
    // Someone else's registration, signed now, lands between our price check and our send
    // (when the node answers our nonce query), and raises the burn by 1.26x.
    const other = await client.api.tx.subtensorModule.burnedRegister!(5, rival.address).signAsync(new Keyring({ type: 'sr25519' }).addFromUri('//Charlie'), { nonce: 0, era: 0 })
    const nextIndex = node.accountNextIndex.bind(node)
    let raced = false
    node.accountNextIndex = (address) => {
      if (address === bob.address && !raced) {
        raced = true
        node.submit(other.toHex())
        node.produceBlock()
      }
      return nextIndex(address)
    }
    const before = await client.balance(bob.address)
    // Price 0.1 TAO at the check, about 0.126 TAO when sending (x1.26, less the per-block decay); the cap is 0.11 TAO.
    const refused = await client.register(bob, 5, hot.address, 110_000_000n).then(() => undefined, (e: unknown) => e)
    expect(raced).toBe(true)
    expect(await client.uidOf(5, rival.address)).toBe(0)
    expect(refused).toBeInstanceOf(ChainError)
    expect((refused as ChainError).code).toBe('Client.PriceAboveMaximum')
    expect((refused as ChainError).message).toMatch(/rose to 0\.12\d* TAO just before sending.*not enforced by the chain/)
    expect(await client.uidOf(5, hot.address)).toBeNull()
    expect(await client.balance(bob.address)).toBe(before)
    // Under the cap it goes through, and the result says who enforced the cap.
    const ok = await client.register(bob, 5, hot.address, 200_000_000n)
    expect(ok).toMatchObject({ uid: 1, capEnforcedByChain: false })
    expect(BigInt(ok.priceRao)).toBeGreaterThan(110_000_000n)
  }, 30_000)

  it('tracks nonces across two quick submissions and refuses a double submission', async () => {
    const { client } = await setup()
    const bob = await devSigner('//Bob')
    const eve = (await devSigner('//Eve')).address
    const [a, b] = await Promise.all([client.transfer(bob, eve, 10n ** 9n), client.transfer(bob, eve, 2n * 10n ** 9n)])
    expect(a.blockHash).toBeTruthy()
    expect(b.blockHash).toBeTruthy()
    const tx1 = client.transfer(bob, eve, 3n * 10n ** 9n)
    await expectChainError(client.transfer(bob, eve, 3n * 10n ** 9n), 'Client.AlreadySubmitting')
    await tx1
  }, 30_000)

  it('rejects a forged signature at the pool with 1010', async () => {
    const { client, node } = await setup()
    const bob = await devSigner('//Bob')
    const charlie = await devSigner('//Charlie')
    // Claims to be Bob, signs with Charlie's key.
    const forged = { ...bob, sign: (m: Uint8Array) => charlie.sign(m) }
    await expectChainError(client.transfer(forged, charlie.address, 10n ** 9n), 'Rpc.1010')
    expect(node.bestNumber).toBe(0)
  })

  it('reads hyperparameters, subnets, price and epoch timing', async () => {
    const { client, node } = await setup({ tempo: 30 })
    const hp = await client.hyperparameters(5)
    expect(hp).toMatchObject({ tempo: 30, minAllowedWeights: 1, weightsRateLimit: 3, commitRevealEnabled: false, commitRevealVersion: 4 })
    expect(await client.subnets()).toEqual([expect.objectContaining({ netuid: 5, neurons: 0, tempo: 30 })])
    expect(await client.registrationPrice(5)).toBe(100_000_000n)
    const t = await client.epochTiming(5)
    node.produceBlocks(t.blocksUntilNextEpoch + 1)
    expect(Number(String(await client.api.query.subtensorModule!.lastEpochBlock!(5)))).toBe(node.bestNumber)
  })
})

describe('reconnect', () => {
  it('recovers after the ws server restarts and resumes subscriptions', async () => {
    const node = await DevnetNode.create({ tempo: 50 })
    nodes.push(node)
    let server = await startDevnetServer(node, { port: 0 })
    const port = server.port
    const client = await ChainClient.connect({ network: 'custom', customUrl: server.url })
    clients.push(client)
    const heads: number[] = []
    const unsub = await client.api.rpc.chain.subscribeNewHeads((h: { number: { toNumber(): number } }) => { heads.push(h.number.toNumber()) })
    node.produceBlock()
    await waitFor(() => heads.includes(1))
    await server.close()
    await waitFor(() => client.status.state === 'reconnecting')
    server = await startDevnetServer(node, { port })
    await waitFor(() => client.status.state === 'connected', 15_000)
    node.produceBlocks(2)
    await waitFor(() => heads.includes(3), 10_000)
    expect(client.status.latencyMs === null || client.status.latencyMs >= 0).toBe(true)
    unsub()
    await server.close()
  }, 30_000)

  it('a node that refuses connections: fails within seconds in plain words and leaves nothing reconnecting behind', async () => {
    const listener = net.createServer()
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()))
    const port = (listener.address() as net.AddressInfo).port
    await new Promise<void>((r) => listener.close(() => r()))
    const url = `ws://127.0.0.1:${port}`

    const started = Date.now()
    const failure = await ChainClient.connect({ network: 'custom', customUrl: url, timeoutMs: 20_000 }).then(
      () => { throw new Error('expected a refusal') },
      (e: unknown) => e as ChainError,
    )
    expect(Date.now() - started).toBeLessThan(5000)
    expect(failure).toBeInstanceOf(ChainError)
    expect(failure.code).toBe('Client.Unreachable')
    expect(failure.message).toBe(`Can't reach the node at ${url}: it is not running or refuses connections.`)

    // The failed attempt is closed: its caller retries. A provider left behind would reconnect (after 0.5 s, 1 s, ...).
    let knocked = 0
    const node = net.createServer((socket) => {
      knocked++
      socket.destroy()
    })
    await new Promise<void>((r) => node.listen(port, '127.0.0.1', () => r()))
    await new Promise((r) => setTimeout(r, 2500))
    await new Promise<void>((r) => node.close(() => r()))
    expect(knocked).toBe(0)
  }, 15_000)
})

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}
