/**
 * chain.subnetCost and chain.createSubnet on the practice network: the cost and fee, refusals
 * before signing (lock above the maximum, too little TAO) in plain words, then register_network
 * with an identity declaring the text-embedding protocol and start_call, reported step by step.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { EventName, SubnetCreationProgress } from '../../contract'
import { formatTao } from '../../contract'
import { createLogger } from '../../platform/logging'
import { SettingsService } from '../../platform/settings'
import { emissionStarted } from '../../bittensor/chain'
import { protocolCompatibility } from '../../protocols/text-embedding/identity'
import { serviceHarness } from '../wallet/test-support/service-harness'
import { ChainService } from './chain-service'
import { createSubnetCreation } from './subnet-creation'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('creating a subnet through the engine contract', () => {
  it('shows the cost, refuses what cannot work, then creates a subnet that declares the protocol and starts emission', async () => {
    const h = serviceHarness({ opslimit: 3, memlimit: 1024 * 1024 })
    cleanups.push(() => h.close())
    const log = createLogger(() => undefined, 'chain')
    const settings = new SettingsService(h.store, log, () => undefined)
    const events: Array<{ name: EventName; payload: unknown }> = []
    const fire = (name: EventName, payload: unknown): void => void events.push({ name, payload })
    const chain = new ChainService({ store: h.store, log, fire, settings: () => settings.get(), updateSettings: (p) => settings.update(p), wallet: h.service, practice: { blockTimeMs: 0, port: null } })
    cleanups.push(() => chain.dispose())
    await chain.setNetwork('devnet')
    const handlers = createSubnetCreation({ chain, wallet: h.service, log, fire })
    const ctx = { transport: 'inproc' as const, peer: 't' }

    const created = await h.service.create({ name: 'owner', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })
    await h.service.unlock({ name: 'owner', password: 'Tr1cky pass!', minutes: 5 })
    const cost = await handlers['chain.subnetCost']({ wallet: 'owner' }, ctx)
    expect(BigInt(cost.lockRao)).toBeGreaterThan(0n)
    expect(cost.feeRao).not.toBeNull()
    expect(cost.declaration).toMatch(/^protocol=/)

    const params = { wallet: 'owner', hotkey: 'default', maxLockTao: formatTao(BigInt(cost.lockRao) * 2n), identity: { name: 'Acme embeddings', githubRepo: '', contact: '', url: '', description: '' }, startEmission: true }
    await expect(Promise.resolve(handlers['chain.createSubnet']({ ...params, maxLockTao: '0.000000001' }, ctx))).rejects.toThrow(/above your maximum of 0\.000000001 TAO\. Raise the maximum or wait/)
    await expect(Promise.resolve(handlers['chain.createSubnet'](params, ctx))).rejects.toThrow(/holds 0 TAO; creating a subnet locks .* Use "Get practice TAO" to fund it\./)

    const client = await chain.client()
    // More than the node's 1,000 TAO a request (devnet/node.ts faucetMax): the client asks in several requests.
    const funding = BigInt(cost.lockRao) + 10n ** 9n
    expect(funding).toBeGreaterThan(10n ** 12n)
    await client.devnetFaucet(created.wallet.coldkey.address!, funding)
    expect(await client.balance(created.wallet.coldkey.address!)).toBe(funding)
    const { operationId } = await handlers['chain.createSubnet'](params, ctx)
    const progress = (): SubnetCreationProgress[] => events.filter((e) => e.name === 'chain.subnetCreation').map((e) => e.payload as SubnetCreationProgress)
    const start = Date.now()
    while (!progress().some((p) => p.done) && Date.now() - start < 30_000) await new Promise((r) => setTimeout(r, 20))
    const steps = progress()
    const last = steps.at(-1)!
    expect(last).toMatchObject({ operationId, step: 'startCall', stage: 'finalized', done: true, error: null })
    expect(steps.some((p) => p.step === 'register' && p.stage === 'finalized' && p.netuid === last.netuid)).toBe(true)
    expect(protocolCompatibility(await client.subnetIdentity(last.netuid!)).verdict).toBe('speaks')
    expect((await client.subnetIdentity(last.netuid!))?.name).toBe('Acme embeddings')
    expect(await emissionStarted(client, last.netuid!)).toBe(true)
  }, 60_000)
})
