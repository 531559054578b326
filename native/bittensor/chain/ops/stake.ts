/** Stake: add_stake, remove_stake, and the stake a coldkey holds per (hotkey, netuid). */
import type { ApiPromise } from '@polkadot/api'
import type { Signer } from '../../keys/signer'
import { requireCall } from '../core/calls'
import type { ChainContext } from '../core/context'
import { ChainError } from '../core/errors'
import { isMissing, markMissing } from '../core/runtime-apis'
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
