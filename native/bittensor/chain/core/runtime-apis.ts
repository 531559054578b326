/** Runtime APIs a node turned out not to serve, asked once per connection rather than on every read. */
import type { ApiPromise } from '@polkadot/api'

const missingApis = new WeakMap<ApiPromise, Set<string>>()

export function isMissing(api: ApiPromise, name: string): boolean {
  return missingApis.get(api)?.has(name) ?? false
}

/** Remembers `name` as missing when `error` says the node does not have it (other errors are passing). */
export function markMissing(api: ApiPromise, name: string, error: unknown): void {
  if (!/not found|does not exist|not available/i.test(error instanceof Error ? error.message : String(error))) return
  let set = missingApis.get(api)
  if (!set) missingApis.set(api, (set = new Set()))
  set.add(name)
}
