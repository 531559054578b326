import net from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SettingsPatch } from '../../contract'
import type { EngineError, EventName, Settings, TxProgress } from '../../contract'
import { createLogger } from '../../platform/logging'
import { SettingsService } from '../../platform/settings'
import { serviceHarness } from '../wallet/test-support/service-harness'
import { ChainClient } from '../../bittensor/chain/chain-client'
import type { Signer } from '../../bittensor/keys/signer'
import { devSigner } from '../../bittensor/keys/dev-signer'
import { DevnetNode, PRACTICE_NETUID } from '../../bittensor/devnet/node'
import { startDevnetServer } from '../../bittensor/devnet/ws-server'
import type { DevnetServer } from '../../bittensor/devnet/ws-server'
import { ChainService } from './chain-service'
import { PRACTICE_MINERS } from './practice'

const LOW_KDF = { opslimit: 3, memlimit: 1024 * 1024 }
const PASSWORD = 'Tr1cky pass!'
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function setup(o: { connectTimeoutMs?: number; harness?: ReturnType<typeof serviceHarness>; practice?: ConstructorParameters<typeof ChainService>[0]['practice']; network?: Settings['network'] } = {}) {
  const h = o.harness ?? serviceHarness(LOW_KDF)
  if (!o.harness) cleanups.push(() => h.close())
  const events: Array<{ name: EventName; payload: unknown }> = []
  const log = createLogger(() => undefined, 'chain')
  const ref: { service?: ChainService } = {}
  const settings = new SettingsService(h.store, log, (s: Settings) => ref.service?.settingsChanged(s))
  if (o.network) settings.update({ network: o.network })
  const service = new ChainService({
    store: h.store,
    log,
    fire: (name, payload) => events.push({ name, payload }),
    settings: () => settings.get(),
    updateSettings: (p) => settings.update(p),
    wallet: h.service,
    practice: o.practice ?? { blockTimeMs: 0, port: null },
    connectTimeoutMs: o.connectTimeoutMs,
  })
  ref.service = service
  cleanups.push(() => service.dispose())
  return { h, service, events, settings }
}

async function rejection(p: unknown): Promise<EngineError> {
  return Promise.resolve(p).then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e as EngineError,
  )
}

async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const start = Date.now()
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

function rejectsToSign(signer: Signer): boolean {
  try {
    signer.sign(new Uint8Array([1]))
    return false
  } catch {
    return true
  }
}

