import type { Registry } from '@polkadot/types/types'

/** A failure the user can act on: a decoded module error, a rejected transaction, or a refusal. */
export class ChainError extends Error {
  constructor(
    /** e.g. "SubtensorModule.SettingWeightsTooFast", "Rpc.1010", "Client.PriceAboveMaximum". */
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ChainError'
  }
}

/** A dispatch error of an included extrinsic, named as the runtime metadata names it. */
export function dispatchError(registry: Registry, err: { isModule: boolean; asModule: unknown; toString(): string }): ChainError {
  if (err.isModule) {
    const meta = registry.findMetaError(err.asModule as never)
    const docs = meta.docs.join(' ').trim()
    return new ChainError(`${meta.section.charAt(0).toUpperCase()}${meta.section.slice(1)}.${meta.name}`, `${meta.name}${docs ? `: ${docs}` : ''}`)
  }
  return new ChainError('Dispatch.Other', `The chain rejected the transaction: ${err.toString()}`)
}

/** A refusal by the node's RPC or transaction pool (before inclusion), with advice where the code allows. */
export function rpcError(error: unknown): ChainError {
  const msg = error instanceof Error ? error.message : String(error)
  const m = /^(\d{4}):\s*(.*)$/.exec(msg)
  if (m) {
    const [, code, text] = m
    if (code === '1010' && /outdated|stale/i.test(text!)) return new ChainError('Rpc.1010', `The node says the transaction is stale (its nonce was already used): ${text}. Try again.`)
    if (code === '1010' && /pay some fees/i.test(text!)) return new ChainError('Rpc.1010', `The node refused the transaction: the sending account cannot pay the transaction fee and keep its existential deposit (${text}). Add TAO to it and try again.`)
    if (code === '1010' && /bad signature/i.test(text!)) return new ChainError('Rpc.1010', `The node rejected the signature: ${text}. Check that the right key signed.`)
    return new ChainError(`Rpc.${code}`, `The node rejected the transaction (${code}): ${text}`)
  }
  return new ChainError('Rpc.Error', `Could not submit the transaction: ${msg}`)
}
