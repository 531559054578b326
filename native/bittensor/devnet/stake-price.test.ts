import { ApiPromise, WsProvider } from '@polkadot/api'
import { afterEach, describe, expect, it } from 'vitest'
import { DevnetNode, PRACTICE_NETUID } from './node'
import { startDevnetServer } from './ws-server'
import type { DevnetServer } from './ws-server'

/**
 * The practice network's alpha price and hyperparameter runtime APIs as a plain @polkadot/api client
 * sees them (none of TaoDesk's chain code), against subtensor 14bc6f9f:
 * - price: `SwapRuntimeApi_current_alpha_price` is `current_price · 1e9` (`runtime/src/lib.rs:2652-2656`),
 *   and `current_price` is 1 for every mechanism but 1 (`pallets/swap/src/pallet/impls.rs:21-35`). The
 *   practice chain swaps 1:1, so its subnets must say mechanism 0, or a client computing the price from
 *   storage (mechanism 1: the balancer price of SubnetTAO / SubnetAlphaIn) would get another number;
 * - limit orders in that unit: `get_max_amount_add` is unlimited for `limit_price ≥ 1e9`, else 0
 *   (`staking/add_stake.rs:166-180`); `get_max_amount_remove` unlimited for `≤ 1e9` (`remove_stake.rs:385-397`);
 * - `get_subnet_hyperparams_v3`: `Option<Vec<HyperparamEntry { name: Vec<u8>, value: HyperparamValue }>>`,
 *   names and values as `rpc_info/subnet_info.rs:468-640` builds them (yuma_version 3 or 2, alpha_low/high
 *   from AlphaValues); `_v2` the struct of `:88-124`.
 */
const RAO = 1_000_000_000n
let node: DevnetNode | undefined
let server: DevnetServer | undefined
let api: ApiPromise | undefined
afterEach(async () => {
  await api?.disconnect()
  await server?.close()
  node?.dispose()
  api = server = node = undefined
})

async function connect(): Promise<ApiPromise> {
  node = await DevnetNode.create({ tempo: 100 })
  server = await startDevnetServer(node, { port: 0, host: '127.0.0.1' })
  api = await ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${server.port}`), noInitWarn: true })
  return api
}

type Num = { toBigInt(): bigint; toNumber(): number }

describe('practice network: alpha price and hyperparameters in one call (plain @polkadot/api)', () => {
  it('prices alpha at 1.0 (1e9 rao per alpha) on a mechanism-0 subnet, as storage says', async () => {
    const a = await connect()
    expect(((await a.query.subtensorModule.subnetMechanism!(PRACTICE_NETUID)) as unknown as Num).toNumber()).toBe(0)
    expect(((await a.call.swapRuntimeApi!.currentAlphaPrice!(PRACTICE_NETUID)) as unknown as Num).toBigInt()).toBe(RAO)
  })

  it('answers get_subnet_hyperparams_v3 with the named values storage holds, and _v2 with the same', async () => {
    const a = await connect()
    node!.state.set('SubtensorModule', 'Yuma3On', [PRACTICE_NETUID], true)
    node!.state.set('SubtensorModule', 'AlphaValues', [PRACTICE_NETUID], [45875, 58982])
    node!.produceBlock()
    const q = a.query.subtensorModule
    const v3 = (await a.call.subnetInfoRuntimeApi!.getSubnetHyperparamsV3!(PRACTICE_NETUID)) as unknown as {
      unwrap(): Array<{ name: { toUtf8(): string }; value: { type: string; value: { toString(): string } } }>
    }
    const named = new Map(v3.unwrap().map((e) => [e.name.toUtf8(), `${e.value.type}:${e.value.value.toString()}`]))
    const storage = async (item: string): Promise<string> => ((await q[item]!(PRACTICE_NETUID)) as unknown as { toString(): string }).toString()
    expect(named.get('tempo')).toBe(`U16:${await storage('tempo')}`)
    expect(named.get('max_weights_limit')).toBe(`U16:${await storage('maxWeightsLimit')}`)
    expect(named.get('weights_rate_limit')).toBe(`U64:${await storage('weightsSetRateLimit')}`)
    expect(named.get('min_burn')).toBe(`TaoBalance:${await storage('minBurn')}`)
    expect(named.get('commit_reveal_weights_enabled')).toBe(`Bool:${await storage('commitRevealWeightsEnabled')}`)
    expect(named.get('commit_reveal_period')).toBe(`U64:${await storage('revealPeriodEpochs')}`)
    expect(named.get('yuma_version')).toBe('U16:3')
    expect([named.get('alpha_low'), named.get('alpha_high')]).toEqual(['U16:45875', 'U16:58982'])
    expect(named.get('user_liquidity_enabled')).toBe('Bool:false')
    expect([...named.keys()].slice(0, 5)).toEqual(['kappa', 'immunity_period', 'min_allowed_weights', 'max_weights_limit', 'tempo'])

    const v2 = ((await a.call.subnetInfoRuntimeApi!.getSubnetHyperparamsV2!(PRACTICE_NETUID)) as unknown as { unwrap(): { toJSON(): Record<string, unknown> } }).unwrap().toJSON()
    expect(v2).toMatchObject({ tempo: Number(await storage('tempo')), yumaVersion: 3, alphaLow: 45875, userLiquidityEnabled: false })
    expect(((await a.call.subnetInfoRuntimeApi!.getSubnetHyperparamsV3!(99)) as unknown as { isNone: boolean }).isNone).toBe(true)
  })
})
