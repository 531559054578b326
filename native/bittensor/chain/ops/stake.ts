/** Stake: add_stake(_limit), remove_stake(_limit), the alpha price, and the stake a coldkey holds per (hotkey, netuid). */
import type { ApiPromise } from '@polkadot/api'
import type { Signer } from '../../keys/signer'
import { requireCall } from '../core/calls'
import type { ChainContext } from '../core/context'
import { ChainError } from '../core/errors'
import { isMissing, markMissing } from '../core/runtime-apis'
import { readBigint, readNumber } from '../core/storage'
import type { Extrinsic } from '../core/submit'
import { submit } from '../core/submit'
import type { TxResult, TxStatus } from '../types'

export interface StakeEntry {
  readonly hotkey: string
  readonly netuid: number
  /** Alpha in 1e-9 units, as a decimal string (u64). */
  readonly alpha: string
}

type Codec = { toString(): string; toJSON(): unknown }
type QueryFn = ((...args: unknown[]) => Promise<Codec>) & { entries?: (...args: unknown[]) => Promise<Array<[{ args: Codec[] }, Codec]>> }

export function addStakeCall(api: ApiPromise, hotkey: string, netuid: number, amountRao: bigint): Extrinsic {
  return requireCall(api, 'subtensorModule', 'addStake', 'SubtensorModule.add_stake')(hotkey, netuid, amountRao)
}

export function removeStakeCall(api: ApiPromise, hotkey: string, netuid: number, amountAlpha: bigint): Extrinsic {
  return requireCall(api, 'subtensorModule', 'removeStake', 'SubtensorModule.remove_stake')(hotkey, netuid, amountAlpha)
}

/** `add_stake_limit` [88]: `limitPrice` is the highest alpha price accepted, rao per 1.0 alpha (`add_stake.rs:115-189`). */
export function addStakeLimitCall(api: ApiPromise, hotkey: string, netuid: number, amountRao: bigint, limitPrice: bigint, allowPartial: boolean): Extrinsic {
  return requireCall(api, 'subtensorModule', 'addStakeLimit', 'SubtensorModule.add_stake_limit')(hotkey, netuid, amountRao, limitPrice, allowPartial)
}

/** `remove_stake_limit` [89]: `limitPrice` is the lowest alpha price accepted, rao per 1.0 alpha (`remove_stake.rs:326-407`). */
export function removeStakeLimitCall(api: ApiPromise, hotkey: string, netuid: number, amountAlpha: bigint, limitPrice: bigint, allowPartial: boolean): Extrinsic {
  return requireCall(api, 'subtensorModule', 'removeStakeLimit', 'SubtensorModule.remove_stake_limit')(hotkey, netuid, amountAlpha, limitPrice, allowPartial)
}

export interface AlphaPrice {
  /** Rao per 1.0 alpha (price × 1e9), the unit of `limit_price`. */
  readonly rao: bigint
  readonly source: 'runtime-api' | 'storage'
}

const ONE_ALPHA_PRICE = 1_000_000_000n
const PERQUINTILL = 1_000_000_000_000_000_000n

/**
 * The current alpha price of a subnet: `SwapRuntimeApi.current_alpha_price` (spot price × 1e9),
 * else the same computation from storage (`pallets/swap/src/pallet/impls.rs:21-35`): 1.0 for root
 * and every mechanism other than 1; for mechanism 1 the balancer price
 * `(w_base / w_quote) · SubnetTAO / SubnetAlphaIn` with `w_quote = SwapBalancer.quote` (default ½,
 * `balancer.rs:83-90,220-228`), 0 while the pool holds no alpha.
 */
export async function alphaPrice(api: ApiPromise, netuid: number): Promise<AlphaPrice> {
  const call = (api.call as unknown as Record<string, Record<string, ((n: number) => Promise<Codec>) | undefined> | undefined>).swapRuntimeApi
  if (call?.currentAlphaPrice && !isMissing(api, 'alphaPrice')) {
    try {
      return { rao: BigInt((await call.currentAlphaPrice(netuid)).toString()), source: 'runtime-api' }
    } catch (error) {
      markMissing(api, 'alphaPrice', error)
    }
  }
  if (netuid === 0 || (await readNumber(api, 'subnetMechanism', netuid)) !== 1) return { rao: ONE_ALPHA_PRICE, source: 'storage' }
  const [tao, alpha] = await Promise.all([readBigint(api, 'subnetTAO', netuid), readBigint(api, 'subnetAlphaIn', netuid)])
  if (!alpha || tao === null) return { rao: 0n, source: 'storage' }
  const balancer = (api.query as unknown as Record<string, Record<string, ((n: number) => Promise<Codec>) | undefined> | undefined>).swap?.swapBalancer
  const quote = balancer ? BigInt(((await balancer(netuid)).toJSON() as { quote?: string | number } | null)?.quote ?? PERQUINTILL / 2n) : PERQUINTILL / 2n
  if (quote === 0n) return { rao: 0n, source: 'storage' }
  return { rao: ((PERQUINTILL - quote) * tao * ONE_ALPHA_PRICE) / (quote * alpha), source: 'storage' }
}

