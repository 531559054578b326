import type Database from 'better-sqlite3'

/**
 * Last accepted dendrite nonce per `hotkey:uuid` (spec §4.4). The Python axon keeps this in
 * memory; TaoDesk keeps it here so that a restart does not reopen a replay window.
 */
export class AxonNonceTable {
  private readonly get: Database.Statement<[string], { nonce: bigint }>
  private readonly put: Database.Statement<[string, bigint, number]>
  private readonly del: Database.Statement<[number]>

  constructor(db: Database.Database) {
    this.get = db.prepare<[string], { nonce: bigint }>('SELECT nonce FROM axon_nonces WHERE endpoint_key = ?').safeIntegers(true)
    this.put = db.prepare(
      'INSERT INTO axon_nonces (endpoint_key, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT (endpoint_key) DO UPDATE SET nonce = excluded.nonce, seen_at = excluded.seen_at',
    )
    this.del = db.prepare('DELETE FROM axon_nonces WHERE seen_at < ?')
  }

  last(endpointKey: string): bigint | undefined {
    return this.get.get(endpointKey)?.nonce
  }

  record(endpointKey: string, nonce: bigint, seenAtMs: number): void {
    this.put.run(endpointKey, nonce, seenAtMs)
  }

  prune(beforeMs: number): number {
    return this.del.run(beforeMs).changes
  }
}
