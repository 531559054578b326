/**
 * Creating a subnet: the lock it costs now, register_network_with_identity (register_network plus
 * set_subnet_identity on runtimes without it), and start_call, which a new subnet needs before it
 * earns emission (subtensor 14bc6f9f `subnets/subnet.rs:115-299`, `:374-399`).
 */
import { formatTao } from '../../../contract'
import type { Signer } from '../../keys/signer'
import { findCall, requireCall } from '../core/calls'
import type { ChainContext } from '../core/context'
import { ChainError } from '../core/errors'
import { estimateFee } from '../core/fees'
import { readBigint, subtensorItem } from '../core/storage'
import type { Extrinsic } from '../core/submit'
import { submit } from '../core/submit'
import type { SubnetIdentity, TxResult, TxStatus } from '../types'
import { SUBNET_IDENTITY_FIELDS } from './subnet-identity'

export interface NetworkLockInfo {
  /** What registering a subnet locks now, rao (`get_network_lock_cost`). */
  readonly lockRao: bigint
  /** The floor of the lock (NetworkMinLockCost). */
  readonly minLockRao: bigint
  /** Blocks until the network rate limit lets the next subnet in (0 = now). */
  readonly blocksUntilAllowed: number
  /** NetworkRateLimit, blocks between two subnet registrations on the whole chain. */
  readonly rateLimitBlocks: number
  readonly block: number
}

async function lastRegisteredBlock(ctx: ChainContext): Promise<bigint> {
  const item = subtensorItem(ctx.api, 'lastRateLimitedBlock')
  if (item) return BigInt(String(await item({ NetworkLastRegistered: null })))
  return (await readBigint(ctx.api, 'networkLastRegistered')) ?? 0n
}

/**
 * `get_network_lock_cost` (coinbase/root.rs:502-532): the last lock doubled, falling linearly to
 * it over NetworkLockReductionInterval blocks, never below NetworkMinLockCost; with the rate limit
 * (`utils/rate_limiting.rs:29`, `:65-68`).
 */
export async function networkLockInfo(ctx: ChainContext): Promise<NetworkLockInfo> {
  const [last, min, interval, rate, lastBlock, header] = await Promise.all([
    readBigint(ctx.api, 'networkLastLockCost'),
    readBigint(ctx.api, 'networkMinLockCost'),
    readBigint(ctx.api, 'networkLockReductionInterval'),
    readBigint(ctx.api, 'networkRateLimit'),
    lastRegisteredBlock(ctx),
    ctx.api.rpc.chain.getHeader(),
  ])
  if (last === null || min === null) throw new ChainError('Client.Unsupported', 'This chain has no NetworkLastLockCost storage, so the cost of a subnet is not known.')
  const block = header.number.toNumber()
  const mult = lastBlock === 0n ? 1n : 2n
  const reduction = (interval ? last / interval : 0n) * (BigInt(block) - lastBlock)
  const cost = last * mult - reduction
  const rateLimit = Number(rate ?? 0n)
  const waited = block - Number(lastBlock)
  return {
    lockRao: cost < min ? min : cost,
    minLockRao: min,
    blocksUntilAllowed: lastBlock === 0n || waited >= rateLimit ? 0 : rateLimit - waited,
    rateLimitBlocks: rateLimit,
    block,
  }
}

function identityArg(identity: SubnetIdentity): Record<string, string> {
  const names: Record<(typeof SUBNET_IDENTITY_FIELDS)[number], string> = {
    name: 'subnetName',
    githubRepo: 'githubRepo',
    contact: 'subnetContact',
    url: 'subnetUrl',
    discord: 'discord',
    description: 'description',
    logoUrl: 'logoUrl',
    additional: 'additional',
  }
  return Object.fromEntries(SUBNET_IDENTITY_FIELDS.map((f) => [names[f], identity[f]]))
}

