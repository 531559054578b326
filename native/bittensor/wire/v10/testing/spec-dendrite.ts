import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { Signer } from '../../../keys/signer'
import { OPENKAITO_VERSION, TEXT_EMBEDDING_REQUIRED_FIELDS, TEXT_EMBEDDING_SYNAPSE } from '../../../../protocols/text-embedding/synapse'
import { PING_ROUTE, SDK_VERSION_AS_INT } from '../format'
import type { AxonAddress, RequestParts } from '../request'
import { NonceClock, requestBody, requestHeaders, signRequest } from '../request'

/**
 * A dendrite that sends exactly what bittensor 9.0.0's Python dendrite sends (the request is
 * built by ../request.ts), and lets a test bend any part of it. Used by the axon tests and the
 * load benchmark; the validator has its own (../dendrite.ts).
 */
export interface SpecDendriteOptions {
  /** A KeyringPair will do. */
  readonly pair: Signer
  readonly externalIp?: string
  readonly version?: number
  readonly uuid?: string
}

export type AxonTarget = AxonAddress

export interface DendriteResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly rawHeaderNames: string[]
  readonly body: string
  readonly json: unknown
}

export interface SendOverrides {
  readonly nonce?: bigint
  readonly signature?: string | null
  readonly bodyText?: string
  readonly headers?: Record<string, string | null>
  readonly method?: string
  readonly path?: string
  readonly timeoutS?: number
  /** Sign for this axon hotkey instead of the target's. */
  readonly signFor?: string
}

export class SpecDendrite {
  readonly uuid: string
  private readonly nonces = new NonceClock()
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 })

  constructor(readonly options: SpecDendriteOptions) {
    this.uuid = options.uuid ?? randomUUID()
  }

  get hotkey(): string {
    return this.options.pair.address
  }

  /** `time.time_ns()`, forced strictly increasing. */
  nextNonce(): bigint {
    return this.nonces.next()
  }

  private parts(target: AxonTarget, route: string, nonce: bigint, signature: string | null, required: readonly string[], fields: Record<string, unknown>, timeoutS: number): RequestParts {
    const dendrite = { ip: this.options.externalIp ?? '203.0.113.7', version: this.options.version ?? SDK_VERSION_AS_INT, uuid: this.uuid, hotkey: this.hotkey }
    return { synapse: { name: route, requiredFields: required, fields }, target, timeoutS, dendrite, nonce, signature }
  }

  /** The synapse JSON (`model_dump()`) as the Python dendrite posts it (§4.5). */
  body(target: AxonTarget, route: string, nonce: bigint, signature: string, fields: Record<string, unknown>, timeoutS: number): string {
    return requestBody(this.parts(target, route, nonce, signature, [], fields, timeoutS))
  }

  headers(target: AxonTarget, route: string, nonce: bigint, signature: string | null, required: readonly string[], timeoutS: number, fields: Record<string, unknown> = {}): Record<string, string> {
    const parts = this.parts(target, route, nonce, signature, required, fields, timeoutS)
    return requestHeaders(parts, Buffer.byteLength(requestBody(parts)))
  }

  sign(nonce: bigint, axonHotkey: string): string {
    return signRequest(this.options.pair, nonce, this.uuid, axonHotkey)
  }

  /** POST /TextEmbeddingSynapse with the validator's fields (dimensions 1024, version 0.8.3). */
  embed(target: AxonTarget, texts: readonly string[], overrides: SendOverrides = {}, fields: Record<string, unknown> = {}): Promise<DendriteResponse> {
    return this.send(target, TEXT_EMBEDDING_SYNAPSE, TEXT_EMBEDDING_REQUIRED_FIELDS, { texts, dimensions: 1024, normalized: true, version: OPENKAITO_VERSION, results: null, ...fields }, overrides)
  }

  ping(target: AxonTarget, overrides: SendOverrides = {}): Promise<DendriteResponse> {
    return this.send(target, PING_ROUTE, [], {}, overrides)
  }

  send(target: AxonTarget, route: string, required: readonly string[], fields: Record<string, unknown>, o: SendOverrides = {}): Promise<DendriteResponse> {
    const timeoutS = o.timeoutS ?? 60
    const nonce = o.nonce ?? this.nextNonce()
    const signature = o.signature === undefined ? this.sign(nonce, o.signFor ?? target.hotkey) : o.signature
    const parts = this.parts(target, route, nonce, signature, required, fields, timeoutS)
    const body = o.bodyText ?? requestBody(parts)
    const headers = requestHeaders(parts, Buffer.byteLength(body))
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (v === null) delete headers[k]
      else headers[k] = v
    }
    return rawRequest({ host: target.ip === '0.0.0.0' ? '127.0.0.1' : target.ip, port: target.port, method: o.method ?? 'POST', path: o.path ?? `/${route}`, headers: { ...headers, 'content-type': 'application/json' }, body, agent: this.agent, timeoutMs: Math.min(timeoutS * 1000 + 5000, 600_000) })
  }

  close(): void {
    this.agent.destroy()
  }
}

export function rawRequest(r: {
  host: string
  port: number
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer
  agent?: http.Agent
  timeoutMs?: number
}): Promise<DendriteResponse> {
  return new Promise((resolve, reject) => {
    const payload = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8')
    const req = http.request(
      {
        host: r.host,
        port: r.port,
        method: r.method,
        path: r.path,
        headers: { ...r.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
        agent: r.agent ?? false,
        timeout: r.timeoutMs ?? 65_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown = undefined
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          const names: string[] = []
          for (let i = 0; i < res.rawHeaders.length; i += 2) names.push(res.rawHeaders[i]!)
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaderNames: names, body: text, json })
        })
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error('client timeout')))
    req.on('error', reject)
    if (payload) req.end(payload)
    else req.end()
  })
}
