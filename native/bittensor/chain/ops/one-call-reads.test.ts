import { afterEach, describe, expect, it } from 'vitest'
import { DevnetNode, PRACTICE_NETUID } from '../../devnet'
import { ChainClient } from '../chain-client'
import type { ChainContext } from '../core/context'
import { devSigner } from '../../keys/dev-signer'
import { hyperparameters } from './subnets'
import { metagraph } from './neurons'
import { alphaPrice } from './stake'

const clients: ChainClient[] = []
const nodes: DevnetNode[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.release()
  for (const n of nodes.splice(0)) n.dispose()
})

async function setup() {
  const node = await DevnetNode.create({ tempo: 50 })
  nodes.push(node)
  const client = await ChainClient.connect({ network: 'devnet', devnet: node })
  clients.push(client)
  return { node, client }
}

type Section = Record<string, unknown>

/**
 * A context on the same node whose runtime call `section.method` (declared by the metadata) fails
 * the way a node without it, or a panicking runtime, answers. Counts how often it was asked.
 */
function withBrokenCall(client: ChainClient, section: string, method: string): { ctx: ChainContext; asked: () => number } {
  let asked = 0
  const broken = (): Promise<never> => {
    asked++
    return Promise.reject(new Error(`-32000: Client error: Execution failed: Runtime panicked: ${method}`))
  }
  const real = client.api.call as unknown as Record<string, Section>
  const call = new Proxy(real, { get: (t, s) => (s === section ? new Proxy(t[section]!, { get: (o, m) => (m === method ? broken : o[m as string]) }) : t[s as string]) })
  const api = new Proxy(client.api, { get: (t, p) => (p === 'call' ? call : Reflect.get(t, p, t)) })
  return { ctx: { network: client.network, endpoint: client.endpoint, api, store: undefined, storeKey: 'test' }, asked: () => asked }
}

describe('one-call reads with storage fallbacks', () => {
  it('reads the hyperparameters in one runtime call (get_subnet_hyperparams_v3) and gets what storage gives', async () => {
    const { node, client } = await setup()
    node.state.set('SubtensorModule', 'Yuma3On', [PRACTICE_NETUID], true)
    node.produceBlock()
    const viaApi = await hyperparameters(client, PRACTICE_NETUID)
    expect(viaApi.yuma3).toBe(true)
    // The same node, with the runtime API failing: the storage path answers the same values.
    const { ctx, asked } = withBrokenCall(client, 'subnetInfoRuntimeApi', 'getSubnetHyperparamsV3')
    const viaStorage = await hyperparameters(ctx, PRACTICE_NETUID)
    expect(asked()).toBe(1)
    expect(viaStorage).toEqual(viaApi)
  })

  it('falls back to storage reads when the node declares get_selective_metagraph but the call fails', async () => {
    const { client } = await setup()
    const bob = await devSigner('//Bob')
    await client.register(bob, PRACTICE_NETUID, (await devSigner('//Bob//hot')).address, 1_000_000_000n)
    const one = await metagraph(client, PRACTICE_NETUID)
    expect(one.source).toBe('runtime-api')
    const { ctx, asked } = withBrokenCall(client, 'subnetInfoRuntimeApi', 'getSelectiveMetagraph')
    const fallback = await metagraph(ctx, PRACTICE_NETUID)
    expect(asked()).toBe(1)
    expect(fallback.source).toBe('storage')
    expect(fallback.neurons.map((n) => [n.uid, n.hotkey, n.stake])).toEqual(one.neurons.map((n) => [n.uid, n.hotkey, n.stake]))
    expect(fallback.neurons.length).toBeGreaterThan(0)
  })

  it('reads validator trust beside the one-call metagraph, which has none (rpc_info/metagraph.rs:15 Metagraph has no validator_trust)', async () => {
    const { node, client } = await setup()
    const bob = await devSigner('//Bob')
    await client.register(bob, PRACTICE_NETUID, (await devSigner('//Bob//hot')).address, 1_000_000_000n)
    // What an epoch's Yuma writes (epoch/run_epoch.rs:519 ValidatorTrust::<T>::insert), as u16 per uid.
    const n = (await metagraph(client, PRACTICE_NETUID)).neurons.length
    node.state.set('SubtensorModule', 'ValidatorTrust', [PRACTICE_NETUID], Array.from({ length: n }, (_, uid) => (uid === n - 1 ? 49_151 : 0)))
    node.produceBlock()
    const one = await metagraph(client, PRACTICE_NETUID)
    expect(one.source).toBe('runtime-api')
    const { ctx } = withBrokenCall(client, 'subnetInfoRuntimeApi', 'getSelectiveMetagraph')
    const fallback = await metagraph(ctx, PRACTICE_NETUID)
    expect(one.neurons.map((n) => n.validatorTrust)).toEqual(fallback.neurons.map((n) => n.validatorTrust))
    expect(one.neurons.at(-1)!.validatorTrust).toBeCloseTo(49_151 / 65_535, 9)
  })

  it('reads the alpha price from SwapRuntimeApi.current_alpha_price, else computes it from storage as the swap pallet does', async () => {
    const { node, client } = await setup()
    expect(await alphaPrice(client.api, PRACTICE_NETUID)).toEqual({ rao: 1_000_000_000n, source: 'runtime-api' })
    const { api } = withBrokenCall(client, 'swapRuntimeApi', 'currentAlphaPrice').ctx
    // Mechanism 0 (the practice subnets): 1.0.
    expect(await alphaPrice(api, PRACTICE_NETUID)).toEqual({ rao: 1_000_000_000n, source: 'storage' })
    // Mechanism 1: the balancer price (w_base / w_quote) · SubnetTAO / SubnetAlphaIn; default weights ½/½.
    node.state.set('SubtensorModule', 'SubnetMechanism', [PRACTICE_NETUID], 1)
    node.state.set('SubtensorModule', 'SubnetTAO', [PRACTICE_NETUID], 300_000_000_000n)
    node.state.set('SubtensorModule', 'SubnetAlphaIn', [PRACTICE_NETUID], 1_000_000_000_000n)
    node.produceBlock()
    expect(await alphaPrice(api, PRACTICE_NETUID)).toEqual({ rao: 300_000_000n, source: 'storage' })
    // Quote weight 0.25: price = 3 · 0.3.
    node.state.set('Swap', 'SwapBalancer', [PRACTICE_NETUID], { quote: 250_000_000_000_000_000n })
    node.produceBlock()
    expect(await alphaPrice(api, PRACTICE_NETUID)).toEqual({ rao: 900_000_000n, source: 'storage' })
  })
})
