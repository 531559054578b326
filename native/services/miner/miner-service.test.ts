import fs from 'node:fs'
import path from 'node:path'
import { Keyring } from '@polkadot/keyring'
import type { KeyringPair } from '@polkadot/keyring/types'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../test/support/temp-home'
import type { MinerRequestEntry, MinerRewards, MinerStatus } from '../../contract'
import { createEngine } from '../../host'
import type { Engine } from '../../host'
import { HotkeyLock, HotkeyLockedError } from './hotkey-lock'
import { readStatusFiles } from './miner-service'
import { HttpPublicIpDetector, ipv4Problem } from './public-ip'
import { pingAxon } from './self-test'
import { rawRequest, SpecDendrite } from '../../bittensor/wire/v10/testing/spec-dendrite'
import { MapMetagraph, RecordingChain, SequenceIpDetector, testRuntimeFactory } from './testing/test-runtime'

let miner: KeyringPair
let validator: KeyringPair
beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519' })
  miner = keyring.addFromUri('//MinerService')
  validator = keyring.addFromUri('//Alice')
})

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

function metagraph(): MapMetagraph {
  return new MapMetagraph(
    new Map([
      [miner.address, { uid: 12, stake: 0, validatorPermit: false }],
      [validator.address, { uid: 0, stake: 50_000, validatorPermit: true }],
    ]),
  )
}

function engineWith(factory: ReturnType<typeof testRuntimeFactory> | undefined): { engine: Engine; home: string } {
  const home = makeTempHome()
  const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, minerRuntime: factory })
  cleanups.push(() => home.cleanup())
  cleanups.push(() => engine.dispose())
  return { engine, home: home.dir }
}

async function waitFor<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

function view(block: number, over: Partial<MinerRewards> = {}): MinerRewards {
  return {
    network: 'devnet', netuid: 5, hotkey: miner.address, block, updatedAt: Date.now(), registered: true, uid: 12, incentive: 0,
    emissionAlpha: 0, emissionAlphaPerDay: 0, emissionTao: null, emissionTaoPerDay: null, alphaPrice: { tao: null, source: 'unknown', note: '' },
    tempo: 10, epochsPerDay: 100, nextEpochInBlocks: 5, neurons: 2, maxNeurons: 64, rank: null, immunity: null,
    deregistration: { level: 'low', position: null, of: 2, subnetFull: false, message: '' },
    burn: { applies: false, burnerUid: null, burnerHotkey: '', percentage: 0, burnerIncentive: null, incentiveWithoutBurn: null, message: '' },
    ...over,
  }
}

/** A MinerService started on the practice network with a rewards feed the test pushes views into. */
async function serviceWithRewards(first: MinerRewards, prepare: (store: Engine['store']) => void = () => undefined) {
  const factory = testRuntimeFactory({ minerPair: miner, metagraph: metagraph(), chain: new RecordingChain('') })
  const home = makeTempHome()
  cleanups.push(() => home.cleanup())
  const engine = createEngine({ home: home.dir, version: 't', headless: true })
  cleanups.push(() => engine.dispose())
  prepare(engine.store)
  const { MinerService } = await import('./miner-service')
  let push: (r: MinerRewards) => void = () => undefined
  let feedStarted = false
  const rewards = async (p: { onUpdate: (r: MinerRewards) => void }) => {
    push = p.onUpdate
    return {
      start: async () => {
        feedStarted = true
        return first
      },
      dispose: () => undefined,
    }
  }
  const service = new MinerService({ home: home.dir, store: engine.store, log: engine.log.child('miner'), factory, rewards })
  cleanups.push(() => service.dispose())
  const port = 18000 + Math.floor(Math.random() * 1000)
  await service.start({ network: 'devnet', wallet: 'w', hotkey: 'default', port, host: '127.0.0.1', metricsPort: null, localApiPort: null, serve: false, blacklist: { minStake: 1000, forceValidatorPermit: false, allowNonRegistered: false } })
  await waitFor(() => (feedStarted ? true : undefined))
  return { service, port, push: (r: MinerRewards) => push(r) }
}

