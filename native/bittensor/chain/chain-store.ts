import type Database from 'better-sqlite3'

export interface PendingCommit {
  readonly id: number
  readonly network: string
  readonly netuid: number
  readonly hotkey: string
  readonly commitHash: string
  readonly uids: number[]
  readonly weights: number[]
  readonly salt: number[]
  readonly versionKey: string
  readonly commitBlock: number
  readonly revealFrom: number
  readonly revealUntil: number
  readonly status: 'pending' | 'revealed' | 'expired' | 'failed'
  readonly error: string | null
}

interface CommitRow {
  id: number
  network: string
  netuid: number
  hotkey: string
  commit_hash: string
  uids: string
  weights: string
  salt: string
  version_key: string
  commit_block: number
  reveal_from: number
  reveal_until: number
  status: PendingCommit['status']
  error: string | null
}

/** SQLite persistence of the chain client: cached reads with timestamps and pending commits. */
export class ChainStore {
  constructor(private readonly db: Database.Database) {}

  cachePut(network: string, key: string, value: unknown, now = Date.now()): void {
    this.db
      .prepare('INSERT INTO chain_cache (network, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(network, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(network, key, JSON.stringify(value), now)
  }

  cacheGet<T>(network: string, key: string): { value: T; updatedAt: number } | undefined {
    const row = this.db.prepare('SELECT value, updated_at FROM chain_cache WHERE network = ? AND key = ?').get(network, key) as { value: string; updated_at: number } | undefined
    if (!row) return undefined
    try {
      return { value: JSON.parse(row.value) as T, updatedAt: row.updated_at }
    } catch {
      return undefined
    }
  }

  addCommit(c: Omit<PendingCommit, 'id' | 'status' | 'error'>, now = Date.now()): number {
    const r = this.db
      .prepare(
        `INSERT INTO chain_commits (network, netuid, hotkey, commit_hash, uids, weights, salt, version_key, commit_block, reveal_from, reveal_until, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(c.network, c.netuid, c.hotkey, c.commitHash, JSON.stringify(c.uids), JSON.stringify(c.weights), JSON.stringify(c.salt), c.versionKey, c.commitBlock, c.revealFrom, c.revealUntil, now, now)
    return Number(r.lastInsertRowid)
  }

  pendingCommits(network: string): PendingCommit[] {
    const rows = this.db.prepare("SELECT * FROM chain_commits WHERE network = ? AND status = 'pending' ORDER BY reveal_from, id").all(network) as CommitRow[]
    return rows.map(toCommit)
  }

  commits(network: string, limit = 100): PendingCommit[] {
    return (this.db.prepare('SELECT * FROM chain_commits WHERE network = ? ORDER BY id DESC LIMIT ?').all(network, limit) as CommitRow[]).map(toCommit)
  }

  markCommit(id: number, status: PendingCommit['status'], error: string | null = null, now = Date.now()): void {
    this.db.prepare('UPDATE chain_commits SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error, now, id)
  }
}

function toCommit(r: CommitRow): PendingCommit {
  return {
    id: r.id,
    network: r.network,
    netuid: r.netuid,
    hotkey: r.hotkey,
    commitHash: r.commit_hash,
    uids: JSON.parse(r.uids) as number[],
    weights: JSON.parse(r.weights) as number[],
    salt: JSON.parse(r.salt) as number[],
    versionKey: r.version_key,
    commitBlock: r.commit_block,
    revealFrom: r.reveal_from,
    revealUntil: r.reveal_until,
    status: r.status,
    error: r.error,
  }
}
