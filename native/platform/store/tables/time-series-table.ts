import type Database from 'better-sqlite3'
import type { MetricPoint } from '../../../contract'

export interface NewPoint {
  readonly series: string
  readonly value: number
  readonly time?: number
  readonly labels?: Readonly<Record<string, string>>
}

/** Numeric time series for metrics and rewards: one row per sample. */
export class TimeSeriesTable {
  private readonly insert: Database.Statement<[string, number, number, string]>

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO time_series (series, time, value, labels) VALUES (?, ?, ?, ?)')
  }

  record(points: readonly NewPoint[]): void {
    this.db.transaction(() => {
      for (const p of points) {
        if (!Number.isFinite(p.value)) throw new Error(`Refusing a non-finite value for series ${p.series}`)
        this.insert.run(p.series, p.time ?? Date.now(), p.value, JSON.stringify(p.labels ?? {}))
      }
    })()
  }

  /** The newest `limit` points within the range, oldest first. */
  query(series: string, range: { since?: number; until?: number }, limit: number): MetricPoint[] {
    const rows = this.db
      .prepare<[string, number, number, number], { time: number; value: number; labels: string }>(
        'SELECT time, value, labels FROM time_series WHERE series = ? AND time >= ? AND time <= ? ORDER BY time DESC LIMIT ?',
      )
      .all(series, range.since ?? 0, range.until ?? Number.MAX_SAFE_INTEGER, limit)
    rows.reverse()
    return rows.map((r) => ({ time: r.time, value: r.value, labels: JSON.parse(r.labels) as Record<string, string> }))
  }

  seriesNames(): string[] {
    return this.db
      .prepare<[], { series: string }>('SELECT DISTINCT series FROM time_series ORDER BY series')
      .all()
      .map((r) => r.series)
  }

  deleteOlderThan(time: number): number {
    return this.db.prepare('DELETE FROM time_series WHERE time < ?').run(time).changes
  }
}
