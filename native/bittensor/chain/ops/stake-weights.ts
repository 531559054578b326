/**
 * The chain's stake weight of a hotkey from storage, for runtimes without the metagraph runtime
 * API: TotalHotkeyAlpha on the subnet and on root, ChildKeys/ParentKeys of the subnet and the
 * on-chain TaoWeight, combined as subtensor does (chain/stake-weight.ts).
 */
import type { ApiPromise } from '@polkadot/api'
import { readBigint, subtensorItem } from '../core/storage'
import { GENESIS_TAO_WEIGHT, inheritedStake, stakeWeight } from '../stake-weight'
import type { StakeWeight } from '../stake-weight'

const ROOT = 0

async function links(api: ApiPromise, item: 'childKeys' | 'parentKeys', hotkey: string, netuid: number): Promise<Array<{ proportion: bigint; other: string }>> {
  const f = subtensorItem(api, item)
  if (!f) return []
  const rows = ((await f(hotkey, netuid)) as { toJSON(): unknown }).toJSON() as Array<[number | string, string]>
  return rows.map(([p, other]) => ({ proportion: BigInt(p), other: String(other) }))
}

/** Reads TaoWeight once per call site; the runtime default when the item is missing. */
export async function readTaoWeight(api: ApiPromise): Promise<bigint> {
  return (await readBigint(api, 'taoWeight')) ?? GENESIS_TAO_WEIGHT
}

export async function readStakeWeight(api: ApiPromise, hotkey: string, netuid: number, taoWeight: bigint): Promise<StakeWeight> {
  const own = async (hk: string, on: number): Promise<bigint> => (await readBigint(api, 'totalHotkeyAlpha', hk, on)) ?? 0n
  const [children, parents] = await Promise.all([links(api, 'childKeys', hotkey, netuid), links(api, 'parentKeys', hotkey, netuid)])
  const inherit = async (on: number): Promise<bigint> =>
    inheritedStake(
      await own(hotkey, on),
      children,
      await Promise.all(parents.map(async (p) => ({ proportion: p.proportion, stake: await own(p.other, on) }))),
    )
  const [alpha, tao] = await Promise.all([inherit(netuid), inherit(ROOT)])
  return stakeWeight(alpha, tao, taoWeight)
}
