/**
 * Turns anything thrown or rejected into one readable sentence. Besides Errors and strings this
 * understands the event objects a WebSocket rejects with (the browser's and `ws`'s ErrorEvent,
 * which have no useful toString and made "The miner could not start: [object Object]"), and
 * objects that carry a message; it never returns "[object Object]" or "{}".
 */
export function errorMessage(error: unknown): string {
  return textOf(error, 0) ?? 'An unknown error occurred (no details were given).'
}

function textOf(error: unknown, depth: number): string | null {
  if (error === null || error === undefined) return null
  if (typeof error === 'string') return error.trim() || null
  if (typeof error !== 'object') return String(error)
  if (depth > 3) return null
  const o = error as { message?: unknown; error?: unknown; reason?: unknown; type?: unknown; target?: unknown; code?: unknown }
  if (typeof o.message === 'string' && o.message.trim()) return o.message.trim()
  const nested = textOf(o.error, depth + 1) ?? (typeof o.reason === 'string' ? textOf(o.reason, depth + 1) : null)
  if (nested) return nested
  const url = socketUrl(o.target)
  if (o.type === 'error' || o.type === 'close') return url ? `Could not connect to ${url}: the connection failed.` : 'The connection failed.'
  if (typeof o.code === 'string' || typeof o.code === 'number') return `Error ${String(o.code)}.`
  return null
}

function socketUrl(target: unknown): string | null {
  if (typeof target !== 'object' || target === null) return null
  const t = target as { url?: unknown; _url?: unknown }
  const url = t.url ?? t._url
  return typeof url === 'string' && url ? url : null
}

/**
 * Joins a lead-in and a detail into one sentence without doubled punctuation
 * ("Could not read the balance: timed out." not "...timed out..").
 */
export function sentence(lead: string, detail: unknown): string {
  const text = errorMessage(detail).replace(/[.\s]+$/, '')
  return `${lead}: ${text}.`
}
