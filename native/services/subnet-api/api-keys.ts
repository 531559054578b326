/**
 * API keys and their metered usage, in the engine's SQLite. A key's secret is shown once, at
 * creation or rotation; only its SHA-256 is stored, with a short prefix so an operator can tell
 * keys apart. Usage is counted per key and UTC day (requests, texts, tokens) for billing.
 */
import crypto from 'node:crypto'
import type Database from 'better-sqlite3'

export interface ApiKeyLimits {
  /** Requests per minute; 0 = unlimited. */
  readonly ratePerMinute: number
  /** Tokens per calendar month (UTC); 0 = unlimited. */
  readonly monthlyTokenQuota: number
}

export interface ApiKeyRow extends ApiKeyLimits {
  readonly id: string
  readonly name: string
  /** The first characters of the secret ("tdk_ab12…"), never the secret. */
  readonly prefix: string
  readonly createdAt: number
  readonly revokedAt: number | null
}

export interface UsageRow {
  readonly keyId: string
  readonly keyName: string
  readonly day: string
  readonly requests: number
  readonly texts: number
  readonly tokens: number
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subnet_api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  rate_per_minute INTEGER NOT NULL,
  monthly_token_quota INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS subnet_api_usage (
  key_id TEXT NOT NULL REFERENCES subnet_api_keys(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  texts INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (key_id, day)
);`

export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex')
}

function rowOf(r: Record<string, unknown>): ApiKeyRow {
  return {
    id: String(r.id),
    name: String(r.name),
    prefix: String(r.prefix),
    ratePerMinute: Number(r.rate_per_minute),
    monthlyTokenQuota: Number(r.monthly_token_quota),
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  }
}

const day = (t: number): string => new Date(t).toISOString().slice(0, 10)

export class ApiKeyStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(SCHEMA)
  }

  /** A new key; the secret is in the result only. */
  create(name: string, limits: ApiKeyLimits): { key: ApiKeyRow; secret: string } {
    const secret = `tdk_${crypto.randomBytes(24).toString('base64url')}`
    const id = crypto.randomUUID()
    this.db
      .prepare('INSERT INTO subnet_api_keys (id, name, hash, prefix, rate_per_minute, monthly_token_quota, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, name, hashSecret(secret), `${secret.slice(0, 8)}…`, limits.ratePerMinute, limits.monthlyTokenQuota, this.now())
    return { key: this.get(id)!, secret }
  }

  get(id: string): ApiKeyRow | undefined {
    const r = this.db.prepare<[string], Record<string, unknown>>('SELECT * FROM subnet_api_keys WHERE id = ?').get(id)
    return r ? rowOf(r) : undefined
  }

  list(): ApiKeyRow[] {
    return this.db.prepare<[], Record<string, unknown>>('SELECT * FROM subnet_api_keys ORDER BY created_at').all().map(rowOf)
  }

  /** The live key a secret belongs to; undefined for unknown or revoked secrets. */
  authenticate(secret: string): ApiKeyRow | undefined {
    const r = this.db.prepare<[string], Record<string, unknown>>('SELECT * FROM subnet_api_keys WHERE hash = ? AND revoked_at IS NULL').get(hashSecret(secret))
    return r ? rowOf(r) : undefined
  }

  revoke(id: string): boolean {
    return this.db.prepare('UPDATE subnet_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.now(), id).changes === 1
  }

  /** Revokes a key and issues a new secret with the same name and limits. */
  rotate(id: string): { key: ApiKeyRow; secret: string } | undefined {
    const old = this.get(id)
    if (!old || old.revokedAt !== null) return undefined
    return this.db.transaction(() => {
      this.revoke(id)
      return this.create(old.name, old)
    })()
  }

  record(keyId: string, texts: number, tokens: number): void {
    this.db
      .prepare(
        `INSERT INTO subnet_api_usage (key_id, day, requests, texts, tokens) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (key_id, day) DO UPDATE SET requests = requests + 1, texts = texts + excluded.texts, tokens = tokens + excluded.tokens`,
      )
      .run(keyId, day(this.now()), texts, tokens)
  }

  /** Tokens a key used in the current UTC month. */
  monthTokens(keyId: string): number {
    const month = day(this.now()).slice(0, 7)
    const r = this.db.prepare<[string, string], { t: number | null }>("SELECT sum(tokens) AS t FROM subnet_api_usage WHERE key_id = ? AND substr(day, 1, 7) = ?").get(keyId, month)
    return r?.t ?? 0
  }

  /** Usage per key and day since `sinceDay` (YYYY-MM-DD), oldest first. */
  usage(sinceDay = '0000-00-00'): UsageRow[] {
    return this.db
      .prepare<[string], Record<string, unknown>>(
        'SELECT u.key_id, k.name, u.day, u.requests, u.texts, u.tokens FROM subnet_api_usage u JOIN subnet_api_keys k ON k.id = u.key_id WHERE u.day >= ? ORDER BY u.day, k.name',
      )
      .all(sinceDay)
      .map((r) => ({ keyId: String(r.key_id), keyName: String(r.name), day: String(r.day), requests: Number(r.requests), texts: Number(r.texts), tokens: Number(r.tokens) }))
  }
}

/** Usage as CSV for billing (one row per key and day). */
export function usageCsv(rows: readonly UsageRow[]): string {
  const esc = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  return ['day,key_id,key_name,requests,texts,tokens', ...rows.map((r) => [r.day, r.keyId, esc(r.keyName), r.requests, r.texts, r.tokens].join(','))].join('\n') + '\n'
}
