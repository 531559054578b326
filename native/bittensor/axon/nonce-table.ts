import type Database from 'better-sqlite3'
import { isDiskFull, isDiskFullError } from '../../platform/store'
import { AxonHttpError } from './axon-server'
import type { NonceStore } from './axon-server'

/**
 * Last accepted dendrite nonce per `hotkey:uuid` (spec §4.4). The Python axon keeps this in
 * memory; TaoDesk keeps it here so that a restart does not reopen a replay window.
 *
 * When the disk is full the nonces live in a bounded table in memory (replays stay refused while
 * the engine runs) and go to the database with the first write that succeeds again. Only when
 * that table is full too is a new endpoint refused (503): a nonce is never forgotten.
 */
export class AxonNonceTable implements NonceStore {
  private readonly get: Database.Statement<[string], { nonce: bigint }>
  private readonly put: Database.Statement<[string, bigint, number]>
  private readonly del: Database.Statement<[number]>
  private readonly putAll: (entries: ReadonlyMap<string, { nonce: bigint; seen: number }>) => void
  /** Nonces accepted while the disk was full, not yet in the database. */
  private readonly unsaved = new Map<string, { nonce: bigint; seen: number }>()

  constructor(
    db: Database.Database,
    /** The store's write guard (Store.write): marks the disk full for the UI. */
    private readonly write: <T>(fn: () => T) => T = (fn) => fn(),
    private readonly maxUnsaved = 10_000,
  ) {
    this.get = db.prepare<[string], { nonce: bigint }>('SELECT nonce FROM axon_nonces WHERE endpoint_key = ?').safeIntegers(true)
    this.put = db.prepare(
      'INSERT INTO axon_nonces (endpoint_key, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT (endpoint_key) DO UPDATE SET nonce = excluded.nonce, seen_at = excluded.seen_at',
    )
    this.del = db.prepare('DELETE FROM axon_nonces WHERE seen_at < ?')
    this.putAll = db.transaction((entries: ReadonlyMap<string, { nonce: bigint; seen: number }>) => {
      for (const [key, e] of entries) this.put.run(key, e.nonce, e.seen)
    })
  }

  /** Nonces held only in memory because the disk was full. */
  get unsavedCount(): number {
    return this.unsaved.size
  }

  last(endpointKey: string): bigint | undefined {
    return this.unsaved.get(endpointKey)?.nonce ?? this.get.get(endpointKey)?.nonce
  }

  record(endpointKey: string, nonce: bigint, seenAtMs: number): void {
    try {
      this.write(() => this.put.run(endpointKey, nonce, seenAtMs))
      this.unsaved.delete(endpointKey)
    } catch (error) {
      if (!isDiskFull(error) && !isDiskFullError(error)) throw error
      if (!this.unsaved.has(endpointKey) && this.unsaved.size >= this.maxUnsaved) {
        throw new AxonHttpError(503, 'Service unavailable: the miner cannot save request nonces (its disk is full). Try again later.', { 'retry-after': '60' })
      }
      this.unsaved.set(endpointKey, { nonce, seen: seenAtMs })
      return
    }
    this.saveUnsaved()
  }

  prune(beforeMs: number): number {
    for (const [key, e] of this.unsaved) if (e.seen < beforeMs) this.unsaved.delete(key)
    this.saveUnsaved()
    try {
      return this.write(() => this.del.run(beforeMs).changes)
    } catch (error) {
      if (isDiskFull(error) || isDiskFullError(error)) return 0
      throw error
    }
  }

  /** Moves the nonces kept in memory to the database once it takes writes again. */
  private saveUnsaved(): void {
    if (this.unsaved.size === 0) return
    try {
      this.write(() => this.putAll(this.unsaved))
      this.unsaved.clear()
    } catch (error) {
      if (!isDiskFull(error) && !isDiskFullError(error)) throw error
    }
  }
}
