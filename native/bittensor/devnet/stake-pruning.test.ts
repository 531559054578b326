import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { KeyringPair } from '@polkadot/keyring/types'
import { afterEach, describe, expect, it } from 'vitest'
import { DevnetNode, PRACTICE_NETUID } from './node'
import { linkChildren } from './stake-weights'
import { startDevnetServer } from './ws-server'
import type { DevnetServer } from './ws-server'

/**
 * The practice network seen by a plain @polkadot/api client over WebSocket (none of TaoDesk's
 * chain code), checked against subtensor 14bc6f9f:
 * - stake weights: `staking/stake_utils.rs:205-229` (total = alpha + TaoWeight·tao), `:313-379`
 *   (root TAO inherited through ParentKeys/ChildKeys), `:381-452` (alpha inherited), TaoWeight
 *   normalised by u64::MAX in U96F32 (`:160-170`); the live value 0.18 (`migrations/migrate_rao.rs:64`);
 * - `get_metagraph` (`rpc_info/metagraph.rs:640-800`): pruning_score, trust and rank empty
 *   (`:751,772-773`), stake vectors from `get_stake_weights_for_network` (`:775-786`);
 *   `get_selective_metagraph` (`:543-621,841`): Some only for requested indexes;
 * - pruning: `subnets/registration.rs:280-356` (`get_neuron_to_prune`), `:237-276` (owner immortals,
 *   `ImmuneOwnerUidsLimit` default 1, `lib.rs:2243`), `MinNonImmuneUids` default 10 (`lib.rs:1105`),
 *   immunity `utils/misc.rs:545-550`;
 * - `add_stake_limit`/`remove_stake_limit` (`staking/add_stake.rs:115-189`, `remove_stake.rs:326-407`,
 *   fixed-price branch of `get_max_amount_add`/`_remove`: limit ≥ 1e9 / ≤ 1e9 is unlimited, else 0).
 */
const RAO = 1_000_000_000n
const U64_MAX = (1n << 64n) - 1n
let node: DevnetNode | undefined
let server: DevnetServer | undefined
let api: ApiPromise | undefined
afterEach(async () => {
  await api?.disconnect()
  await server?.close()
  node?.dispose()
  api = server = node = undefined
})

