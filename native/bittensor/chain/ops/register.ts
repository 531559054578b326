/** Registration by burn: the price, its fee, and burned_register / register_limit under a price cap. */
import { formatTao } from '../../../contract'
import type { Signer } from '../../keys/signer'
import { findCall, requireCall } from '../core/calls'
import type { ChainContext } from '../core/context'
import { cached } from '../core/context'
import { ChainError } from '../core/errors'
import { estimateFee } from '../core/fees'
import { readBigint } from '../core/storage'
import type { Extrinsic } from '../core/submit'
import { submit } from '../core/submit'
import type { TxResult, TxStatus } from '../types'
import { uidOf } from './neurons'
import { assertSubnet } from './subnets'

export type Registration = TxResult & { uid: number | null; priceRao: string; capEnforcedByChain: boolean }

/** The burn a registration on `netuid` costs now, in rao. */
export async function registrationPrice(ctx: ChainContext, netuid: number): Promise<bigint> {
  await assertSubnet(ctx, netuid)
  const burn = await readBigint(ctx.api, 'burn', netuid)
  if (burn === null) throw new ChainError('Client.Unsupported', 'This chain has no SubtensorModule.Burn storage.')
  cached(ctx, `burn:${netuid}`, String(burn))
  return burn
}

/**
 * Whether the runtime has register_limit, so the chain itself refuses a registration above the
 * cap. Without it, burned_register carries no cap: TaoDesk re-reads the price just before
 * signing, but the burn can still rise between that read and inclusion.
 */
export function registrationCapOnChain(ctx: ChainContext): boolean {
  return findCall(ctx.api, 'subtensorModule', 'registerLimit') !== undefined
}

function registerExtrinsic(ctx: ChainContext, netuid: number, hotkey: string, maxPriceRao: bigint): Extrinsic {
  if (registrationCapOnChain(ctx)) return findCall(ctx.api, 'subtensorModule', 'registerLimit')!(netuid, hotkey, maxPriceRao)
  return requireCall(ctx.api, 'subtensorModule', 'burnedRegister', 'SubtensorModule.burned_register')(netuid, hotkey)
}

/** The transaction fee of {@link register} from the node's payment info; null when it does not say. */
export async function registrationFee(ctx: ChainContext, coldkey: string, netuid: number, hotkey: string, maxPriceRao: bigint): Promise<bigint | null> {
  const { feeRao } = await estimateFee(ctx.api, coldkey, registerExtrinsic(ctx, netuid, hotkey, maxPriceRao))
  return feeRao === null ? null : BigInt(feeRao)
}

/**
 * register_limit (the chain enforces `maxPriceRao`) or, on runtimes without it, burned_register
 * with the price re-read right after the nonce, just before signing, and refused when above
 * `maxPriceRao`.
 */
export async function register(ctx: ChainContext, signer: Signer, netuid: number, hotkey: string, maxPriceRao: bigint, onStatus?: (s: TxStatus) => void): Promise<Registration> {
  let price = await registrationPrice(ctx, netuid)
  if (price > maxPriceRao) {
    throw new ChainError('Client.PriceAboveMaximum', `Registration costs ${formatTao(price)} TAO, above your maximum of ${formatTao(maxPriceRao)} TAO. Raise the maximum or wait for the price to fall.`)
  }
  const existing = await uidOf(ctx, netuid, hotkey)
  if (existing !== null) throw new ChainError('SubtensorModule.HotKeyAlreadyRegisteredInSubNet', `This hotkey is already registered on subnet ${netuid} as uid ${existing}.`)
  const onChain = registrationCapOnChain(ctx)
  const recheck = onChain
    ? undefined
    : async (): Promise<void> => {
        const now = await readBigint(ctx.api, 'burn', netuid)
        if (now === null) return
        price = now
        if (now > maxPriceRao) {
          throw new ChainError(
            'Client.PriceAboveMaximum',
            `The registration price rose to ${formatTao(now)} TAO just before sending, above your maximum of ${formatTao(maxPriceRao)} TAO; nothing was sent. This chain has no register_limit, so your maximum is checked by TaoDesk just before sending and not enforced by the chain. Raise the maximum or wait for the price to fall.`,
          )
        }
      }
  const r = await submit(ctx, registerExtrinsic(ctx, netuid, hotkey, maxPriceRao), signer, { onStatus, beforeSign: recheck })
  return { ...r, uid: await uidOf(ctx, netuid, hotkey), priceRao: String(price), capEnforcedByChain: onChain }
}
