import crypto from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const TOKEN_COOKIE = 'taodesk_token'
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/

export function generateToken(): string {
  return crypto.randomBytes(24).toString('base64url')
}

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token)
}

/** Constant-time comparison, so response timing does not leak how much of a guess was right. */
export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false
  const a = crypto.createHash('sha256').update(expected).digest()
  const b = crypto.createHash('sha256').update(given).digest()
  return crypto.timingSafeEqual(a, b)
}

export type TokenSource = 'query' | 'header' | 'cookie'

/** Finds a token in `?token=`, `Authorization: Bearer`, or the session cookie. */
export function presentedToken(req: IncomingMessage, url: URL): { token: string; source: TokenSource } | undefined {
  const query = url.searchParams.get('token')
  if (query) return { token: query, source: 'query' }
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), source: 'header' }
  const cookie = parseCookies(req.headers.cookie)[TOKEN_COOKIE]
  if (cookie) return { token: cookie, source: 'cookie' }
  return undefined
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!header) return out
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    const key = part.slice(0, i).trim()
    const value = part.slice(i + 1).trim()
    if (key) {
      try {
        out[key] = decodeURIComponent(value)
      } catch {
        out[key] = value
      }
    }
  }
  return out
}

export function sessionCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
}

/** Loopback addresses need no extra consent; anything else exposes the engine to a network. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

/**
 * A browser page may only open the socket from the origin the engine serves: this blocks
 * other websites from driving the engine through a user's browser. Non-browser clients
 * (CLI, scripts) send no Origin and are judged by their token alone.
 */
export function isAllowedOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true
  if (!hostHeader) return false
  try {
    const o = new URL(origin)
    return (o.protocol === 'http:' || o.protocol === 'https:') && o.host === hostHeader
  } catch {
    return false
  }
}
