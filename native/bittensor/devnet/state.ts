import type { Codec } from '@polkadot/types/types'
import type { ChainCodec } from './codec'

/**
 * The devnet's storage: SCALE-encoded values under real storage keys, exactly what a node's
 * trie holds (minus the trie). Writes during a dispatch go to an overlay that is committed on
 * success and dropped on failure, like Substrate's transactional storage.
 */
export class StateStore {
  private readonly base: Map<string, string>
  private readonly overlays: Array<Map<string, string | null>> = []
  private readonly touched = new Set<string>()

  constructor(
    readonly codec: ChainCodec,
    initial?: ReadonlyMap<string, string>,
  ) {
    this.base = new Map(initial)
  }

  /** Raw read: hex value or undefined. */
  raw(key: string): string | undefined {
    for (let i = this.overlays.length - 1; i >= 0; i--) {
      const o = this.overlays[i]!
      if (o.has(key)) return o.get(key) ?? undefined
    }
    return this.base.get(key)
  }

  rawSet(key: string, value: string | null): void {
    const top = this.overlays[this.overlays.length - 1]
    if (top) {
      top.set(key, value)
      return
    }
    this.touched.add(key)
    if (value === null) this.base.delete(key)
    else this.base.set(key, value)
  }

  /** Runs fn in a storage transaction: its writes are kept only if it does not throw. */
  transactional<T>(fn: () => T): T {
    const mine = new Map<string, string | null>()
    this.overlays.push(mine)
    let ok = false
    try {
      const result = fn()
      ok = true
      return result
    } finally {
      this.overlays.pop()
      if (ok) for (const [k, v] of mine) this.rawSet(k, v)
    }
  }

  get<T extends Codec = Codec>(pallet: string, item: string, ...keys: unknown[]): T {
    const key = this.codec.key(pallet, item, ...keys)
    const v = this.raw(key)
    if (v === undefined) return this.codec.decode<T>(pallet, item, this.codec.fallback(pallet, item))
    return this.codec.decode<T>(pallet, item, v)
  }

  /** For Optional items: undefined when absent. */
  maybe<T extends Codec = Codec>(pallet: string, item: string, ...keys: unknown[]): T | undefined {
    const v = this.raw(this.codec.key(pallet, item, ...keys))
    return v === undefined ? undefined : this.codec.decode<T>(pallet, item, v)
  }

  exists(pallet: string, item: string, ...keys: unknown[]): boolean {
    return this.raw(this.codec.key(pallet, item, ...keys)) !== undefined
  }

  set(pallet: string, item: string, keys: readonly unknown[], value: unknown): void {
    this.rawSet(this.codec.key(pallet, item, ...keys), this.codec.encode(pallet, item, value))
  }

  remove(pallet: string, item: string, ...keys: unknown[]): void {
    this.rawSet(this.codec.key(pallet, item, ...keys), null)
  }

  // Typed reads used by the runtime logic.
  u64(pallet: string, item: string, ...keys: unknown[]): bigint {
    return (this.get(pallet, item, ...keys) as unknown as { toBigInt(): bigint }).toBigInt()
  }

  num(pallet: string, item: string, ...keys: unknown[]): number {
    return (this.get(pallet, item, ...keys) as unknown as { toNumber(): number }).toNumber()
  }

  bool(pallet: string, item: string, ...keys: unknown[]): boolean {
    return (this.get(pallet, item, ...keys) as unknown as { isTrue: boolean }).isTrue
  }

  vecNum(pallet: string, item: string, ...keys: unknown[]): number[] {
    return (this.get(pallet, item, ...keys) as unknown as Array<{ toNumber(): number }>).map((x) => x.toNumber())
  }

  vecBig(pallet: string, item: string, ...keys: unknown[]): bigint[] {
    return (this.get(pallet, item, ...keys) as unknown as Array<{ toBigInt(): bigint }>).map((x) => x.toBigInt())
  }

  vecBool(pallet: string, item: string, ...keys: unknown[]): boolean[] {
    return (this.get(pallet, item, ...keys) as unknown as Array<{ isTrue: boolean }>).map((x) => x.isTrue)
  }

  /** Every (key, value) whose key starts with prefix, sorted by key (as a node iterates). */
  entriesWithPrefix(prefix: string): Array<[string, string]> {
    const merged = new Map(this.base)
    for (const o of this.overlays) {
      for (const [k, v] of o) {
        if (v === null) merged.delete(k)
        else merged.set(k, v)
      }
    }
    return [...merged].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** A frozen copy of the committed state (for historic queries at a block hash). */
  snapshot(): Map<string, string> {
    return new Map(this.base)
  }

  /** Keys written since the last call (for storage subscriptions). */
  takeTouched(): string[] {
    const out = [...this.touched]
    this.touched.clear()
    return out
  }
}
