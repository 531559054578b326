import type { NonceStore } from './axon-server'

/** In-memory NonceStore (tests, and axons that live no longer than their chain: the practice demo miners). */
export class MemoryNonceStore implements NonceStore {
  private readonly map = new Map<string, { nonce: bigint; seen: number }>()
  last(key: string): bigint | undefined {
    return this.map.get(key)?.nonce
  }
  record(key: string, nonce: bigint, seenAtMs: number): void {
    this.map.set(key, { nonce, seen: seenAtMs })
  }
  prune(beforeMs: number): number {
    let n = 0
    for (const [k, v] of this.map) {
      if (v.seen < beforeMs) {
        this.map.delete(k)
        n++
      }
    }
    return n
  }
}
