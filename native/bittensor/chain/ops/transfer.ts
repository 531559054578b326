/** TAO transfers (Balances.transfer_keep_alive: the sender always keeps its existential deposit). */
import type { ApiPromise } from '@polkadot/api'
import type { Signer } from '../../keys/signer'
import { requireCall } from '../core/calls'
import type { ChainContext } from '../core/context'
import type { Extrinsic } from '../core/submit'
import { submit } from '../core/submit'
import type { TxResult, TxStatus } from '../types'

export function transferCall(api: ApiPromise, dest: string, amountRao: bigint): Extrinsic {
  return requireCall(api, 'balances', 'transferKeepAlive', 'Balances.transfer_keep_alive')(dest, amountRao)
}

export async function transfer(ctx: ChainContext, signer: Signer, dest: string, amountRao: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
  return submit(ctx, transferCall(ctx.api, dest, amountRao), signer, { onStatus })
}
