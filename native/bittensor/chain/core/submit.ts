/**
 * Signing and submitting: a tracked nonce, a mortal era, a status stream, decoded dispatch
 * errors, and the same call from the same key never in flight twice.
 */
import type { ApiPromise } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { IKeyringPair } from '@polkadot/types/types'
import { u8aConcat } from '@polkadot/util'
import type { Signer } from '../../keys/signer'
import type { TxResult, TxStatus } from '../types'
import { ChainError, dispatchError, rpcError } from './errors'
import { dropNonce, takeNonce } from './nonces'

/** The default mortal era (SDK v10 DEFAULT_PERIOD). */
export const ERA_PERIOD = 128

export type Extrinsic = SubmittableExtrinsic<'promise'>

export interface SubmitOptions {
  readonly onStatus?: (s: TxStatus) => void
  /** Resolve once in a block instead of once finalized. */
  readonly until?: 'inBlock' | 'finalized'
  /** Runs after the nonce is read and before signing; throwing sends nothing. */
  readonly beforeSign?: () => Promise<void>
}

const inFlight = new Set<string>()

function keyringPairOf(signer: Signer): IKeyringPair {
  return {
    address: signer.address,
    addressRaw: signer.publicKey,
    publicKey: signer.publicKey,
    sign: (data: Uint8Array, options?: { withType?: boolean }) => {
      const sig = signer.sign(data)
      return options?.withType ? u8aConcat(new Uint8Array([1]), sig) : sig
    },
  }
}

/**
 * Signs and submits; resolves once finalized (or in a block, with `until: 'inBlock'`), and
 * rejects with a decoded ChainError if dispatch failed.
 */
export async function submit(chain: { readonly api: ApiPromise; readonly endpoint: string }, tx: Extrinsic, signer: Signer, options: SubmitOptions = {}): Promise<TxResult> {
  const { api, endpoint } = chain
  const { onStatus, until = 'finalized', beforeSign } = options
  const flightKey = `${signer.address}:${tx.method.toHex()}`
  if (inFlight.has(flightKey)) {
    throw new ChainError('Client.AlreadySubmitting', 'This exact transaction is already being submitted from this key; wait for it to finish.')
  }
  inFlight.add(flightKey)
  try {
    onStatus?.({ stage: 'signing' })
    const chainNext = (await api.rpc.system.accountNextIndex(signer.address)).toNumber()
    await beforeSign?.()
    const nonce = takeNonce(endpoint, signer.address, chainNext)
    return await new Promise<TxResult>((resolve, reject) => {
      let unsub: (() => void) | undefined
      let done = false
      const finish = (fn: () => void): void => {
        if (done) return
        done = true
        unsub?.()
        fn()
      }
      tx.signAndSend(keyringPairOf(signer), { nonce, era: ERA_PERIOD }, (result) => {
        const st = result.status
        if (st.isReady) onStatus?.({ stage: 'ready' })
        else if (st.isFuture) onStatus?.({ stage: 'future' })
        else if (st.isInBlock) onStatus?.({ stage: 'inBlock', blockHash: st.asInBlock.toHex() })
        else if (st.isFinalized) onStatus?.({ stage: 'finalized', blockHash: st.asFinalized.toHex() })
        else if (st.isDropped || st.isInvalid || st.isUsurped) {
          dropNonce(endpoint, signer.address)
          finish(() => reject(new ChainError('Rpc.Dropped', `The transaction was ${st.type.toLowerCase()} by the node; nothing was applied. Try again.`)))
          return
        }
        const reached = until === 'inBlock' ? st.isInBlock || st.isFinalized : st.isFinalized
        if (!reached) return
        const blockHash = (st.isInBlock ? st.asInBlock : st.asFinalized).toHex()
        if (result.dispatchError) {
          finish(() => reject(dispatchError(api.registry, result.dispatchError!)))
          return
        }
        finish(() => {
          void api.rpc.chain
            .getHeader(blockHash)
            .then((h) =>
              resolve({
                txHash: result.txHash.toHex(),
                blockHash,
                blockNumber: h.number.toNumber(),
                events: result.events.map((e) => ({ section: e.event.section, method: e.event.method, data: e.event.data.toJSON() })),
              }),
            )
            .catch(reject)
        })
      })
        .then((u) => {
          unsub = u
          onStatus?.({ stage: 'submitted', hash: tx.hash.toHex() })
          if (done) u()
        })
        .catch((error: unknown) => {
          dropNonce(endpoint, signer.address)
          finish(() => reject(rpcError(error)))
        })
    })
  } finally {
    inFlight.delete(flightKey)
  }
}
