import { Keyring } from '@polkadot/keyring'
import type { KeyringPair } from '@polkadot/keyring/types'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../../test/support/temp-home'
import { devSigner } from '../../../bittensor/keys/dev-signer'
import { PRACTICE_NETUID } from '../../../bittensor/devnet/node'
import { PRACTICE_MINERS, PRACTICE_VALIDATOR } from '../../chain/practice'
import type { DesktopNotice, MinerRewards, MinerStatus } from '../../../contract'
import { createEngine } from '../../../host'
import type { Engine } from '../../../host'
import { REFERENCE_BURNER_HOTKEY } from '../../../protocols/text-embedding/rewards'
import { MapMetagraph, RecordingChain, SequenceIpDetector, testRuntimeFactory } from '../testing/test-runtime'
import type { RewardsInput, RewardsNeuron } from './assess'
import { assessRewards, pruningOrder } from './assess'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

function neuron(uid: number, o: Partial<RewardsNeuron> = {}): RewardsNeuron {
  return { uid, hotkey: `hk${uid}`, incentive: 0, emission: 0, validatorPermit: false, dividends: 0, registrationBlock: 0, ...o }
}

function input(o: Partial<RewardsInput> = {}): RewardsInput {
  return {
    network: 'finney',
    netuid: 5,
    hotkey: 'hk3',
    block: 10_000,
    tempo: 360,
    nextEpochBlock: 10_101,
    immunityPeriod: 5000,
    maxAllowedUids: 5,
    ownerHotkey: 'hk0',
    neurons: [
      neuron(0, { validatorPermit: true, dividends: 1, emission: 50 }),
      neuron(1, { incentive: 0.5, emission: 5 }),
      neuron(2, { incentive: 0.3, emission: 3 }),
      neuron(3, { incentive: 0.15, emission: 1.5 }),
      neuron(4, { incentive: 0.05, emission: 0.5 }),
    ],
    price: { tao: 0.02, source: 'pool', note: '' },
    burn: { hotkey: 'burner', percentage: 0.95 },
    now: 1,
    ...o,
  }
}