describe('ChainService on the practice network', () => {
  it('starts the seeded practice chain, reports status, and reads the subnet and metagraph', async () => {
    const { service, events, settings } = setup()
    expect(service.status()).toMatchObject({ network: 'devnet', state: 'idle' })
    const st = await service.setNetwork('devnet')
    expect(settings.get().network).toBe('devnet')
    expect(st.network).toBe('devnet')
    await waitFor(() => service.status().state === 'connected')
    await waitFor(() => service.status().block !== null)
    expect(events.some((e) => e.name === 'chain.status' && (e.payload as { state: string }).state === 'connected')).toBe(true)

    const overview = await service.subnetOverview(PRACTICE_NETUID)
    expect(overview).toMatchObject({ netuid: 5, neurons: 5, stale: false, registrationCapOnChain: true })
    expect(overview.hyperparameters).toMatchObject({ tempo: 20, minAllowedWeights: 1, commitRevealEnabled: false })
    expect(BigInt(overview.priceRao)).toBeGreaterThan(0n)
    expect(overview.blocksUntilNextEpoch).toBeGreaterThanOrEqual(0)
    expect(overview.blocksUntilNextEpoch).toBeLessThanOrEqual(20)

    const mg = await service.metagraph(PRACTICE_NETUID)
    expect(mg.source).toBe('runtime-api')
    expect(mg.neurons).toHaveLength(5)
    const validator = mg.neurons.find((n) => n.validatorPermit && n.stake > 100)!
    expect(validator.dividends).toBeGreaterThan(0)
    const miners = mg.neurons.filter((n) => n !== validator)
    // The demo miners listen on this machine: nothing the practice network publishes leads off it.
    expect(miners.map((m) => m.axon.ip)).toEqual(PRACTICE_MINERS.map(() => '127.0.0.1'))
    expect(miners.every((m) => m.axon.serving && m.incentive > 0)).toBe(true)
    // The validator weighed the miners 1:2:3:4, so incentive rises with the score.
    const byHotkey = new Map(miners.map((m) => [m.hotkey, m.incentive]))
    const ordered = await Promise.all(PRACTICE_MINERS.map(async (m) => byHotkey.get((await devSigner(m.hotkey)).address)!))
    expect(ordered).toEqual([...ordered].sort((a, b) => a - b))
    expect(mg.neurons.every((n) => n.registrationBlock !== null && n.immune === true)).toBe(true)

    await expect(rejection(service.handlers()['chain.practiceFaucet']({ address: validator.hotkey, amountTao: '0' }, { transport: 'inproc', peer: 't' }))).resolves.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(rejection(service.metagraph(77))).resolves.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/Subnet 77 does not exist/) })
  }, 60_000)

  it('registers a wallet hotkey with a price cap and streams ready / in block / finalized; races fail with the decoded module error', async () => {
    const { h, service, events } = setup()
    await service.setNetwork('devnet')
    await service.client()
    const created = await h.service.create({ name: 'miner', hotkey: 'default', words: 12, password: PASSWORD })
    const hotkey = created.wallet.hotkeys[0]!.address!
    const ctx = { transport: 'inproc' as const, peer: 't' }
    const register = service.handlers()['chain.register']
    const params = { wallet: 'miner', hotkey: 'default', netuid: 5, maxPriceTao: '5' }

    await expect(rejection(register(params, ctx))).resolves.toMatchObject({ code: 'LOCKED' })
    await h.service.unlock({ name: 'miner', password: PASSWORD, minutes: 5 })
    await expect(rejection(register({ ...params, hotkey: 'nope' }, ctx))).resolves.toMatchObject({ code: 'NOT_FOUND' })
    const cheap = await rejection(register({ ...params, maxPriceTao: '0.000001' }, ctx))
    expect(cheap.code).toBe('BAD_REQUEST')
    expect(cheap.message).toMatch(/costs .* TAO now, above your maximum of 0.000001 TAO/)
    const poor = await rejection(register(params, ctx))
    expect(poor.message).toMatch(/holds 0 TAO; registering costs [\d.]+ TAO, a transaction fee of 0\.\d+ TAO, plus a reserve.*Get practice TAO/)

    const coldkey = created.wallet.coldkey.address!
    const funded = await service.handlers()['chain.practiceFaucet']({ address: coldkey, amountTao: '100' }, ctx)
    expect(funded.freeRao).toBe(String(100n * 10n ** 9n))
    const started = await register(params, ctx)
    expect(started).toMatchObject({ hotkeyAddress: hotkey, capEnforcedByChain: true })
    const done = await waitFor(() => events.map((e) => e.payload as TxProgress).find((p) => p.operationId === started.operationId && (p.stage === 'finalized' || p.stage === 'failed')))
    expect(done).toMatchObject({ stage: 'finalized', uid: 5, error: null })
    const stages = events.filter((e) => e.name === 'chain.tx' && (e.payload as TxProgress).operationId === started.operationId).map((e) => (e.payload as TxProgress).stage)
    expect(stages[0]).toBe('checking')
    expect(stages).toEqual(expect.arrayContaining(['signing', 'ready', 'inBlock', 'finalized']))
    expect(stages.indexOf('ready')).toBeLessThan(stages.indexOf('inBlock'))
    expect((await service.metagraph(5)).neurons.find((n) => n.hotkey === hotkey)).toMatchObject({ uid: 5, coldkey })
    await expect(rejection(register(params, ctx))).resolves.toMatchObject({ code: 'ALREADY_EXISTS' })
    const ops = service.handlers()['chain.operations']({}, ctx) as TxProgress[]
    expect(ops[0]).toMatchObject({ operationId: started.operationId, stage: 'finalized' })

    // Two wallets race for one hotkey: both pass the checks, the chain takes the first and
    // rejects the second with a decoded SubtensorModule error.
    const net = (await service.practice())!
    const second = await h.service.create({ name: 'other', hotkey: 'default', words: 12, password: PASSWORD })
    await h.service.create({ name: 'third', hotkey: 'default', words: 12, password: PASSWORD })
    const phrase = (await h.service.revealMnemonic(second.revealToken)).phrases.find((p) => p.role === 'hotkey')!.words.join(' ')
    await h.service.regen({ name: 'third', role: 'hotkey', hotkey: 'shared', mnemonic: phrase, overwrite: false })
    for (const w of ['other', 'third']) {
      await h.service.unlock({ name: w, password: PASSWORD, minutes: 5 })
      const cold = h.service.get(w).coldkey.address!
      await service.handlers()['chain.practiceFaucet']({ address: cold, amountTao: '100' }, ctx)
    }
    net.node.setBlockTime(600_000) // hold blocks so both transactions wait in the pool
    const a = await register({ wallet: 'other', hotkey: 'default', netuid: 5, maxPriceTao: '5' }, ctx)
    const b = await register({ wallet: 'third', hotkey: 'shared', netuid: 5, maxPriceTao: '5' }, ctx)
    const outcome = (id: string) => (service.handlers()['chain.operations']({}, ctx) as TxProgress[]).find((p) => p.operationId === id)
    await waitFor(() => ['ready', 'future'].includes(outcome(a.operationId)!.stage) && ['ready', 'future'].includes(outcome(b.operationId)!.stage))
    net.node.produceBlock()
    net.node.setBlockTime(0)
    await waitFor(() => ['finalized', 'failed'].includes(outcome(a.operationId)!.stage) && ['finalized', 'failed'].includes(outcome(b.operationId)!.stage))
    expect(outcome(a.operationId)!.stage).toBe('finalized')
    const failed = outcome(b.operationId)!
    expect(failed.stage).toBe('failed')
    expect(failed.error?.code).toMatch(/^SubtensorModule\.(HotKeyAlreadyRegisteredInSubNet|NonAssociatedColdKey)$/)
    expect(failed.error?.message.length).toBeGreaterThan(10)
  }, 90_000)
})

