import { describe, expect, it } from 'vitest'
import { ChainClient } from '../../../bittensor/chain/chain-client'
import { devSigner } from '../../../bittensor/keys/dev-signer'
import type { ChainService } from '../../chain/chain-service'
import { DevnetNode } from '../../../bittensor/devnet'
import type { ValidatorStatus } from '../../../contract/validator'
import { createLogger } from '../../../platform/logging'
import { SafetyGateRegistry } from '../../updater/gate'
import type { WalletService } from '../../wallet'
import { Dendrite } from '../../../bittensor/wire/v10'
import { createValidatorRuntime, loadChainMetagraph } from './validator-runtime'

const status = (phase: ValidatorStatus['phase'], currentRoundId: number | null): ValidatorStatus => ({
  running: false,
  phase,
  progress: 0,
  detail: '',
  roundsCompleted: 0,
  currentRoundId,
  lastError: null,
  hotkey: null,
  hotkeyNote: '',
  netuid: 5,
  lastWeights: null,
  consensusCorrelation: null,
})

describe('validator runtime', () => {
  it('holds one update lease per round in progress and lets it go when the round ends', () => {
    const gate = new SafetyGateRegistry()
    const rt = createValidatorRuntime({ chain: {} as ChainService, wallet: {} as WalletService, log: createLogger(() => undefined, 'test'), safetyGate: gate, identity: () => ({ wallet: '', hotkey: 'default' }) })
    rt.onStatus(status('metagraph', null))
    expect(gate.leases().map((l) => l.reason)).toEqual(['round starting'])
    rt.onStatus(status('data', 7))
    rt.onStatus(status('querying', 7))
    expect(gate.leases()).toMatchObject([{ owner: 'validator', reason: 'round 7 in progress' }])
    rt.onStatus(status('waiting', null))
    expect(gate.busy).toBe(false)
    rt.onStatus(status('scoring', 8))
    rt.dispose()
    expect(gate.busy).toBe(false)
  })

  it('reads the chain metagraph by uid with serving axons, and the commit-reveal mode from the hyperparameters', async () => {
    const node = await DevnetNode.create({ commitReveal: true, extraSubnets: [{ netuid: 7 }] })
    const client = await ChainClient.connect({ network: 'devnet', devnet: node })
    try {
      const hot = await devSigner('//Bob//miner')
      await client.register(await devSigner('//Bob'), 5, hot.address, 10n ** 10n)
      await client.serveAxon(hot, 5, { ip: '203.0.113.5', port: 8091 })
      await client.register(await devSigner('//Dave'), 5, (await devSigner('//Dave//other')).address, 10n ** 10n)
      const mg = await loadChainMetagraph(client, 5)
      expect(mg.hotkeys).toEqual([hot.address, (await devSigner('//Dave//other')).address])
      expect(mg.axons).toEqual([{ ip: '203.0.113.5', port: 8091 }, { ip: '0.0.0.0', port: 0 }])
      expect(mg.hyperparameters).toMatchObject({ commitReveal: 'hash', tempo: 20, maxWeightLimit: expect.any(Number) })
      expect((await loadChainMetagraph(client, 7)).hyperparameters.commitReveal).toBe('off')
      await expect(loadChainMetagraph(client, 99)).rejects.toThrow()
    } finally {
      await client.release()
      node.dispose()
    }
  })
})

describe('dendrite address choice', () => {
  it('reaches axons published with its own external IP over loopback, all others as published', () => {
    const signer = { address: '5x', publicKey: new Uint8Array(32), sign: () => new Uint8Array(64) }
    const d = new Dendrite({ signer, externalIp: '203.0.113.7' })
    expect(d.connectHost('203.0.113.7')).toBe('127.0.0.1')
    expect(d.connectHost('198.51.100.1')).toBe('198.51.100.1')
    expect(new Dendrite({ signer, externalIp: '0.0.0.0' }).connectHost('0.0.0.0')).toBe('0.0.0.0')
    expect(new Dendrite({ signer }).connectHost('203.0.113.7')).toBe('203.0.113.7')
  })
})
