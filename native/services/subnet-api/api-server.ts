/**
 * The subnet API: an OpenAI-compatible `POST /v1/embeddings` and `GET /v1/models` in front of the
 * subnet's miners. Bearer API keys (hashed at rest), per-key rate limits (429 + Retry-After) and
 * monthly token quotas, usage metered per key, Prometheus counters per key at `/metrics` (loopback
 * callers only). Secrets never reach a log: only key ids and names do.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiKeyRow, ApiKeyStore } from './api-keys'
import type { AskMiner, MinerCandidate, RouteOptions } from './miner-router'
import { RouteError, routeEmbeddings } from './miner-router'
import type { RateLimiter } from './rate-limiter'

export interface SubnetApiLog {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
}

export interface SubnetApiOptions {
  readonly keys: ApiKeyStore
  readonly limiter: RateLimiter
  readonly log: SubnetApiLog
  /** The model name users pass and see (the subnet's served model). */
  readonly model: string
  /** The best-scoring miners now (the validator's leaderboard). */
  readonly candidates: () => readonly MinerCandidate[]
  readonly ask: AskMiner
  readonly route: RouteOptions
  /** Most texts in one request. */
  readonly maxTexts?: number
}

const MAX_BODY = 1 << 20

/** Token count as billed: about four characters per token (OpenAI's rule of thumb for English). */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4))
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