async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

describe('ChainService on a remote node', () => {
  it('guard (issue 13): chain.subnets and chain.subnet carry identity and verdict; chain.register refuses a Hone subnet unless force', async () => {
    const { h, service } = setup()
    await service.setNetwork('devnet')
    const client = await service.client()
    const ctx = { transport: 'inproc' as const, peer: 't' }
    const handlers = service.handlers()
    const listed = await handlers['chain.subnets']({}, ctx)
    expect(listed.subnets.find((s) => s.netuid === 5)).toMatchObject({ identity: { name: 'TaoDesk practice embeddings' }, protocol: { verdict: 'speaks' } })

    // The owner (//Alice) gives the practice subnet Hone's identity (subtensor utils/identity.rs:98-147).
    await client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(5, 'Hone', 'https://github.com/manifold-inc/hone', '', '', '', 'ARC-AGI-2', '', ''), await devSigner('//Alice'))
    const overview = await handlers['chain.subnet']({ netuid: 5 }, ctx)
    expect(overview).toMatchObject({ identity: { name: 'Hone', githubRepo: 'https://github.com/manifold-inc/hone' }, protocol: { verdict: 'does-not' } })

    const created = await h.service.create({ name: 'miner', hotkey: 'default', words: 12, password: PASSWORD })
    await h.service.unlock({ name: 'miner', password: PASSWORD, minutes: 5 })
    await handlers['chain.practiceFaucet']({ address: created.wallet.coldkey.address!, amountTao: '100' }, ctx)
    const params = { wallet: 'miner', hotkey: 'default', netuid: 5, maxPriceTao: '5' }
    const refused = await rejection(handlers['chain.register'](params, ctx))
    expect(refused.code).toBe('BAD_REQUEST')
    expect(refused.message).toMatch(/^netuid 5 on the practice network runs Hone, a reasoning-benchmark subnet: its validators never ask for embeddings/)
    expect(await handlers['chain.register']({ ...params, force: true }, ctx)).toMatchObject({ hotkeyAddress: created.wallet.hotkeys[0]!.address })

    // Miners and validators get the same guard.
    await expect(rejection(service.checkSubnet({ action: 'validator', netuid: 5 }))).resolves.toMatchObject({ message: expect.stringMatching(/so this validator would score a task the subnet does not run/) })
    await expect(service.checkSubnet({ action: 'miner', netuid: 5, force: true })).resolves.toMatchObject({ verdict: 'does-not' })
  }, 60_000)

  it('refuses a bad custom URL, reports an unreachable node, and serves the last known metagraph offline', async () => {
    const { service, h } = setup({ connectTimeoutMs: 1500 })
    await expect(rejection(service.setNetwork('custom', 'http://example'))).resolves.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/ws:\/\/ or wss:\/\//) })

    const node = await DevnetNode.create({ tempo: 30 })
    cleanups.push(() => node.dispose())
    let server: DevnetServer = await startDevnetServer(node, { port: 0 })
    const serverPort = server.port
    cleanups.push(() => server.close())
    const alice = await devSigner('//Alice')
    await service.setNetwork('custom', server.url)
    const client = await service.client()
    await client.register(alice, 5, alice.address, 10n ** 9n)
    const online = await service.metagraph(5)
    expect(online).toMatchObject({ stale: false, neurons: [expect.objectContaining({ uid: 0, hotkey: alice.address })] })
    await service.subnetOverview(5)

    // The node goes away: a fresh engine (same database) shows the last known state, marked stale.
    await server.close()
    await service.dispose()
    const again = setup({ connectTimeoutMs: 1000, harness: h })
    const offline = await again.service.metagraph(5)
    expect(offline).toMatchObject({ stale: true, block: online.block, neurons: online.neurons })
    expect(offline.updatedAt).toBeLessThanOrEqual(Date.now())
    expect((await again.service.subnetOverview(5)).stale).toBe(true)
    expect(again.service.status()).toMatchObject({ state: 'disconnected', lastError: expect.stringMatching(/Can't reach the node at .* Retrying/) })
    await expect(rejection(again.service.metagraph(6))).resolves.toMatchObject({ code: 'DISCONNECTED' })
    // The node comes back: the retry connects.
    server = await startDevnetServer(node, { port: serverPort })
    await waitFor(() => again.service.status().state === 'connected', 20_000)

    // An unreachable network reports its state without hanging the caller.
    const port = await closedPort()
    await again.service.setNetwork('custom', `ws://127.0.0.1:${port}`)
    await expect(rejection(again.service.client())).resolves.toMatchObject({ code: 'DISCONNECTED' })
    expect(again.service.status().state).toBe('disconnected')
  }, 60_000)

  it('a node that refuses connections: reads fail within seconds in the user\'s words while the service retries in the background', async () => {
    const { service } = setup()
    const port = await closedPort()
    const url = `ws://127.0.0.1:${port}`
    await service.setNetwork('custom', url)
    const words = `Can't reach the node at ${url}: it is not running or refuses connections. Start it, or choose another network in the header.`
    const started = Date.now()
    const failure = await rejection(service.handlers()['chain.balance']({ address: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY' }, undefined as never))
    expect(Date.now() - started).toBeLessThan(5000)
    expect(failure).toMatchObject({ code: 'DISCONNECTED', message: words })
    expect(service.status()).toMatchObject({ state: 'disconnected', lastError: expect.stringMatching(new RegExp(`^${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} Retrying in \\d+ s\\.$`)) })

    // The node starts: the background retry connects without anyone asking again.
    const node = await DevnetNode.create({ tempo: 30 })
    cleanups.push(() => node.dispose())
    const server = await startDevnetServer(node, { port })
    cleanups.push(() => server.close())
    await waitFor(() => service.status().state === 'connected', 20_000)
  }, 40_000)

  it('reveals a pending commit-reveal commit on time with the wallet hotkey, without being asked', async () => {
    const { service, h } = setup()
    const node = await DevnetNode.create({ tempo: 10, commitReveal: true, weightsRateLimit: 1 })
    cleanups.push(() => node.dispose())
    const server = await startDevnetServer(node, { port: 0 })
    cleanups.push(() => server.close())
    await service.setNetwork('custom', server.url)
    const client = await service.client()
    const created = await h.service.create({ name: 'val', hotkey: 'default', words: 12, password: PASSWORD })
    expect(created.wallet.hotkeys[0]!.format).toBe('plaintext')
    const hotAddress = created.wallet.hotkeys[0]!.address!
    const alice = await devSigner('//Alice')
    // Alice registers the wallet's hotkey (any coldkey may pay) and the hotkey sets a self-weight.
    await client.register(alice, 5, hotAddress, 10n ** 9n)
    node.produceBlocks(3)
    const hot = (await service.hotkeySignerFor(hotAddress))!
    cleanups.push(() => hot.dispose())
    const r = await client.setWeights(hot, 5, [{ uid: 0, score: 1 }], 0n)
    expect(r.mode).toBe('committed')
    const [pending] = service.store.pendingCommits(client.storeKey)
    expect(service.status().pendingCommits).toBe(1)
    // Blocks pass; the service reveals in the reveal epoch on its own.
    const lent: Signer[] = []
    const revealDue = ChainClient.prototype.revealDue
    const spy = vi.spyOn(ChainClient.prototype, 'revealDue').mockImplementation(function (this: ChainClient, signerFor) {
      return revealDue.call(this, async (hotkey) => {
        const signer = await signerFor(hotkey)
        if (signer) lent.push(signer)
        return signer
      })
    })
    cleanups.push(() => spy.mockRestore())
    node.produceBlocks(pending!.revealFrom - node.bestNumber)
    await waitFor(() => service.store.pendingCommits(client.storeKey).length === 0, 15_000)
    expect(service.store.commits(client.storeKey)[0]).toMatchObject({ status: 'revealed', error: null })
    expect((await client.api.query.subtensorModule!.weights!(5, 0)).toJSON()).toEqual([[0, 65535]])
    // The hotkey read from its file for the reveal pass was wiped once the pass ended.
    expect(lent.length).toBeGreaterThan(0)
    await waitFor(() => lent.every((signer) => rejectsToSign(signer)))
    for (const signer of lent) expect(() => signer.sign(new Uint8Array([1, 2, 3]))).toThrow(/released/)
  }, 60_000)

  it('practice block time and tempo come from settings and apply when the practice network restarts (a fresh chain)', async () => {
    // Nothing pinned by the host: the settings decide. A 60 s block time keeps the timer out of the test.
    // It starts on mainnet (not the first-start default), where a practice restart is refused.
    const { service, settings } = setup({ practice: { port: null }, network: 'finney' })
    settings.update({ practiceBlockTimeMs: 60_000, practiceTempo: 7 })
    const handlers = service.handlers()
    expect(await rejection(handlers['chain.practiceRestart']({}, undefined as never))).toMatchObject({ code: 'BAD_REQUEST' })
    expect(await service.practiceInfo()).toMatchObject({ running: false, configured: { blockTimeMs: 60_000, tempo: 7 }, pinned: false, restartNeeded: false })
    await service.setNetwork('devnet')
    const first = await service.client()
    expect(await service.practiceInfo()).toMatchObject({ running: true, blockTimeMs: 60_000, tempo: 7, restartNeeded: false })
    expect((await service.subnetOverview(PRACTICE_NETUID)).hyperparameters.tempo).toBe(7)
    const someone = (await devSigner('//Restart//someone')).address
    await handlers['chain.practiceFaucet']({ address: someone, amountTao: '5' }, undefined as never)
    expect(await first.balance(someone)).toBe(5_000_000_000n)

    settings.update({ practiceTempo: 9 })
    expect(await service.practiceInfo()).toMatchObject({ tempo: 7, configured: { tempo: 9 }, restartNeeded: true })
    const seen: Array<string | undefined> = []
    const sub = service.onClient((c) => seen.push(c?.endpoint))
    const info = await handlers['chain.practiceRestart']({}, undefined as never)
    sub.dispose()
    expect(info).toMatchObject({ running: true, tempo: 9, blockTimeMs: 60_000, restartNeeded: false })
    const second = await service.client()
    expect(second).not.toBe(first)
    expect(seen[0]).toBeUndefined()
    expect(seen.at(-1)).toBe(second.endpoint)
    expect(second.endpoint).not.toBe(first.endpoint)
    await waitFor(() => service.status().state === 'connected')
    // A fresh, re-seeded chain: the old faucet drip is gone, the subnet has the new tempo and its five neurons.
    expect(await second.balance(someone)).toBe(0n)
    expect(await service.subnetOverview(PRACTICE_NETUID)).toMatchObject({ neurons: 5, hyperparameters: { tempo: 9 } })
  }, 60_000)

  it('saving the practice settings over RPC changes only them (the network stays selected)', () => {
    // zod 4 applies defaults inside optional(): a patch schema with defaults would reset `network`.
    expect(SettingsPatch.parse({ practiceTempo: 12 })).toEqual({ practiceTempo: 12 })
    expect(SettingsPatch.safeParse({ practiceTempo: 2 }).success).toBe(false)
    expect(SettingsPatch.safeParse({ practiceBlockTimeMs: 100 }).success).toBe(false)
    expect(SettingsPatch.safeParse({ practiceSpeed: 1 }).success).toBe(false)
    const { settings } = setup()
    settings.update({ network: 'devnet' })
    settings.update(SettingsPatch.parse({ practiceBlockTimeMs: 1000 }))
    expect(settings.get()).toMatchObject({ network: 'devnet', practiceBlockTimeMs: 1000, practiceTempo: 20 })
  })

  it('a host that pins the practice block time (tests) keeps it whatever the settings say', async () => {
    const { service, settings } = setup()
    settings.update({ practiceBlockTimeMs: 5000, practiceTempo: 12 })
    expect(await service.practiceInfo()).toMatchObject({ pinned: true, configured: { blockTimeMs: 0, tempo: 12 } })
  })
})