describe('assessRewards', () => {
  it('values emission in TAO, ranks among miners, and places the miner in the pruning order', () => {
    const r = assessRewards(input())
    expect(r).toMatchObject({ registered: true, uid: 3, incentive: 0.15, emissionAlpha: 1.5, rank: { position: 3, of: 4 } })
    expect(r.emissionTao).toBeCloseTo(0.03, 10)
    // Earning nothing is last place (tied), never "1 of N" because every miner earns nothing.
    const zero = input()
    const idle = assessRewards({ ...zero, neurons: zero.neurons.map((n) => ({ ...n, incentive: 0 })) })
    expect(idle.rank).toEqual({ position: 4, of: 4 })
    // One epoch every `tempo` blocks (network-2026 §2.2), the next at the block the chain reports.
    expect(r.epochsPerDay).toBeCloseTo(7200 / 360, 10)
    expect(r.emissionAlphaPerDay).toBeCloseTo(1.5 * (7200 / 360), 10)
    expect(r.emissionTaoPerDay).toBeCloseTo(0.03 * (7200 / 360), 10)
    expect(r.nextEpochInBlocks).toBe(101)
    // Full subnet; pruning order hk4 (0.5), hk3 (1.5), ...: second in line is "medium".
    expect(r.deregistration).toMatchObject({ level: 'medium', position: 2, of: 4, subnetFull: true })
    expect(r.immunity).toEqual({ registrationBlock: 0, immunityPeriod: 5000, blocksLeft: 0, immune: false })
    expect(r.burn).toMatchObject({ applies: false, burnerUid: null, incentiveWithoutBurn: 0.15 })
  })

  it('says "high" for the next uid to be pruned, never "low" for the first in line, and "immune" during immunity', () => {
    expect(assessRewards(input({ hotkey: 'hk4' })).deregistration).toMatchObject({ level: 'high', position: 1 })
    expect(assessRewards(input({ hotkey: 'hk1' })).deregistration).toMatchObject({ level: 'low', position: 4 })
    const roomy = assessRewards(input({ hotkey: 'hk4', maxAllowedUids: 256 }))
    // First in line with free slots: replaced as soon as the subnet fills, so not "low" (issue 12).
    expect(roomy.deregistration).toMatchObject({ level: 'medium', position: 1, subnetFull: false })
    expect(roomy.deregistration.message).toMatch(/free slots \(5 of 256\).*once the subnet is full, the next registration replaces you/)
    expect(assessRewards(input({ hotkey: 'hk3', maxAllowedUids: 256 })).deregistration).toMatchObject({ level: 'low', position: 2 })
    // hk4 registered recently: immune, and the pruning order skips it (hk3 becomes first).
    const fresh = input({ neurons: input().neurons.map((n) => (n.uid === 4 ? { ...n, registrationBlock: 9000 } : n)) })
    const immune = assessRewards({ ...fresh, hotkey: 'hk4' })
    expect(immune.deregistration.level).toBe('immune')
    expect(immune.immunity).toMatchObject({ blocksLeft: 4000, immune: true })
    expect(assessRewards({ ...fresh, hotkey: 'hk3' }).deregistration).toMatchObject({ level: 'high', position: 1 })
    // Ties in emission: the earlier registration goes first, then the lower uid; the owner never.
    const tie = pruningOrder({ block: 10_000, immunityPeriod: 10, ownerHotkey: 'hk0', neurons: [neuron(0), neuron(1, { registrationBlock: 5 }), neuron(2, { registrationBlock: 3 }), neuron(3, { registrationBlock: 3 })] })
    expect(tie.order.map((n) => n.uid)).toEqual([2, 3, 1])
  })

  it('prunes immune uids while non-immune ones are not above MinNonImmuneUids: an immune miner next in line is told so (registration.rs:280-356)', () => {
    // hk4 registered recently and earns least; only 3 other non-owner uids are non-immune, not > 10.
    const fresh = input({ minNonImmuneUids: 10, neurons: input().neurons.map((n) => (n.uid === 4 ? { ...n, registrationBlock: 9000 } : n)) })
    const me = assessRewards({ ...fresh, hotkey: 'hk4' })
    expect(me.immunity).toMatchObject({ immune: true })
    expect(me.deregistration).toMatchObject({ level: 'high', position: 1 })
    expect(pruningOrder(fresh)).toMatchObject({ immuneExposed: true })
    // The non-immune uids are protected by the floor and listed after the immune one.
    expect(pruningOrder(fresh).order.map((n) => n.uid)).toEqual([4, 3, 2, 1])
    // Above the floor (MinNonImmuneUids 1): two non-immune uids go first, then the immune one.
    const floor1 = pruningOrder({ ...fresh, minNonImmuneUids: 1 })
    expect(floor1).toMatchObject({ immuneExposed: false })
    expect(floor1.order.map((n) => n.uid)).toEqual([3, 2, 4, 1])
    expect(assessRewards({ ...fresh, minNonImmuneUids: 1, hotkey: 'hk4' }).deregistration.level).toBe('immune')
  })

  it("keeps the owner coldkey's oldest hotkeys out of the order up to ImmuneOwnerUidsLimit, owner hotkey first (registration.rs:237-276)", () => {
    const neurons = [neuron(0, { coldkey: 'owner' }), neuron(1, { coldkey: 'owner', registrationBlock: 5 }), neuron(2, { coldkey: 'owner', registrationBlock: 1 }), neuron(3, { coldkey: 'x' })]
    const base = { block: 10_000, immunityPeriod: 10, ownerHotkey: 'hk1', ownerColdkey: 'owner', neurons }
    // Limit 1: only the owner hotkey (hk1), even though hk0 and hk2 are older owner hotkeys.
    expect(pruningOrder({ ...base, immuneOwnerUidsLimit: 1 }).order.map((n) => n.uid)).toEqual([0, 3, 2])
    // Limit 2: the two oldest owner hotkeys (hk0, hk2), then hk1 put first and the list cut to 2: hk1, hk0.
    expect(pruningOrder({ ...base, immuneOwnerUidsLimit: 2 }).order.map((n) => n.uid)).toEqual([3, 2])
    expect(assessRewards(input({ ...base, hotkey: 'hk0', immuneOwnerUidsLimit: 2 })).deregistration.message).toMatch(/never pruned/)
  })

  it('shows the burn: the burner uid, its share of miner emission and what the miner would get without it', () => {
    const neurons = [...input().neurons.slice(0, 4), neuron(4, { hotkey: 'burner', incentive: 0.5, emission: 5 })]
    // Incentives: 0.5, 0.3, 0.15 of 1.45 before the burner... normalise: the burner takes 0.5 / 1.45.
    const r = assessRewards(input({ neurons }))
    expect(r.burn.applies).toBe(true)
    expect(r.burn.burnerUid).toBe(4)
    expect(r.burn.burnerIncentive).toBe(0.5)
    const share = 0.5 / (0.5 + 0.3 + 0.15 + 0.5)
    expect(r.burn.incentiveWithoutBurn).toBeCloseTo(0.15 / (1 - share), 10)
    expect(r.burn.message).toMatch(/95\.0 % of each round's rewards to the burner \(uid 4\)/)
    // The burner is not a competitor in the miners' ranking.
    expect(r.rank).toEqual({ position: 3, of: 3 })
  })

  it('says what it does not know: unknown price, unregistered hotkey', () => {
    const r = assessRewards(input({ price: { tao: null, source: 'unknown', note: 'no price' } }))
    expect(r.emissionTao).toBeNull()
    expect(r.emissionTaoPerDay).toBeNull()
    expect(r.alphaPrice).toEqual({ tao: null, source: 'unknown', note: 'no price' })
    const gone = assessRewards(input({ hotkey: 'nobody' }))
    expect(gone).toMatchObject({ registered: false, uid: null, incentive: 0, rank: null, deregistration: { level: 'unknown' } })
  })
})

let keyring: Keyring
beforeAll(async () => {
  await cryptoWaitReady()
  keyring = new Keyring({ type: 'sr25519' })
})

async function waitFor<T>(fn: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

function practiceEngine(pair: KeyringPair): { engine: Engine } {
  const home = makeTempHome()
  const factory = testRuntimeFactory({ minerPair: pair, metagraph: new MapMetagraph(), chain: new RecordingChain(pair.address), ipDetector: new SequenceIpDetector(['127.0.0.1']) })
  const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, minerRuntime: factory, practice: { blockTimeMs: 0, port: null } })
  cleanups.push(() => home.cleanup())
  cleanups.push(() => engine.dispose())
  return { engine }
}

