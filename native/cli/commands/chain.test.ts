import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DevnetNode, startDevnetServer } from '../../bittensor/devnet'
import type { DevnetServer } from '../../bittensor/devnet'
import { runCli } from '../main'
import { captureIo } from '../../../test/support/capture-io'

async function cli(args: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  const c = captureIo({})
  const code = await runCli([...args, '--json'], c)
  const line = c.out().trim().split('\n').pop() ?? '{}'
  return { code, json: JSON.parse(line || '{}') as Record<string, unknown>, err: c.err() }
}

describe('done-when: the practice devnet from the CLI', () => {
  let node: DevnetNode
  let server: DevnetServer
  let url: string
  beforeAll(async () => {
    node = await DevnetNode.create({ tempo: 50, weightsRateLimit: 2 })
    server = await startDevnetServer(node, { port: 0 })
    url = server.url
  })
  afterAll(async () => {
    node.dispose()
    await server.close()
  })

  it('registers a miner and a validator, serves an axon, sets weights, and pays incentive and dividends after a tempo', async () => {
    const base = ['--url', url, '--netuid', '5']
    const info = await cli(['chain', 'info', ...base])
    expect(info.code).toBe(0)
    expect(info.json.specVersion).toBe(424)

    const miner = await cli(['chain', 'register', ...base, '--uri', '//Bob', '--hotkey-uri', '//Bob//miner', '--max-price', '1'])
    expect(miner.code, miner.err + JSON.stringify(miner.json)).toBe(0)
    expect(miner.json.uid).toBe(0)
    const validator = await cli(['chain', 'register', ...base, '--uri', '//Charlie', '--hotkey-uri', '//Charlie//validator', '--max-price', '1'])
    expect(validator.code, validator.err).toBe(0)
    expect(validator.json.uid).toBe(1)

    // A price cap below the current burn is refused before anything is sent.
    const capped = await cli(['chain', 'register', ...base, '--uri', '//Dave', '--hotkey-uri', '//Dave//x', '--max-price', '0.0001'])
    expect(capped.code).toBe(1)
    expect((capped.json.error as { code: string }).code).toBe('Client.PriceAboveMaximum')

    // Loopback is refused by the node's pool (custom error 11, network-2026 §4); a public address is accepted.
    const bad = await cli(['chain', 'serve-axon', ...base, '--hotkey-uri', '//Bob//miner', '--ip', '127.0.0.1', '--port', '8091'])
    expect(bad.code).toBe(1)
    expect((bad.json.error as { code: string }).code).toBe('Pool.InvalidIpAddress')
    const axon = await cli(['chain', 'serve-axon', ...base, '--hotkey-uri', '//Bob//miner', '--ip', '203.0.113.7', '--port', '8091'])
    expect(axon.code, axon.err).toBe(0)
    expect(axon.json.skipped).toBe(false)
    const again = await cli(['chain', 'serve-axon', ...base, '--hotkey-uri', '//Bob//miner', '--ip', '203.0.113.7', '--port', '8091'])
    expect(again.json.skipped).toBe(true)

    // The validator needs stake and, from the next epoch, a validator permit.
    const stake = await cli(['chain', 'stake', ...base, '--uri', '//Charlie', '--hotkey-uri', '//Charlie//validator', '--amount', '1000'])
    expect(stake.code, stake.err).toBe(0)
    const noPermit = await cli(['chain', 'set-weights', ...base, '--hotkey-uri', '//Charlie//validator', '--weights', '0:1'])
    expect(noPermit.code).toBe(1)
    expect((noPermit.json.error as { code: string }).code).toBe('SubtensorModule.NeuronNoValidatorPermit')
    expect((await cli(['chain', 'advance', ...base, '--epoch'])).code).toBe(0)

    const weights = await cli(['chain', 'set-weights', ...base, '--hotkey-uri', '//Charlie//validator', '--weights', '0:1'])
    expect(weights.code, weights.err + JSON.stringify(weights.json)).toBe(0)
    expect(weights.json.mode).toBe('set')
    expect(weights.json.weights).toEqual([65535])

    const adv = await cli(['chain', 'advance', ...base, '--epoch'])
    expect(adv.code).toBe(0)

    const mg = await cli(['chain', 'metagraph', ...base])
    expect(mg.code).toBe(0)
    const neurons = mg.json.neurons as Array<{ uid: number; incentive: number; dividends: number; emission: number; axon: { ip: string; port: number; serving: boolean }; validatorPermit: boolean }>
    expect(mg.json.source).toBe('runtime-api')
    const m = neurons.find((n) => n.uid === 0)!
    const v = neurons.find((n) => n.uid === 1)!
    expect(m.incentive).toBeGreaterThan(0)
    expect(v.dividends).toBeGreaterThan(0)
    expect(m.emission).toBeGreaterThan(0)
    expect(v.validatorPermit).toBe(true)
    expect(m.axon).toMatchObject({ ip: '203.0.113.7', port: 8091, serving: true })
  }, 60_000)
})

