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

    // Loopback is rejected by the chain with its own error name; a public address is accepted.
    const bad = await cli(['chain', 'serve-axon', ...base, '--hotkey-uri', '//Bob//miner', '--ip', '127.0.0.1', '--port', '8091'])
    expect(bad.code).toBe(1)
    expect((bad.json.error as { code: string }).code).toBe('SubtensorModule.InvalidIpAddress')
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
