/** Per-key request limits over a sliding one-minute window. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one request for `key`; the seconds to wait when the key is over `perMinute` (0 = unlimited). */
  take(key: string, perMinute: number): { ok: true } | { ok: false; retryAfterSec: number } {
    if (perMinute <= 0) return { ok: true }
    const t = this.now()
    const recent = (this.hits.get(key) ?? []).filter((h) => t - h < 60_000)
    if (recent.length >= perMinute) {
      this.hits.set(key, recent)
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((recent[0]! + 60_000 - t) / 1000)) }
    }
    recent.push(t)
    this.hits.set(key, recent)
    return { ok: true }
  }
}
