import type { ApiPromise } from '@polkadot/api'
import type { ChainStore } from '../chain-store'
import type { NetworkId } from '../networks'

/** What every chain operation works with: one connected node, and where its reads and commits are kept. */
export interface ChainContext {
  readonly network: NetworkId
  readonly endpoint: string
  readonly api: ApiPromise
  /** SQLite persistence (cache and pending commits); absent for one-shot CLI reads. */
  readonly store: ChainStore | undefined
  /** The key cache rows and pending commits are filed under (network + endpoint). */
  readonly storeKey: string
}

/** The key a client of `network` at `endpoint` files its rows under. */
export function storeKeyOf(network: NetworkId, endpoint: string): string {
  return `${network}:${endpoint}`.slice(0, 200)
}

/** Keeps a read for offline display, and returns it. */
export function cached<T>(ctx: ChainContext, key: string, value: T): T {
  ctx.store?.cachePut(ctx.storeKey, key, value)
  return value
}
