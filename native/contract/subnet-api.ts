import { z } from 'zod'
import { event, method } from './define'

/**
 * The validator's subnet API: an OpenAI-compatible embeddings endpoint in front of the subnet's
 * miners, for outside users with API keys. Secrets are returned once (create, rotate) and never
 * again; the engine keeps only their hash.
 */
export const SubnetApiConfig = z.object({
  enabled: z.boolean(),
  port: z.number().int().min(1).max(65535),
  /** 127.0.0.1 unless the operator exposes it (behind a TLS reverse proxy, see the guidance). */
  bindAddress: z.string().min(1).max(100),
  /** Defaults for new keys: requests a minute (0 = unlimited) and tokens a month (0 = unlimited). */
  defaultRatePerMinute: z.number().int().min(0).max(1_000_000),
  defaultMonthlyTokenQuota: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Ask two miners and refuse answers that disagree. */
  crossCheck: z.boolean(),
})
export type SubnetApiConfig = z.infer<typeof SubnetApiConfig>

export const SUBNET_API_DEFAULTS: SubnetApiConfig = { enabled: false, port: 8091, bindAddress: '127.0.0.1', defaultRatePerMinute: 60, defaultMonthlyTokenQuota: 0, crossCheck: false }

export const SubnetApiStatus = z.object({
  config: SubnetApiConfig,
  listening: z.boolean(),
  /** http://host:port/v1 while listening. */
  baseUrl: z.string().nullable(),
  /** Why it is not listening although turned on (port taken, ...), in plain words. */
  error: z.string().nullable(),
  /** Miners the validator's leaderboard offers for routing now. */
  miners: z.number().int(),
  model: z.string(),
  tlsGuidance: z.string(),
})
export type SubnetApiStatus = z.infer<typeof SubnetApiStatus>

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the secret, never the secret. */
  prefix: z.string(),
  ratePerMinute: z.number().int(),
  monthlyTokenQuota: z.number().int(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
})
export type ApiKey = z.infer<typeof ApiKey>

export const ApiKeyUsage = z.object({ keyId: z.string(), keyName: z.string(), day: z.string(), requests: z.number().int(), texts: z.number().int(), tokens: z.number().int() })
export type ApiKeyUsage = z.infer<typeof ApiKeyUsage>

const KeyId = z.string().min(1).max(100)
const NewSecret = z.object({ key: ApiKey, secret: z.string() })

export const subnetApiMethods = {
  'subnetApi.status': method(z.object({}).strict(), SubnetApiStatus, 'Whether the subnet API is on and listening, where, and its settings.'),
  'subnetApi.configure': method(
    SubnetApiConfig.partial().strict(),
    SubnetApiStatus,
    'Changes the subnet API settings (saved); turning it on starts listening, off stops it, a new port or address restarts it.',
  ),
  'subnetApi.keys.create': method(
    z.object({ name: z.string().trim().min(1).max(64), ratePerMinute: z.number().int().min(0).max(1_000_000).optional(), monthlyTokenQuota: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).strict(),
    NewSecret,
    'A new API key (limits default to the settings). Its secret is in this answer only.',
  ),
  'subnetApi.keys.list': method(z.object({}).strict(), z.array(ApiKey), 'Every API key with its prefix, limits and whether it was revoked.'),
  'subnetApi.keys.revoke': method(z.object({ id: KeyId }).strict(), z.object({ id: z.string() }), 'Revokes a key: it stops working at once.'),
  'subnetApi.keys.rotate': method(z.object({ id: KeyId }).strict(), NewSecret.extend({ replaced: z.string() }), 'Revokes a key and issues a new secret with the same name and limits (in this answer only).'),
  'subnetApi.usage': method(
    z.object({ sinceDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).strict(),
    z.object({ rows: z.array(ApiKeyUsage), csv: z.string() }),
    'Requests, texts and tokens per key and UTC day, oldest first, with the same rows as CSV for billing.',
  ),
}

export const subnetApiEvents = {
  'subnetApi.status': event(SubnetApiStatus, 'The subnet API was turned on or off, or its settings changed.'),
}