export async function addStake(ctx: ChainContext, signer: Signer, hotkey: string, netuid: number, amountRao: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
  return submit(ctx, addStakeCall(ctx.api, hotkey, netuid, amountRao), signer, { onStatus })
}

export async function removeStake(ctx: ChainContext, signer: Signer, hotkey: string, netuid: number, amountAlpha: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
  return submit(ctx, removeStakeCall(ctx.api, hotkey, netuid, amountAlpha), signer, { onStatus })
}

/** The `bits` of a substrate-fixed U64F64 (shares are stored as { bits: u128 }). */
function fixedBits(v: Codec): bigint {
  const j = v.toJSON() as { bits?: string | number } | string | number | null
  if (j === null || j === undefined) return 0n
  if (typeof j === 'object') return BigInt(j.bits ?? 0)
  return BigInt(j)
}

const byHotkeyThenNetuid = (a: StakeEntry, b: StakeEntry): number => a.hotkey.localeCompare(b.hotkey) || a.netuid - b.netuid

/**
 * Stake of a coldkey per (hotkey, netuid). Uses StakeInfoRuntimeApi.get_stake_info_for_coldkey
 * when the node serves it; otherwise reads storage: the hotkeys it stakes to (StakingHotkeys plus
 * `extraHotkeys`), its shares in each hotkey's pool (Alpha[hotkey, coldkey, netuid], U64F64) and
 * the pool (TotalHotkeyAlpha / TotalHotkeyShares), as the runtime computes it.
 */
export async function stakesOf(api: ApiPromise, coldkey: string, extraHotkeys: readonly string[]): Promise<StakeEntry[]> {
  const call = (api.call as unknown as Record<string, Record<string, (a: string) => Promise<Codec>> | undefined>).stakeInfoRuntimeApi
  if (call?.getStakeInfoForColdkey && !isMissing(api, 'stakeInfo')) {
    try {
      const rows = (await call.getStakeInfoForColdkey(coldkey)).toJSON() as Array<{ hotkey: string; netuid: number; stake: number | string }>
      return rows
        .map((r) => ({ hotkey: String(r.hotkey), netuid: Number(r.netuid), alpha: BigInt(r.stake).toString() }))
        .filter((r) => r.alpha !== '0')
        .sort(byHotkeyThenNetuid)
    } catch (error) {
      // The node lacks the runtime API (or this version of it): read storage instead.
      markMissing(api, 'stakeInfo', error)
    }
  }
  const q = api.query.subtensorModule as unknown as Record<string, QueryFn | undefined> | undefined
  const alpha = q?.alpha
  const totalAlpha = q?.totalHotkeyAlpha
  const totalShares = q?.totalHotkeyShares
  if (!alpha?.entries || !totalAlpha || !totalShares) {
    throw new ChainError('Client.Unsupported', 'This chain has neither StakeInfoRuntimeApi nor the dTAO stake storage (Alpha, TotalHotkeyAlpha, TotalHotkeyShares); is it a current Bittensor node?')
  }
  const hotkeys = new Set(extraHotkeys)
  if (q.stakingHotkeys) for (const h of (await q.stakingHotkeys(coldkey)).toJSON() as string[]) hotkeys.add(String(h))
  const out: StakeEntry[] = []
  for (const hotkey of hotkeys) {
    for (const [key, value] of await alpha.entries(hotkey, coldkey)) {
      const mine = fixedBits(value)
      if (mine === 0n) continue
      const netuid = Number(key.args[2]!.toString())
      const [pool, shares] = await Promise.all([totalAlpha(hotkey, netuid), totalShares(hotkey, netuid)])
      const total = fixedBits(shares)
      const stake = total === 0n ? 0n : (mine * BigInt(pool.toString())) / total
      if (stake > 0n) out.push({ hotkey, netuid, alpha: stake.toString() })
    }
  }
  return out.sort(byHotkeyThenNetuid)
}