async function connect(options: Parameters<typeof DevnetNode.create>[0] = {}): Promise<{ node: DevnetNode; api: ApiPromise; keys: Keyring }> {
  node = await DevnetNode.create({ tempo: 1000, ...options })
  server = await startDevnetServer(node, { port: 0, host: '127.0.0.1' })
  api = await ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${server.port}`), noInitWarn: true })
  return { node, api, keys: new Keyring({ type: 'sr25519', ss58Format: 42 }) }
}

/** Signs, submits and waits for inclusion; resolves to the module error name, or null on success. */
async function send(a: ApiPromise, tx: SubmittableExtrinsic<'promise'>, signer: KeyringPair): Promise<string | null> {
  return new Promise((resolve, reject) => {
    void tx
      .signAndSend(signer, ({ status, dispatchError }) => {
        if (!status.isInBlock && !status.isFinalized) return
        if (!dispatchError) return resolve(null)
        resolve(dispatchError.isModule ? a.registry.findMetaError(dispatchError.asModule).name : dispatchError.toString())
      })
      .catch(reject)
  })
}

type MetagraphJson = Record<string, unknown> & { hotkeys: string[]; alphaStake: number[]; taoStake: number[]; totalStake: number[]; pruningScore: unknown[]; trust: unknown[]; rank: unknown[] }

async function metagraph(a: ApiPromise, netuid: number): Promise<MetagraphJson> {
  const call = a.call.subnetInfoRuntimeApi!.getMetagraph!
  return ((await call(netuid)) as unknown as { unwrap(): { toJSON(): unknown } }).unwrap().toJSON() as MetagraphJson
}

describe('practice network: stake weights, get_metagraph, pruning and limit orders (plain @polkadot/api)', () => {
  it('counts root TAO at the chain TaoWeight (0.18) in get_metagraph total_stake, and inherited stake through child keys', async () => {
    const { node, api: a, keys } = await connect()
    const alice = keys.addFromUri('//Alice')
    const bob = keys.addFromUri('//Bob')
    const charlie = keys.addFromUri('//Charlie')
    const [vali, child] = [keys.addFromUri('//vali'), keys.addFromUri('//child')]
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, vali.address), bob)).toBeNull()
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, child.address), charlie)).toBeNull()
    // 100 alpha on the subnet, 900 TAO on root (netuid 0): 90 % root.
    expect(await send(a, a.tx.subtensorModule.addStake!(vali.address, PRACTICE_NETUID, 100n * RAO), bob)).toBeNull()
    expect(await send(a, a.tx.subtensorModule.addStake!(vali.address, 0, 900n * RAO), bob)).toBeNull()
    expect(((await a.query.subtensorModule.taoWeight!()) as unknown as { toBigInt(): bigint }).toBigInt()).toBe(3_320_413_933_267_719_290n)

    let mg = await metagraph(a, PRACTICE_NETUID)
    const v = mg.hotkeys.indexOf(vali.address)
    const alphaVali = BigInt(mg.alphaStake[v]!)
    expect(alphaVali).toBe(100n * RAO)
    expect(BigInt(mg.taoStake[v]!)).toBe(900n * RAO) // not multiplied by TaoWeight (metagraph.rs:775-786)
    // alpha + floor(tao · tw) with tw = floor(TaoWeight·2^32 / u64::MAX) / 2^32 (U96F32).
    const tw32 = (3_320_413_933_267_719_290n << 32n) / U64_MAX
    expect(BigInt(mg.totalStake[v]!)).toBe(100n * RAO + (900n * RAO * tw32) / (1n << 32n))
    expect(Number(mg.totalStake[v]!) / 1e9).toBeCloseTo(100 + 0.18 * 900, 3)
    // Deprecated vectors are empty, not length n (metagraph.rs:751,772-773).
    expect(mg.pruningScore).toEqual([])
    expect(mg.trust).toEqual([])
    expect(mg.rank).toEqual([])
    expect(mg.hotkeys.length).toBe(Number(mg.numUids))

    // A quarter of vali's stake flows to its child on this subnet, alpha and root TAO alike (stake_utils.rs:313-452).
    linkChildren(node.state, vali.address, PRACTICE_NETUID, [{ proportion: U64_MAX / 4n, child: child.address }])
    node.produceBlock()
    mg = await metagraph(a, PRACTICE_NETUID)
    const c = mg.hotkeys.indexOf(child.address)
    const p32 = ((U64_MAX / 4n) << 32n) / U64_MAX
    const give = (x: bigint): bigint => (x * p32) >> 32n
    // The parent keeps floor(own − own·p) in U96F32, i.e. own − ceil(own·p) (stake_utils.rs:442-444).
    const keep = (x: bigint): bigint => ((x << 32n) - x * p32) >> 32n
    expect(BigInt(mg.alphaStake[v]!)).toBe(keep(100n * RAO))
    expect(BigInt(mg.alphaStake[c]!)).toBe(give(100n * RAO))
    expect(BigInt(mg.taoStake[c]!)).toBe(give(900n * RAO))
    void alice
  })

  it('get_selective_metagraph returns Some only for the requested indexes (67-69 the stake vectors)', async () => {
    const { api: a, keys } = await connect()
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, keys.addFromUri('//m').address), keys.addFromUri('//Bob'))).toBeNull()
    const call = a.call.subnetInfoRuntimeApi!.getSelectiveMetagraph!
    const sel = ((await call(PRACTICE_NETUID, [52, 69])) as unknown as { unwrap(): { toJSON(): Record<string, unknown> } }).unwrap().toJSON()
    expect(sel.netuid).toBe(PRACTICE_NETUID)
    expect(sel.hotkeys).toEqual([keys.addFromUri('//m').address])
    expect(sel.totalStake).toEqual([0])
    expect(sel.alphaStake).toBeNull()
    expect(sel.rank).toBeNull()
    expect(((await a.call.subnetInfoRuntimeApi!.getMetagraph!(99)) as unknown as { isNone: boolean }).isNone).toBe(true)
  })

  it('prunes an immune newcomer while non-immune uids are not above MinNonImmuneUids, and never the owner hotkey', async () => {
    const { node, api: a, keys } = await connect({ tempo: 1000 })
    const bob = keys.addFromUri('//Bob')
    const alice = keys.addFromUri('//Alice')
    const S = 'SubtensorModule'
    node.state.set(S, 'MaxAllowedUids', [PRACTICE_NETUID], 4)
    node.state.set(S, 'ImmunityPeriod', [PRACTICE_NETUID], 10)
    node.state.set(S, 'MaxRegistrationsPerBlock', [PRACTICE_NETUID], 100)
    expect(((await a.query.subtensorModule.minNonImmuneUids!(PRACTICE_NETUID)) as unknown as { toNumber(): number }).toNumber()).toBe(10)
    // uid 0: the subnet owner hotkey (Alice); uids 1-2 old, uid 3 fresh.
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, alice.address), alice)).toBeNull()
    for (const name of ['old1', 'old2']) expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, keys.addFromUri(`//${name}`).address), bob)).toBeNull()
    node.produceBlocks(20)
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, keys.addFromUri('//fresh').address), bob)).toBeNull()
    // Emission: the owner and the fresh uid have none; the old ones earn.
    node.state.set(S, 'Emission', [PRACTICE_NETUID], [0n, 5n, 7n, 0n])
    node.produceBlock()
    // Two non-immune uids, not > MinNonImmuneUids (10): the immune newcomer (uid 3) goes, not old1.
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, keys.addFromUri('//next').address), bob)).toBeNull()
    const uidOf = async (name: string): Promise<unknown> => ((await a.query.subtensorModule.uids!(PRACTICE_NETUID, keys.addFromUri(`//${name}`).address)) as unknown as { toJSON(): unknown }).toJSON()
    expect(await uidOf('next')).toBe(3)
    expect(await uidOf('fresh')).toBeNull()
    expect(await uidOf('old1')).toBe(1)
    // With the floor at 1, the lowest-emission non-immune uid (old1, emission 5) goes; the owner (emission 0) never.
    node.state.set(S, 'MinNonImmuneUids', [PRACTICE_NETUID], 1)
    node.state.set(S, 'Emission', [PRACTICE_NETUID], [0n, 5n, 7n, 9n])
    node.produceBlock()
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, keys.addFromUri('//later').address), bob)).toBeNull()
    expect(await uidOf('later')).toBe(1)
    expect(await uidOf('Alice')).toBe(0)
  })

  it('add_stake_limit / remove_stake_limit: fill-or-kill refuses a limit the price has passed; allow_partial executes what fits', async () => {
    const { api: a, keys } = await connect()
    const bob = keys.addFromUri('//Bob')
    const hk = keys.addFromUri('//limit-hk')
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, hk.address), bob)).toBeNull()
    const price = ((await a.call.swapRuntimeApi!.currentAlphaPrice!(PRACTICE_NETUID)) as unknown as { toBigInt(): bigint }).toBigInt()
    expect(price).toBe(RAO)
    const tx = a.tx.subtensorModule
    expect(await send(a, tx.addStakeLimit!(hk.address, PRACTICE_NETUID, 10n * RAO, price - 1n, false), bob)).toBe('SlippageTooHigh')
    expect(await send(a, tx.addStakeLimit!(hk.address, PRACTICE_NETUID, 10n * RAO, price - 1n, true), bob)).toBe('AmountTooLow')
    expect(await send(a, tx.addStakeLimit!(hk.address, PRACTICE_NETUID, 10n * RAO, (price * 1005n) / 1000n, false), bob)).toBeNull()
    expect(await send(a, tx.removeStakeLimit!(hk.address, PRACTICE_NETUID, 4n * RAO, price + 1n, false), bob)).toBe('SlippageTooHigh')
    expect(await send(a, tx.removeStakeLimit!(hk.address, PRACTICE_NETUID, 4n * RAO, (price * 995n) / 1000n, false), bob)).toBeNull()
    const stake = (await a.query.subtensorModule.totalHotkeyAlpha!(hk.address, PRACTICE_NETUID)) as unknown as { toBigInt(): bigint }
    expect(stake.toBigInt()).toBe(6n * RAO)
  })

  it('minimum stake: DefaultMinStake 2 000 000 rao (runtime/src/lib.rs:1002, stake_utils.rs:1071-1085); an unstake leaving alpha behind must be worth that much, a full exit never is refused (stake_utils.rs:1148-1165)', async () => {
    const { api: a, keys } = await connect()
    const bob = keys.addFromUri('//Bob')
    const hk = keys.addFromUri('//min-stake-hk')
    expect(await send(a, a.tx.subtensorModule.burnedRegister!(PRACTICE_NETUID, hk.address), bob)).toBeNull()
    const tx = a.tx.subtensorModule
    expect(await send(a, tx.addStake!(hk.address, PRACTICE_NETUID, 1_999_999n), bob)).toBe('AmountTooLow')
    expect(await send(a, tx.addStakeLimit!(hk.address, PRACTICE_NETUID, 1_999_999n, RAO, false), bob)).toBe('AmountTooLow')
    expect(await send(a, tx.addStake!(hk.address, PRACTICE_NETUID, 3_000_000n), bob)).toBeNull()
    const held = async (): Promise<bigint> => ((await a.query.subtensorModule.totalHotkeyAlpha!(hk.address, PRACTICE_NETUID)) as unknown as { toBigInt(): bigint }).toBigInt()
    const before = await held()
    // 1 999 999 alpha out (1:1 in TAO) with alpha left behind: refused; 2 000 000 goes.
    expect(await send(a, tx.removeStake!(hk.address, PRACTICE_NETUID, 1_999_999n), bob)).toBe('AmountTooLow')
    expect(await send(a, tx.removeStake!(hk.address, PRACTICE_NETUID, 2_000_000n), bob)).toBeNull()
    expect(await held()).toBe(before - 2_000_000n)
    // The rest, below the minimum, leaves as a whole position.
    expect(await send(a, tx.removeStake!(hk.address, PRACTICE_NETUID, before - 2_000_000n), bob)).toBeNull()
    expect(await held()).toBe(0n)
  })
})

/*
 * Alpha price and hyperparameter runtime APIs, against subtensor 14bc6f9f:
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
type Num = { toBigInt(): bigint; toNumber(): number }

describe('practice network: alpha price and hyperparameters in one call (plain @polkadot/api)', () => {
  it('prices alpha at 1.0 (1e9 rao per alpha) on a mechanism-0 subnet, as storage says', async () => {
    const { api: a } = await connect()
    expect(((await a.query.subtensorModule.subnetMechanism!(PRACTICE_NETUID)) as unknown as Num).toNumber()).toBe(0)
    expect(((await a.call.swapRuntimeApi!.currentAlphaPrice!(PRACTICE_NETUID)) as unknown as Num).toBigInt()).toBe(RAO)
  })

  it('answers get_subnet_hyperparams_v3 with the named values storage holds, and _v2 with the same', async () => {
    const { node: n, api: a } = await connect()
    n.state.set('SubtensorModule', 'Yuma3On', [PRACTICE_NETUID], true)
    n.state.set('SubtensorModule', 'AlphaValues', [PRACTICE_NETUID], [45875, 58982])
    n.produceBlock()
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
