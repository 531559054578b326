import type Database from 'better-sqlite3'
import type { ActivityEntry, ActivityKind } from '../../contract'

export interface NewActivity {
  readonly wallet: string
  readonly kind: ActivityKind
  readonly message: string
  readonly address?: string | null
  readonly status?: ActivityEntry['status']
  readonly time?: number
}

interface Row {
  id: number
  time: number
  wallet: string
  kind: string
  message: string
  address: string | null
  status: string
}

/** Wallet activity history (table wallet_activity, created by the wallet-activity migration). */
export class WalletActivityTable {
  private readonly insert: Database.Statement<[number, string, string, string, string | null, string]>

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO wallet_activity (time, wallet, kind, message, address, status) VALUES (?, ?, ?, ?, ?, ?)')
  }

  record(a: NewActivity): ActivityEntry {
    const time = a.time ?? Date.now()
    const status = a.status ?? 'ok'
    const id = Number(this.insert.run(time, a.wallet, a.kind, a.message, a.address ?? null, status).lastInsertRowid)
    return { id, time, wallet: a.wallet, kind: a.kind, message: a.message, address: a.address ?? null, status }
  }

  /** Changes the message and/or status of an entry (an extrinsic that finished); returns it, or undefined. */
  update(id: number, patch: { readonly message?: string; readonly status?: ActivityEntry['status'] }): ActivityEntry | undefined {
    const row = this.db.prepare<[number], Row>('SELECT * FROM wallet_activity WHERE id = ?').get(id)
    if (!row) return undefined
    const message = patch.message ?? row.message
    const status = patch.status ?? (row.status as ActivityEntry['status'])
    this.db.prepare('UPDATE wallet_activity SET message = ?, status = ? WHERE id = ?').run(message, status, id)
    return { ...row, message, status, kind: row.kind as ActivityKind }
  }

  /** Newest first. */
  list(wallet: string | undefined, limit: number): ActivityEntry[] {
    const rows =
      wallet === undefined
        ? this.db.prepare<[number], Row>('SELECT * FROM wallet_activity ORDER BY id DESC LIMIT ?').all(limit)
        : this.db.prepare<[string, number], Row>('SELECT * FROM wallet_activity WHERE wallet = ? ORDER BY id DESC LIMIT ?').all(wallet, limit)
    return rows.map((r) => ({ ...r, kind: r.kind as ActivityKind, status: r.status as ActivityEntry['status'] }))
  }
}