describe('MinerService through the engine contract', () => {
  it('starts, serves a validator, logs and counts the request, exposes /metrics, self-tests, stops', async () => {
    const factory = testRuntimeFactory({ minerPair: miner, metagraph: metagraph() })
    const { engine, home } = engineWith(factory)
    const client = engine.connectInproc('test')
    const statuses: MinerStatus[] = []
    const requests: MinerRequestEntry[] = []
    client.on('miner.status', (s) => statuses.push(s))
    client.on('miner.request', (r) => requests.push(r))

    const started = await client.call('miner.start', { wallet: 'w', port: 0 as unknown as number, host: '127.0.0.1', externalIp: '127.0.0.1', serve: false, metricsPort: null })
      .catch((e: unknown) => e)
    // Port 0 is not a valid published port: the contract refuses it with a field error.
    expect(started).toBeInstanceOf(Error)

    const status = await client.call('miner.start', { wallet: 'w', port: 18091, host: '127.0.0.1', externalIp: '127.0.0.1', serve: false, metricsPort: 19091 })
    expect(status.state).toBe('running')
    expect(status.hotkey).toBe(miner.address)
    expect(status.uid).toBe(12)
    expect(status.listen).toEqual({ host: '127.0.0.1', port: 18091 })
    expect(status.provider).toBe('test:sha256')
    expect(status.metricsUrl).toBe('http://127.0.0.1:19091/metrics')
    expect(status.localApiUrl).toBeNull()
    expect(status.warnings.map((w) => w.code)).toContain('address') // 127.0.0.1 cannot be published

    // The background self-test pings 127.0.0.1:18091 with a signed /Synapse request.
    const reach = await waitFor(() => statuses.find((s) => s.reachability)?.reachability ?? undefined)
    expect(reach.reachable).toBe(true)
    expect(reach.advice).toEqual([])

    const d = new SpecDendrite({ pair: validator })
    cleanups.push(() => d.close())
    const target = { ip: '127.0.0.1', port: 18091, hotkey: miner.address }
    expect((await d.embed(target, ['one', 'two', 'three'])).status).toBe(200)
    expect((await new SpecDendrite({ pair: new Keyring({ type: 'sr25519' }).addFromUri('//Nobody') }).embed(target, ['x'])).status).toBe(403)

    const feed = await waitFor(() => (requests.filter((r) => r.route === 'TextEmbeddingSynapse').length >= 2 ? requests : undefined))
    expect(feed.find((r) => r.status === 200 && r.route === 'TextEmbeddingSynapse')).toMatchObject({ hotkey: validator.address, uid: 0, texts: 3 })
    const stored = await client.call('miner.requests', { limit: 10 })
    expect(stored.filter((r) => r.route === 'TextEmbeddingSynapse').map((r) => r.status)).toEqual([403, 200])
    const minutes = await client.call('miner.metrics', {})
    expect(minutes.reduce((a, m) => a + m.requests, 0)).toBe(2)
    expect(minutes.reduce((a, m) => a + m.errors, 0)).toBe(1)

    const logs = await client.call('logs.query', { search: 'TextEmbeddingSynapse', limit: 10 } as never)
    expect(JSON.stringify(logs)).toContain(`200 TextEmbeddingSynapse from ${validator.address}: 3 texts`)

    const prom = await rawRequest({ host: '127.0.0.1', port: 19091, method: 'GET', path: '/metrics', headers: {} })
    expect(prom.status).toBe(200)
    expect(prom.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(prom.body).toContain('taodesk_miner_requests_total{route="TextEmbeddingSynapse",status="200"} 1')
    expect(prom.body).toContain('taodesk_miner_requests_total{route="TextEmbeddingSynapse",status="403"} 1')
    expect(prom.body).toContain('taodesk_miner_texts_total 3')
    expect(prom.body).toMatch(/taodesk_miner_request_duration_seconds_count 1\n/)
    expect(prom.body).toContain('taodesk_miner_request_duration_seconds_bucket{le="+Inf"} 1')

    const files = readStatusFiles(home)
    expect(files).toHaveLength(1)
    expect(files[0]?.pid).toBe(process.pid)
    expect(files[0]?.status.state).toBe('running')

    // Starting twice is refused while running.
    await expect(client.call('miner.start', { wallet: 'w', port: 18092, host: '127.0.0.1', serve: false, metricsPort: null })).rejects.toThrow(/already running/)

    const stopped = await client.call('miner.stop', {})
    expect(stopped.state).toBe('stopped')
    expect(factory.disposed).toBe(1)
    expect(fs.existsSync(path.join(home, 'locks', `miner-${miner.address}.lock`))).toBe(false)
    await expect(rawRequest({ host: '127.0.0.1', port: 18091, method: 'POST', path: '/Synapse', headers: {} })).rejects.toThrow()
    expect(readStatusFiles(home).map((f) => f.status.state)).toEqual(['stopped'])
    // Rollups reached the time_series table for charts.
    expect(await client.call('metrics.query', { series: 'miner.requests_per_min' })).toEqual([expect.objectContaining({ value: 2 })])
  })

  it('publishes the axon with serve_axon once, re-serves when the public IP changes, and reports an unreachable address', async () => {
    const chain = new RecordingChain('')
    const ips = new SequenceIpDetector(['203.0.113.5', '203.0.113.5', '198.51.100.9'])
    const factory = testRuntimeFactory({ minerPair: miner, metagraph: metagraph(), chain: Object.assign(chain, {}), ipDetector: ips })
    // RecordingChain needs the miner's hotkey to answer axonInfo.
    ;(chain as unknown as { hotkey: string }).hotkey = miner.address
    const home = makeTempHome()
    cleanups.push(() => home.cleanup())
    const { MinerService } = await import('./miner-service')
    const engine = createEngine({ home: home.dir, version: 't', headless: true })
    cleanups.push(() => engine.dispose())
    const pinged: string[] = []
    // Nothing may leave the machine in tests: probe a closed local port instead of the public address.
    const ping: typeof pingAxon = (signer, ip, port, timeoutMs) => {
      pinged.push(`${ip}:${port}`)
      return pingAxon(signer, '127.0.0.1', 9, timeoutMs)
    }
    const service = new MinerService({ home: home.dir, store: engine.store, log: engine.log.child('miner'), factory, ipRecheckMs: 100, selfTestTimeoutMs: 300, ping })
    cleanups.push(() => service.dispose())

    const s = await service.start({ network: 'test', wallet: 'w', hotkey: 'default', port: 18093, host: '127.0.0.1', metricsPort: null, localApiPort: null, serve: true, blacklist: { minStake: 1000, forceValidatorPermit: false, allowNonRegistered: false } })
    expect(s.externalIp).toBe('203.0.113.5')
    expect(s.served).toMatchObject({ ip: '203.0.113.5', port: 18093, action: 'served' })
    expect(chain.served).toEqual([{ netuid: 5, ip: '203.0.113.5', port: 18093, version: 9_000_000 }])

    const reach = await service.selfTest()
    expect(reach.reachable).toBe(false)
    expect(pinged).toContain('203.0.113.5:18093')
    expect(reach.detail).toBe('Connection refused')
    expect(reach.advice.join(' ')).toMatch(/Forward TCP port 9 .*ufw allow 9\/tcp/)
    expect(service.status().warnings.map((w) => w.code)).toContain('unreachable')

    // Same IP on the next check: nothing sent. Then the IP changes: served again.
    await waitFor(() => (chain.served.length === 2 ? true : undefined), 5000)
    expect(chain.served[1]).toMatchObject({ ip: '198.51.100.9', port: 18093 })
    expect(service.status().externalIp).toBe('198.51.100.9')
    await service.stop()

    // Restart with the same address: already on chain, no extrinsic.
    const again = await service.start({ network: 'test', wallet: 'w', hotkey: 'default', port: 18093, host: '127.0.0.1', externalIp: '198.51.100.9', metricsPort: null, localApiPort: null, serve: true, blacklist: { minStake: 1000, forceValidatorPermit: false, allowNonRegistered: false } })
    expect(again.served?.action).toBe('unchanged')
    expect(chain.served).toHaveLength(2)
  })

  it('guard (issue 13): refuses a subnet that does not declare the embedding protocol unless forced, before the axon listens', async () => {
    const factory = testRuntimeFactory({ minerPair: miner, metagraph: metagraph() })
    const home = makeTempHome()
    cleanups.push(() => home.cleanup())
    const { MinerService } = await import('./miner-service')
    const { EngineError } = await import('../../contract')
    const engine = createEngine({ home: home.dir, version: 't', headless: true })
    cleanups.push(() => engine.dispose())
    const checks: Array<{ action: string; network?: string; netuid: number; force?: boolean }> = []
    const checkSubnet = async (p: { action: string; network?: string; netuid: number; force?: boolean }) => {
      checks.push(p)
      if (!p.force) throw new EngineError('BAD_REQUEST', 'netuid 5 on finney runs Hone, a reasoning-benchmark subnet: its validators never ask for embeddings, so this miner would earn nothing.')
      return { verdict: 'does-not' }
    }
    const service = new MinerService({ home: home.dir, store: engine.store, log: engine.log.child('miner'), factory, checkSubnet })
    cleanups.push(() => service.dispose())
    const params = { network: 'finney', wallet: 'w', hotkey: 'default', port: 18097, host: '127.0.0.1', metricsPort: null, localApiPort: null, serve: false, blacklist: { minStake: 1000, forceValidatorPermit: false, allowNonRegistered: false } }
    await expect(service.start(params)).rejects.toThrow(/runs Hone/)
    expect(service.status()).toMatchObject({ state: 'failed', listen: null })
    expect(checks[0]).toMatchObject({ action: 'miner', network: 'finney', netuid: 5 })
    const started = await service.start({ ...params, force: true })
    expect(started.state).toBe('running')
    await service.stop()
  })

  it('says when no validator has queried the miner for two epochs, and clears it once one does (issue 13)', async () => {
    const { service, push, port } = await serviceWithRewards(view(100))
    const codes = () => service.status().warnings.map((w) => w.code)
    push(view(100))
    push(view(110))
    expect(codes()).not.toContain('no_queries')
    // Two epochs of tempo 10 (22 blocks) without a query.
    push(view(122))
    expect(codes()).toContain('no_queries')
    expect(service.status().warnings.find((w) => w.code === 'no_queries')?.message).toMatch(/two epochs[\s\S]*not registered[\s\S]*reached[\s\S]*identity/)
    // A validator's served request clears it.
    const d = new SpecDendrite({ pair: validator })
    cleanups.push(() => d.close())
    const answer = await d.embed({ ip: '127.0.0.1', port, hotkey: miner.address }, ['hello'])
    expect(answer.status).toBe(200)
    await waitFor(() => (codes().includes('no_queries') ? undefined : true))
    await service.stop()
  })

  it('records the rank with incentive and emission each epoch; records saved before rank was kept read back with none (issue 14)', async () => {
    // What an older version wrote: incentive and emission only, here and on another network.
    const labels = { hotkey: miner.address, netuid: '5', network: 'devnet', block: '40' }
    const before = (store: Engine['store']) =>
      store.timeSeries.record([
        { series: 'miner.incentive', time: 1_000, value: 0.1, labels },
        { series: 'miner.emission_alpha', time: 1_000, value: 0.5, labels },
        { series: 'miner.incentive', time: 2_000, value: 0.9, labels: { ...labels, network: 'finney', block: '7000000' } },
      ])
    const { service, push } = await serviceWithRewards(view(100, { updatedAt: 100_000, incentive: 0.2, emissionAlpha: 1, rank: { position: 2, of: 5 } }), before)
    push(view(100, { updatedAt: 100_000, incentive: 0.2, emissionAlpha: 1, rank: { position: 2, of: 5 } }))
    push(view(110, { updatedAt: 110_000, incentive: 0.3, emissionAlpha: 2, rank: { position: 1, of: 5 } }))
    // Not registered: no rank to record.
    push(view(120, { updatedAt: 120_000, registered: false, rank: null }))
    const row = (time: number, block: number, incentive: number, emissionAlpha: number, rank: { position: number; of: number } | null) => ({ time, block, incentive, emissionAlpha, hotkey: miner.address, rank })
    // While the miner runs: its own records on its network, oldest first.
    expect(service.rewardsHistory(undefined, 500)).toEqual([
      row(1_000, 40, 0.1, 0.5, null),
      row(100_000, 100, 0.2, 1, { position: 2, of: 5 }),
      row(110_000, 110, 0.3, 2, { position: 1, of: 5 }),
      row(120_000, 120, 0, 0, null),
    ])
    await service.stop()
    expect(service.rewardsHistory(undefined, 500).map((r) => r.block)).toEqual([40, 7_000_000, 100, 110, 120])
  })

  it('refuses a hotkey that another live process is mining, and takes over a stale lock', async () => {
    const home = makeTempHome()
    cleanups.push(() => home.cleanup())
    const other = new HotkeyLock(home.dir, miner.address, process.ppid)
    other.acquire()
    const factory = testRuntimeFactory({ minerPair: miner, metagraph: metagraph() })
    const engine = createEngine({ home: home.dir, version: 't', headless: true, minerRuntime: factory })
    cleanups.push(() => engine.dispose())
    const client = engine.connectInproc()
    await expect(client.call('miner.start', { wallet: 'w', port: 18094, host: '127.0.0.1', externalIp: '127.0.0.1', serve: false, metricsPort: null })).rejects.toThrow(
      new RegExp(`already mining on this machine \\(process ${process.ppid}\\)`),
    )
    expect((await client.call('miner.status', {})).state).toBe('failed')
    expect(factory.disposed).toBe(1)

    // A lock whose owner is gone is taken over.
    fs.writeFileSync(other.file, '999999\n')
    const ok = await client.call('miner.start', { wallet: 'w', port: 18094, host: '127.0.0.1', externalIp: '127.0.0.1', serve: false, metricsPort: null })
    expect(ok.state).toBe('running')
    expect(fs.readFileSync(other.file, 'utf8').trim()).toBe(String(process.pid))
    expect(() => new HotkeyLock(home.dir, miner.address, process.ppid).acquire()).toThrow(HotkeyLockedError)
  })

  it('with the real runtime (the default), explains what is missing before touching the chain', async () => {
    const { engine, home } = engineWith(undefined)
    const client = engine.connectInproc()
    await client.call('wallet.setDirectory', { path: path.join(home, 'no-wallets') })
    await expect(client.call('miner.start', { wallet: 'w' })).rejects.toThrow(/Wallet "w" has no hotkey "default"/)
    const s = await client.call('miner.status', {})
    expect(s.state).toBe('failed')
    expect(s.lastError).toMatch(/Create or restore it/)
  })

  it('serves the optional OpenAI-compatible /v1/embeddings on localhost only', async () => {
    const factory = testRuntimeFactory({ minerPair: miner, metagraph: metagraph() })
    const { engine } = engineWith(factory)
    const client = engine.connectInproc()
    const s = await client.call('miner.start', { wallet: 'w', port: 18095, host: '127.0.0.1', externalIp: '127.0.0.1', serve: false, metricsPort: null, localApiPort: 18096 })
    expect(s.localApiUrl).toBe('http://127.0.0.1:18096/v1/embeddings')
    const res = await rawRequest({ host: '127.0.0.1', port: 18096, method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: ['a', 'b'], dimensions: 32 }) })
    expect(res.status).toBe(200)
    const json = res.json as { object: string; data: Array<{ index: number; embedding: number[] }> }
    expect(json.object).toBe('list')
    expect(json.data.map((d) => [d.index, d.embedding.length])).toEqual([[0, 32], [1, 32]])
    const bad = await rawRequest({ host: '127.0.0.1', port: 18096, method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json' }, body: '{"input": 5}' })
    expect(bad.status).toBe(400)
    expect((bad.json as { error: { message: string } }).error.message).toMatch(/input/)
  })
})

describe('public IP helpers', () => {
  it('the HTTP detector takes the first valid IPv4 answer, never the network in tests', async () => {
    const answers: Record<string, () => Response> = {
      'https://a.example': () => new Response('<html>oops</html>'),
      'https://b.example': () => {
        throw new Error('ENOTFOUND')
      },
      'https://c.example': () => new Response('198.51.100.23\n'),
    }
    const fake = ((url: string) => Promise.resolve().then(() => answers[url]!())) as unknown as typeof fetch
    expect(await new HttpPublicIpDetector(Object.keys(answers), 1000, fake).detect()).toBe('198.51.100.23')
    await expect(new HttpPublicIpDetector(['https://a.example'], 1000, fake).detect()).rejects.toThrow(/--external-ip/)
  })

  it('flags addresses validators cannot reach', () => {
    expect(ipv4Problem('8.8.8.8')).toBeUndefined()
    expect(ipv4Problem('127.0.0.1')).toMatch(/loopback/)
    expect(ipv4Problem('192.168.1.20')).toMatch(/private/)
    expect(ipv4Problem('100.64.0.1')).toMatch(/carrier-grade/)
    expect(ipv4Problem('::1')).toMatch(/IPv6/)
  })
})