/** The extrinsic that creates the subnet (with its identity where the runtime can do both in one call). */
export function registerNetworkExtrinsic(ctx: ChainContext, hotkey: string, identity: SubnetIdentity): Extrinsic {
  const withIdentity = findCall(ctx.api, 'subtensorModule', 'registerNetworkWithIdentity')
  if (withIdentity) return withIdentity(hotkey, identityArg(identity))
  return requireCall(ctx.api, 'subtensorModule', 'registerNetwork', 'SubtensorModule.register_network')(hotkey)
}

/** The fee of an owner extrinsic from the node's payment info; null when it does not say. */
export async function extrinsicFee(ctx: ChainContext, from: string, tx: Extrinsic): Promise<bigint | null> {
  const { feeRao } = await estimateFee(ctx.api, from, tx)
  return feeRao === null ? null : BigInt(feeRao)
}

export type NetworkRegistration = TxResult & { netuid: number; lockRao: string }

function addedNetuid(r: TxResult): number | null {
  const added = r.events.find((e) => e.section === 'subtensorModule' && e.method === 'NetworkAdded')
  if (!added) return null
  return Number(String((added.data as unknown[])[0]))
}

/**
 * Registers a subnet owned by the signer's coldkey with `hotkey` as its owner hotkey, refused
 * before signing when the lock is above `maxLockRao`. On runtimes without
 * register_network_with_identity the identity follows in a second transaction.
 */
export async function registerNetwork(ctx: ChainContext, signer: Signer, hotkey: string, identity: SubnetIdentity, maxLockRao: bigint, onStatus?: (s: TxStatus) => void): Promise<NetworkRegistration> {
  const lockNow = async (): Promise<bigint> => {
    const { lockRao, blocksUntilAllowed } = await networkLockInfo(ctx)
    if (blocksUntilAllowed > 0) throw new ChainError('SubtensorModule.NetworkTxRateLimitExceeded', `The chain allows one new subnet every so often; the next can be created in ${blocksUntilAllowed} blocks.`)
    if (lockRao > maxLockRao) throw new ChainError('Client.PriceAboveMaximum', `Creating a subnet locks ${formatTao(lockRao)} TAO now, above your maximum of ${formatTao(maxLockRao)} TAO. Raise the maximum or wait: the lock falls block by block.`)
    return lockRao
  }
  let lock = await lockNow()
  const r = await submit(ctx, registerNetworkExtrinsic(ctx, hotkey, identity), signer, {
    onStatus,
    beforeSign: async () => {
      lock = await lockNow()
    },
  })
  const netuid = addedNetuid(r)
  if (netuid === null) throw new ChainError('Client.Error', 'The subnet was registered but the chain reported no NetworkAdded event, so its netuid is unknown.')
  if (!findCall(ctx.api, 'subtensorModule', 'registerNetworkWithIdentity')) {
    const set = requireCall(ctx.api, 'subtensorModule', 'setSubnetIdentity', 'SubtensorModule.set_subnet_identity')
    await submit(ctx, set(netuid, ...SUBNET_IDENTITY_FIELDS.map((f) => identity[f])), signer, { onStatus })
  }
  return { ...r, netuid, lockRao: String(lock) }
}

export function startCallExtrinsic(ctx: ChainContext, netuid: number): Extrinsic {
  return requireCall(ctx.api, 'subtensorModule', 'startCall', 'SubtensorModule.start_call')(netuid)
}

/** Whether the owner still has to call start_call before the subnet earns emission. */
export async function emissionStarted(ctx: ChainContext, netuid: number): Promise<boolean | null> {
  const item = subtensorItem(ctx.api, 'firstEmissionBlockNumber')
  if (!item) return null
  const v = (await item(netuid)) as { isSome?: boolean }
  return v.isSome === true
}

/** start_call: emission begins at the next block (owner only, once). */
export function startCall(ctx: ChainContext, signer: Signer, netuid: number, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
  return submit(ctx, startCallExtrinsic(ctx, netuid), signer, { onStatus })
}
