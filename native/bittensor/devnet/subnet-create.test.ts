import { afterEach, describe, expect, it } from 'vitest'
import { ChainClient, ChainError } from '../chain/chain-client'
import { emissionStarted, networkLockInfo, registerNetwork, startCall } from '../chain/ops/register-network'
import { ownerHyperparameter, setOwnerHyperparameter } from '../chain/ops/owner-hyperparams'
import { devSigner } from '../keys/dev-signer'
import { protocolCompatibility } from '../../protocols/text-embedding/identity'
import { DevnetNode } from './node'

/**
 * Subnet creation as subtensor 14bc6f9f runs it:
 *  - register_network / register_network_with_identity (`macros/dispatches.rs:1206`, `:1409-1415`) ->
 *    `do_register_network` (`subnets/subnet.rs:115-299`): NonAssociatedColdKey :122-127, rate limit
 *    :146-150 with NetworkRateLimit (`utils/rate_limiting.rs:29`, first one always passes :65-68),
 *    CannotAffordLockCost :169-174, next netuid :183-186 (`get_next_netuid` :56-65, lowest free from 1),
 *    lock remembered :194-196, owner hotkey appended :199-200, identity :255-262, NetworkAdded :275.
 *  - `get_network_lock_cost` (`coinbase/root.rs:502-532`): last lock x2 after a registration,
 *    falling by last/NetworkLockReductionInterval per block, floored at NetworkMinLockCost.
 *  - start_call (`dispatches.rs:1794`, `subnet.rs:374-399`): owner only (BadOrigin, `utils/misc.rs:25-35`),
 *    once (FirstEmissionBlockNumberAlreadySet); emission only for started subnets
 *    (`coinbase/subnet_emissions.rs:21-27`).
 *  - owner hyperparameters (admin-utils `lib.rs:457-483` immunity, ...): owner or root, rate-limited per
 *    hyperparameter to OwnerHyperparamRateLimit (2) tempos (`rate_limiting.rs:44-47`), refused in the
 *    freeze window (`utils/misc.rs:59-81`); sudo_set_tempo is root-only (`lib.rs:982-983`), owners use
 *    set_tempo (`tempo_control.rs:12-33`, 360..=50400, TempoOutOfBounds).
 */
const nodes: DevnetNode[] = []
const clients: ChainClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.release()
  for (const n of nodes.splice(0)) n.dispose()
})

const IDENTITY = {
  name: 'My embeddings',
  githubRepo: 'https://github.com/example/embed',
  contact: '',
  url: '',
  discord: '',
  description: 'An embedding subnet',
  logoUrl: '',
  additional: 'protocol=openkaito-text-embedding/1; wire=v10,btauth',
}
const TAO = 1_000_000_000n

async function setup(tempo = 20) {
  const node = await DevnetNode.create({ tempo })
  nodes.push(node)
  const client = await ChainClient.connect({ network: 'devnet', devnet: node })
  clients.push(client)
  return { node, client, alice: await devSigner('//Alice'), bob: await devSigner('//Bob'), charlie: await devSigner('//Charlie') }
}

async function code(p: Promise<unknown>): Promise<string> {
  const error = await p.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ChainError)
  return (error as ChainError).code
}

