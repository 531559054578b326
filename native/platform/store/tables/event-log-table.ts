import type Database from 'better-sqlite3'
import type { LogEntry, LogFilter, LogLevel } from '../../../contract'

const LEVEL_CODE: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const CODE_LEVEL = new Map<number, LogLevel>(Object.entries(LEVEL_CODE).map(([k, v]) => [v, k as LogLevel]))

interface Row {
  id: number
  time: number
  level: number
  source: string
  message: string
  fields: string
}

export interface NewLogEntry {
  readonly time: number
  readonly level: LogLevel
  readonly source: string
  readonly message: string
  readonly fields: Readonly<Record<string, unknown>>
}

/** The structured event log: append, filtered queries (newest N, oldest first), retention. */
export class EventLogTable {
  private readonly insert: Database.Statement<[number, number, string, string, string]>

  constructor(
    private readonly db: Database.Database,
    private readonly write: <T>(fn: () => T) => T = (fn) => fn(),
  ) {
    this.insert = db.prepare('INSERT INTO event_log (time, level, source, message, fields) VALUES (?, ?, ?, ?, ?)')
  }

  /** Returns the entry as stored; once this returns, the row is committed. */
  append(entry: NewLogEntry): LogEntry {
    const fields = safeJson(entry.fields)
    const info = this.write(() => this.insert.run(entry.time, LEVEL_CODE[entry.level], entry.source, entry.message, fields))
    return { id: Number(info.lastInsertRowid), time: entry.time, level: entry.level, source: entry.source, message: entry.message, fields: JSON.parse(fields) as Record<string, unknown> }
  }

  /** Newest `limit` entries that match, returned oldest first; with afterId, the oldest after it. */
  query(filter: LogFilter, limit: number): LogEntry[] {
    const { where, args } = buildWhere(filter)
    const ascending = filter.afterId !== undefined
    const sql = `SELECT id, time, level, source, message, fields FROM event_log ${where} ORDER BY id ${ascending ? 'ASC' : 'DESC'} LIMIT ?`
    const rows = this.db.prepare<unknown[], Row>(sql).all(...args, limit)
    if (!ascending) rows.reverse()
    return rows.map(toEntry)
  }

  /** Streams every matching entry oldest first (export), without loading them all at once. */
  *iterate(filter: LogFilter): Generator<LogEntry> {
    const { where, args } = buildWhere(filter)
    const stmt = this.db.prepare<unknown[], Row>(`SELECT id, time, level, source, message, fields FROM event_log ${where} ORDER BY id ASC`)
    for (const row of stmt.iterate(...args)) yield toEntry(row)
  }

  sources(): string[] {
    return this.db
      .prepare<[], { source: string }>('SELECT DISTINCT source FROM event_log ORDER BY source')
      .all()
      .map((r) => r.source)
  }

  deleteOlderThan(time: number): number {
    return this.db.prepare('DELETE FROM event_log WHERE time < ?').run(time).changes
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM event_log').get() as { n: number }).n
  }
}

function buildWhere(filter: LogFilter): { where: string; args: unknown[] } {
  const clauses: string[] = []
  const args: unknown[] = []
  if (filter.levels && filter.levels.length > 0) {
    clauses.push(`level IN (${filter.levels.map(() => '?').join(',')})`)
    args.push(...filter.levels.map((l) => LEVEL_CODE[l]))
  }
  if (filter.sources && filter.sources.length > 0) {
    clauses.push(`source IN (${filter.sources.map(() => '?').join(',')})`)
    args.push(...filter.sources)
  }
  if (filter.search) {
    // SQLite's lower() only folds ASCII; unicode_lower (registered by the Store) folds like JS does.
    const needle = filter.search.toLowerCase()
    clauses.push(`(instr(unicode_lower(message), ?) > 0 OR instr(unicode_lower(fields), ?) > 0)`)
    args.push(needle, needle)
  }
  if (filter.afterId !== undefined) {
    clauses.push('id > ?')
    args.push(filter.afterId)
  }
  if (filter.beforeId !== undefined) {
    clauses.push('id < ?')
    args.push(filter.beforeId)
  }
  if (filter.since !== undefined) {
    clauses.push('time >= ?')
    args.push(filter.since)
  }
  if (filter.until !== undefined) {
    clauses.push('time <= ?')
    args.push(filter.until)
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', args }
}

function toEntry(row: Row): LogEntry {
  let fields: Record<string, unknown> = {}
  try {
    fields = JSON.parse(row.fields) as Record<string, unknown>
  } catch {
    fields = { unreadable: row.fields }
  }
  return { id: row.id, time: row.time, level: CODE_LEVEL.get(row.level) ?? 'info', source: row.source, message: row.message, fields }
}

/** JSON for arbitrary fields: bigint as string, errors as message, cycles cut. */
function safeJson(fields: Readonly<Record<string, unknown>>): string {
  const seen = new WeakSet<object>()
  return JSON.stringify(fields, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString()
    if (value instanceof Error) return { name: value.name, message: value.message }
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[circular]'
      seen.add(value)
    }
    return value
  })
}