describe('the rewards view on the practice network', () => {
  it('follows the chain every block: incentive, emission in alpha and TAO (1:1), rank, immunity, risk, burn; records incentive per epoch', async () => {
    const bob = keyring.addFromUri(PRACTICE_MINERS[0]!.hotkey)
    const eve = PRACTICE_MINERS[3]!
    const { engine } = practiceEngine(bob)
    const client = engine.connectInproc('test')
    const views: MinerRewards[] = []
    const notices: DesktopNotice[] = []
    client.on('miner.rewards', (r) => views.push(r))
    client.on('desktop.notify', (n) => notices.push(n))
    await client.call('chain.setNetwork', { network: 'devnet' })
    expect(await client.call('miner.rewards')).toBeNull()
    const started: MinerStatus = await client.call('miner.start', { wallet: 'w', network: 'devnet', port: 28000 + (process.pid % 1000), host: '127.0.0.1', externalIp: '127.0.0.1', serve: false, metricsPort: null })
    expect(started.state).toBe('running')

    const first = await waitFor(() => views[0])
    expect(first).toMatchObject({ network: 'devnet', netuid: PRACTICE_NETUID, hotkey: bob.address, registered: true, tempo: 20, alphaPrice: { tao: 1, source: 'practice' } })
    // The practice validator weighs the miners 1:2:3:4, so Bob (first) ranks last of four.
    expect(first.rank).toEqual({ position: 4, of: 4 })
    expect(first.incentive).toBeGreaterThan(0)
    expect(first.emissionAlpha).toBeGreaterThan(0)
    expect(first.emissionTao).toBeCloseTo(first.emissionAlpha, 12)
    expect(first.immunity?.immune).toBe(true)
    expect(first.deregistration.level).toBe('immune')
    expect(first.burn.applies).toBe(false)
    expect(await client.call('miner.rewards')).toMatchObject({ hotkey: bob.address, uid: first.uid, registered: true })

    // Every block gives a fresh view.
    const net = (await engine.chain.practice())!
    const seen = views.length
    net.node.produceBlocks(1)
    const next = await waitFor(() => views.length > seen && views[views.length - 1])
    expect(next.block).toBe(first.block + 1)

    // The burner registers and the validator weighs it: the view shows the burn.
    const chainClient = await engine.chain.client()
    const alice = await devSigner(PRACTICE_VALIDATOR.coldkey)
    const vHot = await devSigner(PRACTICE_VALIDATOR.hotkey)
    await chainClient.register(alice, PRACTICE_NETUID, REFERENCE_BURNER_HOTKEY, 10n ** 12n)
    const burnerUid = (await chainClient.uidOf(PRACTICE_NETUID, REFERENCE_BURNER_HOTKEY))!
    const uids = await Promise.all(PRACTICE_MINERS.map(async (m) => (await chainClient.uidOf(PRACTICE_NETUID, (await devSigner(m.hotkey)).address))!))
    net.node.produceBlocks(net.node.blocksUntilNextEpoch(PRACTICE_NETUID) + 1)
    await chainClient.setWeights(vHot, PRACTICE_NETUID, [...uids.map((uid, i) => ({ uid, score: 0.0125 * (i + 1) })), { uid: burnerUid, score: 0.875 }], 0n)
    net.node.produceBlocks(net.node.blocksUntilNextEpoch(PRACTICE_NETUID) + 1)
    const burned = await waitFor(() => views.find((v) => v.burn.applies && (v.burn.burnerIncentive ?? 0) > 0))
    expect(burned.burn.burnerUid).toBe(burnerUid)
    expect(burned.burn.incentiveWithoutBurn!).toBeGreaterThan(burned.incentive)
    expect(burned.rank?.of).toBe(4)
    expect(burned.burn.message).toMatch(new RegExp(`burner \\(uid ${burnerUid}\\)`))
    expect((await devSigner(eve.hotkey)).address).not.toBe(bob.address)

    // One incentive point at start and one per epoch, in time_series.
    const history = await client.call('miner.rewardsHistory', {})
    expect(history.length).toBeGreaterThanOrEqual(3)
    expect(history.every((h) => h.hotkey === bob.address)).toBe(true)
    expect(history[history.length - 1]!.incentive).toBe(burned.incentive)
    expect(history[history.length - 1]!.rank).toEqual(burned.rank)
    expect(engine.store.timeSeries.seriesNames()).toEqual(expect.arrayContaining(['miner.incentive', 'miner.emission_alpha', 'miner.rank']))

    const tray = await client.call('desktop.tray')
    expect(tray).toMatchObject({ minerRunning: true })
    expect(tray.lines.join('\n')).toMatch(/Incentive \d+\.\d\d %/)

    await client.call('miner.stop')
    expect(await client.call('miner.rewards')).toBeNull()
    expect((await client.call('desktop.tray')).state).toBe('stopped')
    void notices
  }, 90_000)
})
