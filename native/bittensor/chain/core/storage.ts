/** SubtensorModule storage reads that never assume an item exists (runtimes differ). */
import type { ApiPromise } from '@polkadot/api'

type StorageFn = ((...args: unknown[]) => Promise<unknown>) & { entries?: (...a: unknown[]) => Promise<Array<[{ args: unknown[] }, unknown]>> }

/** The storage item `SubtensorModule.<item>`, or undefined when this runtime has none. */
export function subtensorItem(api: ApiPromise, item: string): StorageFn | undefined {
  return (api.query.subtensorModule as unknown as Record<string, StorageFn | undefined> | undefined)?.[item]
}

export async function readNumber(api: ApiPromise, item: string, ...args: unknown[]): Promise<number | null> {
  const f = subtensorItem(api, item)
  if (!f) return null
  return Number(((await f(...args)) as { toString(): string }).toString())
}

export async function readBigint(api: ApiPromise, item: string, ...args: unknown[]): Promise<bigint | null> {
  const f = subtensorItem(api, item)
  if (!f) return null
  return BigInt(((await f(...args)) as { toString(): string }).toString())
}

export async function readBool(api: ApiPromise, item: string, ...args: unknown[]): Promise<boolean | null> {
  const f = subtensorItem(api, item)
  if (!f) return null
  return ((await f(...args)) as { isTrue: boolean }).isTrue
}

/** A per-uid vector of a subnet (LastUpdate, Incentive, ...) as strings; empty when absent. */
export async function readVector(api: ApiPromise, item: string, netuid: number): Promise<string[]> {
  const f = subtensorItem(api, item)
  if (!f) return []
  return ((await f(netuid)) as unknown as Array<{ toString(): string }>).map(String)
}
