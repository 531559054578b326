import type { LogEntry, LogFilter } from '../../../../native/contract'

/**
 * The client-side twin of the engine's log query, used to decide whether a live entry
 * belongs in the current view. Must agree with EventLogTable.query (tested together).
 */
export function matchesFilter(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.levels && filter.levels.length > 0 && !filter.levels.includes(entry.level)) return false
  if (filter.sources && filter.sources.length > 0 && !filter.sources.includes(entry.source)) return false
  if (filter.search) {
    const needle = filter.search.toLowerCase()
    if (!entry.message.toLowerCase().includes(needle) && !JSON.stringify(entry.fields).toLowerCase().includes(needle)) return false
  }
  if (filter.afterId !== undefined && entry.id <= filter.afterId) return false
  if (filter.beforeId !== undefined && entry.id >= filter.beforeId) return false
  if (filter.since !== undefined && entry.time < filter.since) return false
  if (filter.until !== undefined && entry.time > filter.until) return false
  return true
}

/** Appends live entries to a view, keeping it sorted by id, without duplicates, at most `cap` long. */
export function appendEntries(view: readonly LogEntry[], incoming: readonly LogEntry[], cap: number): LogEntry[] {
  const lastId = view.length > 0 ? view[view.length - 1].id : 0
  const fresh = incoming.filter((e) => e.id > lastId)
  if (fresh.length === 0) return view as LogEntry[]
  const next = view.concat(fresh)
  return next.length > cap ? next.slice(next.length - cap) : next
}