describe('done-when (issue 13): the CLI refuses to register on a subnet that does not speak the embedding protocol', () => {
  let node: DevnetNode
  let server: DevnetServer
  let base: string[]
  beforeAll(async () => {
    node = await DevnetNode.create({ tempo: 50 })
    server = await startDevnetServer(node, { port: 0 })
    base = ['--url', server.url, '--netuid', '5']
  })
  afterAll(async () => {
    node.dispose()
    await server.close()
  })

  const subnet5 = async (): Promise<{ identity: { name: string; githubRepo: string } | null; protocol: { verdict: string; reason: string } }> => {
    const r = await cli(['chain', 'subnets', ...base])
    expect(r.code, r.err).toBe(0)
    return (r.json as unknown as Array<{ netuid: number; identity: { name: string; githubRepo: string } | null; protocol: { verdict: string; reason: string } }>).find((s) => s.netuid === 5)!
  }

  it('Hone identity: marked incompatible, register refused without --force and done with it; OpenKaito identity: no --force needed', async () => {
    expect((await subnet5()).protocol.verdict).toBe('speaks')

    // Only the owner (//Alice) may set it: subtensor utils/identity.rs:113-117.
    const notOwner = await cli(['chain', 'set-identity', ...base, '--uri', '//Bob', '--name', 'Hone', '--repo', 'manifold-inc/hone'])
    expect((notOwner.json.error as { code: string }).code).toBe('SubtensorModule.NotSubnetOwner')
    const hone = await cli(['chain', 'set-identity', ...base, '--uri', '//Alice', '--name', 'Hone', '--repo', 'https://github.com/manifold-inc/hone', '--description', 'ARC-AGI-2'])
    expect(hone.code, hone.err).toBe(0)
    const row = await subnet5()
    expect(row.identity).toMatchObject({ name: 'Hone', githubRepo: 'https://github.com/manifold-inc/hone' })
    expect(row.protocol.verdict).toBe('does-not')

    const refused = await cli(['chain', 'register', ...base, '--uri', '//Bob', '--hotkey-uri', '//Bob//m1', '--max-price', '1'])
    expect(refused.code).toBe(1)
    const error = refused.json.error as { code: string; message: string }
    expect(error.code).toBe('Client.SubnetProtocolMismatch')
    expect(error.message).toMatch(/runs Hone, a reasoning-benchmark subnet: its validators never ask for embeddings/)
    expect(error.message).toMatch(/--force/)
    const forced = await cli(['chain', 'register', ...base, '--uri', '//Bob', '--hotkey-uri', '//Bob//m1', '--max-price', '1', '--force'])
    expect(forced.code, forced.err + JSON.stringify(forced.json)).toBe(0)
    expect(forced.json.uid).toBe(0)

    const kaito = await cli(['chain', 'set-identity', ...base, '--uri', '//Alice', '--name', 'Embeddings', '--repo', 'https://github.com/OpenKaito/openkaito'])
    expect(kaito.code, kaito.err).toBe(0)
    expect((await subnet5()).protocol.verdict).toBe('speaks')
    const plain = await cli(['chain', 'register', ...base, '--uri', '//Charlie', '--hotkey-uri', '//Charlie//m2', '--max-price', '1'])
    expect(plain.code, plain.err + JSON.stringify(plain.json)).toBe(0)
    expect(plain.json.uid).toBe(1)
  }, 60_000)
})

describe('issue 12: chain set-weights on a commit-reveal subnet', () => {
  it('refuses before committing (nothing could reveal it) and says to run the validator', async () => {
    const node = await DevnetNode.create({ tempo: 50, commitReveal: true })
    const server = await startDevnetServer(node, { port: 0 })
    try {
      const base = ['--url', server.url, '--netuid', '5']
      // The subnet owner needs no permit, so only commit-reveal stands in the way.
      expect((await cli(['chain', 'register', ...base, '--uri', '//Alice', '--hotkey-uri', '//Alice', '--max-price', '1'])).code).toBe(0)
      const best = node.bestNumber
      const r = await cli(['chain', 'set-weights', ...base, '--hotkey-uri', '//Alice', '--weights', '0:1'])
      expect(r.code).toBe(1)
      const error = r.json.error as { code: string; message: string }
      expect(error.code).toBe('Client.CommitNeedsValidator')
      expect(error.message).toMatch(/nothing was sent.*taodesk validator start/s)
      expect(node.bestNumber).toBe(best)
      expect((await node.connectProvider().send('state_getStorage', [node.codec.key('SubtensorModule', 'WeightCommits', 5, DevnetNode.devAddress('Alice'))])) ?? null).toBeNull()
    } finally {
      node.dispose()
      await server.close()
    }
  }, 60_000)
})