describe('creating a subnet on the practice network', () => {
  it('locks the current cost, takes the lowest free netuid, stores the identity and makes the owner hotkey uid 0', async () => {
    const { client, node, bob, charlie } = await setup()
    const before = await networkLockInfo(client)
    // Nothing registered yet: the lock is the last lock (= the minimum, 1000 TAO at genesis), allowed now.
    expect(before.lockRao).toBe(1000n * TAO)
    expect(before.blocksUntilAllowed).toBe(0)
    const free0 = await client.balance(bob.address)
    const r = await registerNetwork(client, bob, charlie.address, IDENTITY, 1000n * TAO)
    expect(r.netuid).toBe(1)
    expect(r.events.some((e) => e.method === 'NetworkAdded')).toBe(true)
    expect(r.events.some((e) => e.method === 'SubnetIdentitySet')).toBe(true)
    const paid = free0 - (await client.balance(bob.address))
    expect(paid > 1000n * TAO && paid < 1001n * TAO).toBe(true) // the lock plus the fee
    const identity = await client.subnetIdentity(1)
    expect(protocolCompatibility(identity).verdict).toBe('speaks')
    expect(await client.uidOf(1, charlie.address)).toBe(0)
    expect(node.state.get('SubtensorModule', 'SubnetOwner', 1).toString()).toBe(bob.address)
    expect(await emissionStarted(client, 1)).toBe(false)
    // The next lock is twice the last, falling linearly (root.rs:510-517).
    const after = await networkLockInfo(client)
    expect(after.lockRao).toBe(2000n * TAO - (1000n * TAO / 100_800n) * BigInt(after.block - r.blockNumber))
    expect(after.blocksUntilAllowed).toBeGreaterThan(0)
  })

  it('refuses a second subnet inside NetworkRateLimit, a lock above the maximum, and a hotkey of another coldkey', async () => {
    const { client, node, alice, bob, charlie } = await setup()
    expect(await code(registerNetwork(client, bob, charlie.address, IDENTITY, 999n * TAO))).toBe('Client.PriceAboveMaximum')
    await registerNetwork(client, bob, charlie.address, IDENTITY, 1000n * TAO)
    // The client refuses before signing; the chain refuses too (submitted raw).
    expect(await code(registerNetwork(client, alice, alice.address, IDENTITY, 5000n * TAO))).toBe('SubtensorModule.NetworkTxRateLimitExceeded')
    expect(await code(client.submit(client.api.tx.subtensorModule.registerNetwork!(alice.address), alice))).toBe('SubtensorModule.NetworkTxRateLimitExceeded')
    // Root lowers NetworkRateLimit (sudo_set_network_rate_limit, admin-utils lib.rs:967-971) so the test need not wait 7200 blocks.
    node.state.set('SubtensorModule', 'NetworkRateLimit', [], 5)
    node.produceBlocks(5)
    // Charlie's hotkey belongs to Bob now (NonAssociatedColdKey).
    expect(await code(client.submit(client.api.tx.subtensorModule.registerNetwork!(charlie.address), alice))).toBe('SubtensorModule.NonAssociatedColdKey')
    const r = await registerNetwork(client, alice, alice.address, IDENTITY, 5000n * TAO)
    expect(r.netuid).toBe(2)
  }, 60_000)

  it('pays no emission until the owner makes start_call, which only the owner can make, once', async () => {
    const { client, node, bob, charlie, alice } = await setup()
    const { netuid } = await registerNetwork(client, bob, charlie.address, IDENTITY, 1000n * TAO)
    node.produceBlocks(3)
    expect(node.runtime.state.u64('SubtensorModule', 'SubnetAlphaOut', netuid)).toBe(0n)
    expect(await code(startCall(client, alice, netuid))).toBe('Dispatch.Other')
    const r = await startCall(client, bob, netuid)
    expect(r.events.some((e) => e.method === 'FirstEmissionBlockNumberSet')).toBe(true)
    expect(await emissionStarted(client, netuid)).toBe(true)
    node.produceBlocks(2)
    expect(node.runtime.state.u64('SubtensorModule', 'SubnetAlphaOut', netuid)).toBeGreaterThan(0n)
    expect(await code(startCall(client, bob, netuid))).toBe('SubtensorModule.FirstEmissionBlockNumberAlreadySet')
  })

  it('lets the owner set owner hyperparameters, once per two tempos each, never in the freeze window; root-only calls are BadOrigin', async () => {
    const { client, node, bob, charlie, alice } = await setup(40)
    const { netuid } = await registerNetwork(client, bob, charlie.address, IDENTITY, 1000n * TAO)
    const immunity = ownerHyperparameter('immunityPeriod')!
    const openWindow = async () => {
      // Out of the last AdminFreezeWindow (10) blocks before the next epoch.
      while ((await client.epochTiming(netuid)).blocksUntilNextEpoch <= 11) node.produceBlocks(1)
    }
    await openWindow()
    expect(await code(setOwnerHyperparameter(client, alice, netuid, immunity, 100))).toBe('Dispatch.Other')
    await setOwnerHyperparameter(client, bob, netuid, immunity, 100)
    expect(node.state.num('SubtensorModule', 'ImmunityPeriod', netuid)).toBe(100)
    await openWindow()
    expect(await code(setOwnerHyperparameter(client, bob, netuid, immunity, 200))).toBe('SubtensorModule.TxRateLimitExceeded')
    // Another hyperparameter has its own limit.
    await setOwnerHyperparameter(client, bob, netuid, ownerHyperparameter('commitReveal')!, true)
    expect(node.state.bool('SubtensorModule', 'CommitRevealWeightsEnabled', netuid)).toBe(true)
    expect(await code(setOwnerHyperparameter(client, bob, netuid, ownerHyperparameter('tempo')!, 100))).toBe('SubtensorModule.TempoOutOfBounds')
    expect(await code(client.submit(client.api.tx.adminUtils!.sudoSetTempo!(netuid, 100), bob))).toBe('Dispatch.Other')
    // The freeze window.
    while ((await client.epochTiming(netuid)).blocksUntilNextEpoch > 5) node.produceBlocks(1)
    expect(await code(setOwnerHyperparameter(client, bob, netuid, ownerHyperparameter('minAllowedWeights')!, 2))).toBe('SubtensorModule.AdminActionProhibitedDuringWeightsWindow')
  }, 60_000)
})
