/** Looking up a runtime's calls by name: the call index comes from the node's metadata, never from us. */
import type { ApiPromise } from '@polkadot/api'
import { ChainError } from './errors'
import type { Extrinsic } from './submit'

type CallFn = (...args: unknown[]) => Extrinsic

/** `api.tx.<pallet>.<name>`, or undefined when this runtime has no such call. */
export function findCall(api: ApiPromise, pallet: string, name: string): CallFn | undefined {
  const f = (api.tx as unknown as Record<string, Record<string, unknown> | undefined>)[pallet]?.[name]
  return typeof f === 'function' ? (f as CallFn) : undefined
}

/** Like {@link findCall}, but refuses (Client.Unsupported) when the runtime lacks the call; `label` is its on-chain name. */
export function requireCall(api: ApiPromise, pallet: string, name: string, label: string): CallFn {
  const f = findCall(api, pallet, name)
  if (!f) throw new ChainError('Client.Unsupported', `This chain has no ${label} call.`)
  return f
}
