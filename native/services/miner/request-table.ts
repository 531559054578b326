import type Database from 'better-sqlite3'

export interface MinerRequestRow {
  readonly id: number
  readonly time: number
  readonly route: string
  readonly hotkey: string | null
  readonly uid: number | null
  readonly ip: string
  readonly texts: number
  readonly status: number
  readonly message: string
  readonly latencyMs: number
  readonly queueMs: number
  readonly inferenceMs: number
  readonly bytesIn: number
  readonly bytesOut: number
}

export type NewMinerRequest = Omit<MinerRequestRow, 'id'>

interface Raw {
  id: number
  time: number
  route: string
  hotkey: string | null
  uid: number | null
  ip: string
  texts: number
  status: number
  message: string
  latency_ms: number
  queue_ms: number
  inference_ms: number
  bytes_in: number
  bytes_out: number
}

const fromRaw = (r: Raw): MinerRequestRow => ({
  id: r.id,
  time: r.time,
  route: r.route,
  hotkey: r.hotkey,
  uid: r.uid,
  ip: r.ip,
  texts: r.texts,
  status: r.status,
  message: r.message,
  latencyMs: r.latency_ms,
  queueMs: r.queue_ms,
  inferenceMs: r.inference_ms,
  bytesIn: r.bytes_in,
  bytesOut: r.bytes_out,
})

/** Every request the miner's axon answered: the live feed, per-minute rollups, histograms. */
export class MinerRequestTable {
  private readonly insert: Database.Statement<unknown[]>

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO miner_requests (time, route, hotkey, uid, ip, texts, status, message, latency_ms, queue_ms, inference_ms, bytes_in, bytes_out)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
  }

  append(r: NewMinerRequest): number {
    const info = this.insert.run(r.time, r.route, r.hotkey, r.uid, r.ip, r.texts, r.status, r.message.slice(0, 500), r.latencyMs, r.queueMs, r.inferenceMs, r.bytesIn, r.bytesOut)
    return Number(info.lastInsertRowid)
  }

  /** Newest first. */
  recent(limit: number, since = 0): MinerRequestRow[] {
    return this.db
      .prepare<[number, number], Raw>('SELECT * FROM miner_requests WHERE time >= ? ORDER BY id DESC LIMIT ?')
      .all(since, limit)
      .map(fromRaw)
  }

  /** Rows in [since, until), oldest first: for rollups. */
  between(since: number, until: number): MinerRequestRow[] {
    return this.db
      .prepare<[number, number], Raw>('SELECT * FROM miner_requests WHERE time >= ? AND time < ? ORDER BY time')
      .all(since, until)
      .map(fromRaw)
  }

  deleteOlderThan(time: number): number {
    return this.db.prepare('DELETE FROM miner_requests WHERE time < ?').run(time).changes
  }
}
