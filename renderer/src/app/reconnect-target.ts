/**
 * The address to open from what the user pasted: the new `taodesk serve` URL (with its token) or
 * just the token; null when it is neither. A pasted token for another host keeps this tab's host
 * only when the user gave a bare token.
 */
export function reconnectTarget(pasted: string, here: Pick<Location, 'origin'>): string | null {
  const text = pasted.trim()
  if (!text) return null
  if (/^[A-Za-z0-9_-]{16,}$/.test(text)) return `${here.origin}/?token=${text}`
  try {
    const url = new URL(text)
    if (!/^https?:$/.test(url.protocol) || !url.searchParams.get('token')) return null
    return url.toString()
  } catch {
    return null
  }
}