function fail(res: http.ServerResponse, status: number, type: string, code: string, message: string, headers?: Record<string, string>): void {
  send(res, status, { error: { message, type, code, param: null } }, headers)
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new Error('too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Per-key counters for Prometheus (labels: key id and name, never the secret). */
class KeyMetrics {
  private readonly counters = new Map<string, { name: string; requests: number; texts: number; tokens: number; rejected: number; errors: number }>()

  private of(key: ApiKeyRow) {
    let c = this.counters.get(key.id)
    if (!c) this.counters.set(key.id, (c = { name: key.name, requests: 0, texts: 0, tokens: 0, rejected: 0, errors: 0 }))
    return c
  }

  served(key: ApiKeyRow, texts: number, tokens: number): void {
    const c = this.of(key)
    c.requests++
    c.texts += texts
    c.tokens += tokens
  }

  rejected(key: ApiKeyRow): void {
    this.of(key).rejected++
  }

  errored(key: ApiKeyRow): void {
    this.of(key).errors++
  }

  text(): string {
    const label = (id: string, name: string): string => `{key_id="${id}",key_name="${name.replace(/["\\\n]/g, '_')}"}`
    const lines: string[] = []
    const metric = (m: string, help: string, pick: (c: { requests: number; texts: number; tokens: number; rejected: number; errors: number }) => number): void => {
      lines.push(`# HELP ${m} ${help}`, `# TYPE ${m} counter`)
      for (const [id, c] of this.counters) lines.push(`${m}${label(id, c.name)} ${pick(c)}`)
    }
    metric('taodesk_subnet_api_requests_total', 'Embedding requests served per API key.', (c) => c.requests)
    metric('taodesk_subnet_api_texts_total', 'Texts embedded per API key.', (c) => c.texts)
    metric('taodesk_subnet_api_tokens_total', 'Tokens billed per API key.', (c) => c.tokens)
    metric('taodesk_subnet_api_rejected_total', 'Requests refused for rate limit or quota per API key.', (c) => c.rejected)
    metric('taodesk_subnet_api_errors_total', 'Requests no miner could answer per API key.', (c) => c.errors)
    return `${lines.join('\n')}\n`
  }
}

export class SubnetApiServer {
  private server: http.Server | undefined
  private readonly metrics = new KeyMetrics()

  constructor(private readonly o: SubnetApiOptions) {}

  get port(): number | null {
    const a = this.server?.address() as AddressInfo | null | undefined
    return a ? a.port : null
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.o.log.warn('Subnet API request failed', { error: error instanceof Error ? error.message : String(error) })
        if (!res.headersSent) fail(res, 500, 'server_error', 'internal', 'The server failed to answer; try again.')
      })
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve())
    })
    this.o.log.info('Subnet API listening', { host, port: this.port })
    return this.port!
  }

  async close(): Promise<void> {
    const s = this.server
    this.server = undefined
    if (s) await new Promise<void>((r) => s.close(() => r()))
  }

  prometheus(): string {
    return this.metrics.text()
  }

  private authenticate(req: http.IncomingMessage): ApiKeyRow | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    return m ? this.o.keys.authenticate(m[1]!) : undefined
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path === '/metrics') {
      const local = req.socket.remoteAddress === '127.0.0.1' || req.socket.remoteAddress === '::1'
      if (!local || req.headers['x-forwarded-for']) return fail(res, 403, 'permission_error', 'forbidden', 'Metrics are served to this machine only.')
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      return void res.end(this.prometheus())
    }
    const key = this.authenticate(req)
    if (!key) return fail(res, 401, 'invalid_request_error', 'invalid_api_key', 'Missing or invalid API key. Pass it as "Authorization: Bearer <key>".')
    if (req.method === 'GET' && path === '/v1/models') {
      return send(res, 200, { object: 'list', data: [{ id: this.o.model, object: 'model', created: 0, owned_by: 'taodesk-subnet' }] })
    }
    if (req.method !== 'POST' || path !== '/v1/embeddings') return fail(res, 404, 'invalid_request_error', 'not_found', `No route ${req.method} ${path}. This API serves POST /v1/embeddings and GET /v1/models.`)
    const allowed = this.o.limiter.take(key.id, key.ratePerMinute)
    if (!allowed.ok) {
      this.metrics.rejected(key)
      return fail(res, 429, 'rate_limit_exceeded', 'rate_limit_exceeded', `This key allows ${key.ratePerMinute} requests a minute. Retry after ${allowed.retryAfterSec} s.`, { 'retry-after': String(allowed.retryAfterSec) })
    }
    let body: { input?: unknown; model?: unknown; encoding_format?: unknown }
    try {
      body = JSON.parse(await readBody(req)) as typeof body
    } catch {
      return fail(res, 400, 'invalid_request_error', 'invalid_json', 'The body must be JSON of at most 1 MiB: {"model": "...", "input": "text" or ["text", ...]}.')
    }
    const texts = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) && body.input.every((x) => typeof x === 'string') ? (body.input as string[]) : null
    if (!texts || texts.length === 0 || texts.length > (this.o.maxTexts ?? 256)) return fail(res, 400, 'invalid_request_error', 'invalid_input', `"input" must be a string or an array of 1 to ${this.o.maxTexts ?? 256} strings.`)
    const tokens = texts.reduce((n, t) => n + estimateTokens(t), 0)
    if (key.monthlyTokenQuota > 0 && this.o.keys.monthTokens(key.id) + tokens > key.monthlyTokenQuota) {
      this.metrics.rejected(key)
      return fail(res, 429, 'insufficient_quota', 'insufficient_quota', `This key has used its monthly quota of ${key.monthlyTokenQuota} tokens. Ask the operator to raise it.`)
    }
    let routed
    try {
      routed = await routeEmbeddings(this.o.candidates(), texts, this.o.ask, this.o.route)
    } catch (error) {
      this.metrics.errored(key)
      const message = error instanceof RouteError ? error.message : 'The miners could not be reached.'
      this.o.log.warn('Subnet API: no miner answered', { keyId: key.id, reason: message })
      return fail(res, error instanceof RouteError && error.kind === 'disagree' ? 502 : 503, 'server_error', 'miners_unavailable', message)
    }
    this.o.keys.record(key.id, texts.length, tokens)
    this.metrics.served(key, texts.length, tokens)
    const base64 = body.encoding_format === 'base64'
    send(res, 200, {
      object: 'list',
      model: typeof body.model === 'string' ? body.model : this.o.model,
      data: routed.vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v })),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    })
  }
}

/** What to tell an operator before exposing the API beyond this machine. */
export const TLS_GUIDANCE = [
  'The subnet API listens on plain HTTP. Never expose it to the internet without TLS: API keys travel in the Authorization header.',
  'Put a TLS-terminating reverse proxy in front of it, for example Caddy ("reverse_proxy 127.0.0.1:<port>" under your domain gets a Let’s Encrypt certificate automatically) or nginx with certbot.',
  'Keep the API bound to 127.0.0.1 and let only the proxy reach it; /metrics answers loopback callers without X-Forwarded-For only, so the proxy never exposes it.',
  'Rotate a key at once if it may have leaked; the old secret stops working immediately.',
].join('\n')
