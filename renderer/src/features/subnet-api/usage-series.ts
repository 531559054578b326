import type { ApiKeyUsage } from '../../../../native/contract'

/** Usage rows (one per key and day) as chart rows: one per day, one column per key name. */
export function usageByDay(rows: readonly ApiKeyUsage[], measure: 'requests' | 'texts' | 'tokens'): { data: Array<Record<string, string | number>>; keys: string[] } {
  const keys = [...new Set(rows.map((r) => r.keyName))].sort()
  const days = new Map<string, Record<string, string | number>>()
  for (const r of rows) {
    const row = days.get(r.day) ?? Object.fromEntries([['day', r.day], ...keys.map((k) => [k, 0])])
    row[r.keyName] = Number(row[r.keyName] ?? 0) + r[measure]
    days.set(r.day, row)
  }
  return { data: [...days.values()].sort((a, b) => String(a.day).localeCompare(String(b.day))), keys }
}
