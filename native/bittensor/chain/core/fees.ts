import type { ApiPromise } from '@polkadot/api'
import { isMissing, markMissing } from './runtime-apis'
import type { Extrinsic } from './submit'

export interface FeeEstimate {
  /** What the node says the extrinsic will cost in rao (payment info), or null when it cannot say. */
  readonly feeRao: string | null
  /** Why there is no fee, when feeRao is null. */
  readonly note: string | null
}

/**
 * Fee from the node's payment info (TransactionPaymentApi.query_info over a fake-signed copy of
 * the extrinsic, as wallets do). Nodes without that runtime API get null and a note, never a
 * made-up number.
 */
export async function estimateFee(api: ApiPromise, from: string, tx: Extrinsic): Promise<FeeEstimate> {
  if (!tx.hasPaymentInfo || isMissing(api, 'payment')) return { feeRao: null, note: 'This node does not offer payment info (TransactionPaymentApi), so the fee is not known before sending.' }
  try {
    const info = await tx.paymentInfo(from)
    return { feeRao: BigInt(info.partialFee.toString()).toString(), note: null }
  } catch (error) {
    markMissing(api, 'payment', error)
    const msg = error instanceof Error ? error.message : String(error)
    return { feeRao: null, note: `The node could not estimate the fee (${msg.slice(0, 200)}).` }
  }
}
