import type { ApiPromise } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import { ChainClient, ChainError } from '../../bittensor/chain'
import type { ConnectOptions, TxStatus } from '../../bittensor/chain'
import type { WalletCall } from '../../contract'
import type { ExtrinsicOutcome, ExtrinsicUpdate, FeeEstimate, KeySigner, StakeEntry, WalletChainPort, WalletChainSource } from './chain-port'

type Codec = { toString(): string; toJSON(): unknown }
type QueryFn = ((...args: unknown[]) => Promise<Codec>) & { entries?: (...args: unknown[]) => Promise<Array<[{ args: Codec[] }, Codec]>> }

/** The `bits` of a substrate-fixed U64F64 (shares are stored as { bits: u128 }). */
function fixedBits(v: Codec): bigint {
  const j = v.toJSON() as { bits?: string | number } | string | number | null
  if (j === null || j === undefined) return 0n
  if (typeof j === 'object') return BigInt(j.bits ?? 0)
  return BigInt(j)
}

/** Runtime APIs a node turned out not to serve (asked once per connection, not on every read). */
const missingApis = new WeakMap<ApiPromise, Set<string>>()
const missing = (api: ApiPromise, name: string): boolean => missingApis.get(api)?.has(name) ?? false
function markMissing(api: ApiPromise, name: string, error: unknown): void {
  if (!/not found|does not exist|not available/i.test(error instanceof Error ? error.message : String(error))) return
  let set = missingApis.get(api)
  if (!set) missingApis.set(api, (set = new Set()))
  set.add(name)
}

/** Builds the extrinsic of a wallet call; the call index comes from the node's metadata. */
export function extrinsicFor(api: ApiPromise, call: WalletCall): SubmittableExtrinsic<'promise'> {
  const sub = api.tx.subtensorModule
  switch (call.kind) {
    case 'transfer': {
      const f = api.tx.balances?.transferKeepAlive
      if (!f) throw new ChainError('Client.Unsupported', 'This chain has no Balances.transfer_keep_alive call.')
      return f(call.to, BigInt(call.amount))
    }
    case 'stake':
      if (!sub?.addStake) throw new ChainError('Client.Unsupported', 'This chain has no SubtensorModule.add_stake call.')
      return sub.addStake(call.hotkey, call.netuid, BigInt(call.amount))
    case 'unstake':
      if (!sub?.removeStake) throw new ChainError('Client.Unsupported', 'This chain has no SubtensorModule.remove_stake call.')
      return sub.removeStake(call.hotkey, call.netuid, BigInt(call.amount))
  }
}

/**
 * Fee from the node's payment info (TransactionPaymentApi.query_info over a fake-signed copy of
 * the extrinsic, as wallets do). Nodes without that runtime API get null and a note, never a
 * made-up number.
 */
export async function estimateFee(api: ApiPromise, from: string, tx: SubmittableExtrinsic<'promise'>): Promise<FeeEstimate> {
  if (!tx.hasPaymentInfo || missing(api, 'payment')) return { feeRao: null, note: 'This node does not offer payment info (TransactionPaymentApi), so the fee is not known before sending.' }
  try {
    const info = await tx.paymentInfo(from)
    return { feeRao: BigInt(info.partialFee.toString()).toString(), note: null }
  } catch (error) {
    markMissing(api, 'payment', error)
    const msg = error instanceof Error ? error.message : String(error)
    return { feeRao: null, note: `The node could not estimate the fee (${msg.slice(0, 200)}).` }
  }
}

/**
 * Stake of a coldkey per (hotkey, netuid). Uses StakeInfoRuntimeApi.get_stake_info_for_coldkey
 * when the node serves it; otherwise reads storage: the hotkeys it stakes to (StakingHotkeys plus
 * `extraHotkeys`), its shares in each hotkey's pool (Alpha[hotkey, coldkey, netuid], U64F64) and
 * the pool (TotalHotkeyAlpha / TotalHotkeyShares), as the runtime computes it.
 */
export async function readStakes(api: ApiPromise, coldkey: string, extraHotkeys: readonly string[]): Promise<StakeEntry[]> {
  const call = (api.call as unknown as Record<string, Record<string, (a: string) => Promise<Codec>> | undefined>).stakeInfoRuntimeApi
  if (call?.getStakeInfoForColdkey && !missing(api, 'stakeInfo')) {
    try {
      const rows = (await call.getStakeInfoForColdkey(coldkey)).toJSON() as Array<{ hotkey: string; netuid: number; stake: number | string }>
      return rows
        .map((r) => ({ hotkey: String(r.hotkey), netuid: Number(r.netuid), alpha: BigInt(r.stake).toString() }))
        .filter((r) => r.alpha !== '0')
        .sort((a, b) => a.hotkey.localeCompare(b.hotkey) || a.netuid - b.netuid)
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
  return out.sort((a, b) => a.hotkey.localeCompare(b.hotkey) || a.netuid - b.netuid)
}

function toUpdate(s: TxStatus): ExtrinsicUpdate | undefined {
  switch (s.stage) {
    case 'signing':
      return { stage: 'signing' }
    case 'submitted':
      return { stage: 'submitted', txHash: s.hash }
    case 'ready':
    case 'future':
      return { stage: 'ready' }
    case 'inBlock':
    case 'finalized':
      return { stage: s.stage, blockHash: s.blockHash }
  }
}

/** A WalletChainPort over a connected ChainClient. */
export function chainClientPort(client: ChainClient, network: string = client.network): WalletChainPort {
  return {
    info: { network, endpoint: client.endpoint },
    async freeBalance(address) {
      return (await client.balance(address)).toString()
    },
    stakes: (coldkey, hotkeys) => readStakes(client.api, coldkey, hotkeys),
    estimateFee: (from, call) => estimateFee(client.api, from, extrinsicFor(client.api, call)),
    async submit(signer: KeySigner, call, onStatus): Promise<ExtrinsicOutcome> {
      try {
        const tx = extrinsicFor(client.api, call)
        const r = await client.submit(tx, signer, (s) => {
          const u = toUpdate(s)
          if (u) onStatus(u)
        })
        return { ok: true, txHash: r.txHash, blockHash: r.blockHash, blockNumber: r.blockNumber }
      } catch (error) {
        if (error instanceof ChainError) return { ok: false, errorCode: error.code, error: error.message }
        throw error
      }
    },
  }
}

/**
 * A chain source that connects lazily to one network and keeps the connection (shared with
 * every other ChainClient user of the same endpoint) until disposed.
 */
export function chainClientSource(options: ConnectOptions): WalletChainSource {
  let client: Promise<ChainClient> | undefined
  return {
    async port() {
      if (!client) {
        client = ChainClient.connect(options)
        client.catch(() => (client = undefined))
      }
      return chainClientPort(await client, options.network)
    },
    async dispose() {
      const c = client
      client = undefined
      if (c) await (await c.catch(() => undefined))?.release()
    },
  }
}
