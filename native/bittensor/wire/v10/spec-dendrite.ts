import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { KeyringPair } from '@polkadot/keyring/types'
import { u8aToHex } from '@polkadot/util'
import { EMPTY_BODY_HASH, EMPTY_LIST_B64, signatureMessage } from './headers'

/**
 * A dendrite written from spec §4.2–§4.5, sending exactly what bittensor 9.0.0's Python
 * dendrite sends. Used by the axon tests and the load benchmark; not production code (the
 * validator has its own).
 */
export interface SpecDendriteOptions {
  readonly pair: KeyringPair
  readonly externalIp?: string
  readonly version?: number
  readonly uuid?: string
}

export interface AxonTarget {
  readonly ip: string
  readonly port: number
  readonly hotkey: string
}

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
  private lastNonce = 0n
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 })

  constructor(readonly options: SpecDendriteOptions) {
    this.uuid = options.uuid ?? randomUUID()
  }

  get hotkey(): string {
    return this.options.pair.address
  }

  /** `time.time_ns()`, forced strictly increasing. */
  nextNonce(): bigint {
    let n = BigInt(Date.now()) * 1_000_000n
    if (n <= this.lastNonce) n = this.lastNonce + 1n
    this.lastNonce = n
    return n
  }

  /** The synapse JSON (`model_dump()`) as the Python dendrite posts it (§4.5). */
  body(target: AxonTarget, route: string, nonce: bigint, signature: string, fields: Record<string, unknown>, timeoutS: number): string {
    const dump = {
      name: route,
      timeout: timeoutS,
      total_size: 0,
      header_size: 0,
      dendrite: {
        status_code: null,
        status_message: null,
        process_time: null,
        ip: this.options.externalIp ?? '203.0.113.7',
        port: null,
        version: this.options.version ?? 9_000_000,
        nonce: '__NONCE__',
        uuid: this.uuid,
        hotkey: this.hotkey,
        signature,
      },
      axon: {
        status_code: null,
        status_message: null,
        process_time: null,
        ip: target.ip,
        port: target.port,
        version: null,
        nonce: null,
        uuid: null,
        hotkey: target.hotkey,
        signature: null,
      },
      computed_body_hash: '',
      ...fields,
    }
    // Python ints are exact: write the 19-digit nonce as a JSON number without rounding.
    return JSON.stringify(dump).replace('"__NONCE__"', nonce.toString())
  }

  headers(target: AxonTarget, route: string, nonce: bigint, signature: string | null, required: readonly string[], timeoutS: number): Record<string, string> {
    const h: Record<string, string> = {
      name: route,
      timeout: Number.isInteger(timeoutS) ? `${timeoutS}.0` : String(timeoutS),
      bt_header_axon_ip: target.ip,
      bt_header_axon_port: String(target.port),
      bt_header_axon_hotkey: target.hotkey,
      bt_header_dendrite_ip: this.options.externalIp ?? '203.0.113.7',
      bt_header_dendrite_version: String(this.options.version ?? 9_000_000),
      bt_header_dendrite_nonce: nonce.toString(),
      bt_header_dendrite_uuid: this.uuid,
      bt_header_dendrite_hotkey: this.hotkey,
    }
    if (signature !== null) h.bt_header_dendrite_signature = signature
    for (const field of required) h[`bt_header_input_obj_${field}`] = EMPTY_LIST_B64
    h.header_size = '640'
    h.total_size = '4096'
    h.computed_body_hash = EMPTY_BODY_HASH
    return h
  }

  sign(nonce: bigint, axonHotkey: string): string {
    const msg = signatureMessage(nonce, this.hotkey, axonHotkey, this.uuid, EMPTY_BODY_HASH)
    return u8aToHex(this.options.pair.sign(new TextEncoder().encode(msg)))
  }

  /** POST /TextEmbeddingSynapse with the validator's fields (dimensions 1024, version 0.8.3). */
  embed(target: AxonTarget, texts: readonly string[], overrides: SendOverrides = {}, fields: Record<string, unknown> = {}): Promise<DendriteResponse> {
    return this.send(target, 'TextEmbeddingSynapse', ['texts'], { texts, dimensions: 1024, normalized: true, version: { major: 0, minor: 8, patch: 3 }, results: null, ...fields }, overrides)
  }

  ping(target: AxonTarget, overrides: SendOverrides = {}): Promise<DendriteResponse> {
    return this.send(target, 'Synapse', [], {}, overrides)
  }

  send(target: AxonTarget, route: string, required: readonly string[], fields: Record<string, unknown>, o: SendOverrides = {}): Promise<DendriteResponse> {
    const timeoutS = o.timeoutS ?? 60
    const nonce = o.nonce ?? this.nextNonce()
    const signature = o.signature === undefined ? this.sign(nonce, o.signFor ?? target.hotkey) : o.signature
    const headers = this.headers(target, route, nonce, signature, required, timeoutS)
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (v === null) delete headers[k]
      else headers[k] = v
    }
    const body = o.bodyText ?? this.body(target, route, nonce, signature ?? '', fields, timeoutS)
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
