/**
 * A bittensor-compatible dendrite (spec §4.2, §4.3, §4.5, §4.8): signs and sends
 * `TextEmbeddingSynapse` requests to miners' axons, concurrently, with the 60 s total timeout, and
 * maps every failure to the status codes the Python dendrite uses. Responses are read with a size
 * cap so that a hostile miner cannot exhaust memory.
 */
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import { sha3_256 } from '@noble/hashes/sha3'
import { bytesToHex } from '@noble/hashes/utils'

export const SYNAPSE_NAME = 'TextEmbeddingSynapse'
/** sha3_256("") : the body hash of every SN5 synapse (no required_hash_fields). */
export const EMPTY_BODY_HASH = 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'
/** bittensor 9.0.0's version_as_int, what OpenKaito validators send. */
export const DENDRITE_VERSION = 9_000_000
export const DEFAULT_TIMEOUT_S = 60
/** 512 texts × 1024 floats as JSON is ~10 MB; anything beyond 64 MiB is refused. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
export const OPENKAITO_VERSION = { major: 0, minor: 8, patch: 3 } as const

/** Signs with the validator's hotkey (sr25519, "substrate" context). Implemented by the wallet. */
export interface HotkeySigner {
  readonly ss58: string
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>
}

export interface AxonTarget {
  readonly uid: number
  readonly hotkey: string
  readonly ip: string
  readonly port: number
}

export interface EmbeddingRequest {
  readonly texts: readonly string[]
  readonly dimensions: number
  readonly normalized: boolean
}

export interface QueryOutcome {
  readonly uid: number
  readonly hotkey: string
  /** HTTP-like status as the Python dendrite records it (200 ok, 408 timeout, 503 unreachable, 422 unparsable...). */
  readonly status: number
  readonly message: string
  /** Client-measured seconds from send to full response. */
  readonly latencyS: number
  /** The miner's own reported processing time, if any. */
  readonly processTimeS?: number
  /** `results` of a 200 response, unvalidated; null otherwise (and with `deferParse`). */
  readonly results: unknown
  /**
   * With `deferParse`: the raw body of a 200 response, not parsed here. The validator hands it
   * to a scoring worker (parse + validate + score off the main thread), which also decides
   * whether it is a TextEmbeddingSynapse at all.
   */
  readonly body?: Uint8Array
  readonly responseBytes: number
}

export interface DendriteOptions {
  readonly signer: HotkeySigner
  /** Our external IP as sent in `bt_header_dendrite_ip` (informational for the axon). */
  readonly externalIp?: string
  readonly timeoutS?: number
  readonly maxResponseBytes?: number
  /** Return 200 bodies raw (`QueryOutcome.body`) instead of JSON-parsing them on this thread. */
  readonly deferParse?: boolean
}

export function sha3Hex(s: string): string {
  return bytesToHex(sha3_256(new TextEncoder().encode(s)))
}

export function signatureMessage(nonce: bigint | string, dendriteHotkey: string, axonHotkey: string, uuid: string, bodyHash: string): string {
  return `${nonce}.${dendriteHotkey}.${axonHotkey}.${uuid}.${bodyHash}`
}

/** Python's `str(float)` for the timeout header: always with a decimal point. */
function pyFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x)
}

function bracketHost(ip: string): string {
  return ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip
}

export class Dendrite {
  /** Stable for this dendrite's lifetime; axons track nonces per hotkey:uuid. */
  readonly uuid = randomUUID()
  private lastNonce = 0n
  private readonly timeoutS: number
  private readonly maxBytes: number

  constructor(private readonly options: DendriteOptions) {
    this.timeoutS = options.timeoutS ?? DEFAULT_TIMEOUT_S
    this.maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  }

  get hotkey(): string {
    return this.options.signer.ss58
  }

  /** time.time_ns()-like, strictly increasing even within one millisecond. */
  nextNonce(): bigint {
    const hr = process.hrtime.bigint() % 1_000_000n
    let n = BigInt(Date.now()) * 1_000_000n + hr
    if (n <= this.lastNonce) n = this.lastNonce + 1n
    this.lastNonce = n
    return n
  }

  /** Builds the JSON body and headers for one target (exposed for tests). */
  async prepare(target: AxonTarget, request: EmbeddingRequest): Promise<{ headers: Record<string, string>; body: string; nonce: bigint }> {
    const nonce = this.nextNonce()
    const dendriteIp = this.options.externalIp ?? '0.0.0.0'
    const bodyHash = EMPTY_BODY_HASH
    const message = signatureMessage(nonce, this.hotkey, target.hotkey, this.uuid, bodyHash)
    const signature = `0x${bytesToHex(await this.options.signer.sign(new TextEncoder().encode(message)))}`
    const payload = {
      name: SYNAPSE_NAME,
      timeout: this.timeoutS,
      total_size: 0,
      header_size: 0,
      dendrite: {
        status_code: null,
        status_message: null,
        process_time: null,
        ip: dendriteIp,
        port: null,
        version: DENDRITE_VERSION,
        nonce: Number(nonce), // JSON number; the axon reads the header copy, which keeps every digit
        uuid: this.uuid,
        hotkey: this.hotkey,
        signature,
      },
      axon: { status_code: null, status_message: null, process_time: null, ip: target.ip, port: target.port, version: null, nonce: null, uuid: null, hotkey: target.hotkey, signature: null },
      computed_body_hash: '',
      texts: request.texts,
      dimensions: request.dimensions,
      normalized: request.normalized,
      version: OPENKAITO_VERSION,
      results: null,
    }
    const body = JSON.stringify(payload)
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      name: SYNAPSE_NAME,
      timeout: pyFloat(this.timeoutS),
      bt_header_axon_ip: target.ip,
      bt_header_axon_port: String(target.port),
      bt_header_axon_hotkey: target.hotkey,
      bt_header_dendrite_ip: dendriteIp,
      bt_header_dendrite_version: String(DENDRITE_VERSION),
      bt_header_dendrite_nonce: nonce.toString(),
      bt_header_dendrite_uuid: this.uuid,
      bt_header_dendrite_hotkey: this.hotkey,
      bt_header_dendrite_signature: signature,
      bt_header_input_obj_texts: 'W10=',
      header_size: '0',
      total_size: String(Buffer.byteLength(body)),
      computed_body_hash: bodyHash,
    }
    return { headers, body, nonce }
  }

  /** Queries one axon. Never throws: every failure becomes a status and a message. */
  async query(target: AxonTarget, request: EmbeddingRequest): Promise<QueryOutcome> {
    const started = performance.now()
    const base = { uid: target.uid, hotkey: target.hotkey }
    const elapsed = () => (performance.now() - started) / 1000
    if (!target.ip || target.ip === '0.0.0.0' || !(target.port > 0 && target.port < 65536)) {
      return { ...base, status: 503, message: `Miner ${target.uid} does not serve an axon`, latencyS: 0, results: null, responseBytes: 0 }
    }
    let prepared: Awaited<ReturnType<Dendrite['prepare']>>
    try {
      prepared = await this.prepare(target, request)
    } catch (error) {
      return { ...base, status: 500, message: `Could not sign the request: ${String(error)}`, latencyS: elapsed(), results: null, responseBytes: 0 }
    }
    const url = `http://${bracketHost(this.connectHost(target.ip))}:${target.port}/${SYNAPSE_NAME}`
    const raw = await this.post(url, prepared.headers, prepared.body)
    const latencyS = elapsed()
    if (raw.kind === 'timeout') return { ...base, status: 408, message: `Request timeout after ${this.timeoutS} seconds`, latencyS, results: null, responseBytes: raw.bytes }
    if (raw.kind === 'unreachable') return { ...base, status: 503, message: `Service unavailable at ${target.ip}:${target.port}/${SYNAPSE_NAME} (${raw.detail})`, latencyS, results: null, responseBytes: 0 }
    if (raw.kind === 'too-large') return { ...base, status: 422, message: `Response larger than ${Math.round(this.maxBytes / 1048576)} MiB; refused`, latencyS, results: null, responseBytes: raw.bytes }
    if (raw.kind === 'error') return { ...base, status: 500, message: raw.detail, latencyS, results: null, responseBytes: raw.bytes }
    const processTime = Number(raw.headers['bt_header_axon_process_time'])
    const processTimeS = Number.isFinite(processTime) ? processTime : undefined
    if (this.options.deferParse && raw.status === 200) return { ...base, status: 200, message: 'Success', latencyS, processTimeS, results: null, body: raw.body, responseBytes: raw.bytes }
    let json: unknown
    try {
      json = JSON.parse(raw.body.toString('utf8'))
    } catch {
      return { ...base, status: raw.status === 200 ? 422 : raw.status, message: raw.status === 200 ? 'Failed to parse response' : `HTTP ${raw.status}`, latencyS, processTimeS, results: null, responseBytes: raw.bytes }
    }
    if (raw.status !== 200) {
      const msg = typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : `HTTP ${raw.status}`
      return { ...base, status: raw.status, message: msg, latencyS, processTimeS, results: null, responseBytes: raw.bytes }
    }
    if (typeof json !== 'object' || json === null || !Array.isArray((json as { texts?: unknown }).texts)) {
      // The Python dendrite validates the echo as a full synapse; without `texts` the answer is lost.
      return { ...base, status: 422, message: 'Failed to parse response (not a TextEmbeddingSynapse)', latencyS, processTimeS, results: null, responseBytes: raw.bytes }
    }
    return { ...base, status: 200, message: 'Success', latencyS, processTimeS, results: (json as { results?: unknown }).results ?? null, responseBytes: raw.bytes }
  }

  /**
   * Where to connect for an axon at `ip`. Like the Python dendrite (spec §4.1), an axon published
   * with our own external IP is on this machine: it is reached over loopback (Python uses
   * 0.0.0.0, which only Linux treats as local). This is what lets a validator query a miner on
   * the same host behind a NAT without hairpinning, and the devnet tests publish a documentation
   * address (203.0.113.x) while listening on 127.0.0.1. The headers keep the published IP.
   */
  connectHost(ip: string): string {
    const own = this.options.externalIp
    return own && own !== '0.0.0.0' && ip === own ? '127.0.0.1' : ip
  }

  /** Queries every target at once; results come back in the targets' order. */
  queryAll(targets: readonly AxonTarget[], request: EmbeddingRequest, onDone?: (o: QueryOutcome) => void): Promise<QueryOutcome[]> {
    return Promise.all(
      targets.map(async (t) => {
        const o = await this.query(t, request)
        onDone?.(o)
        return o
      }),
    )
  }

  private post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<
    | { kind: 'ok'; status: number; headers: http.IncomingHttpHeaders; body: Buffer; bytes: number }
    | { kind: 'timeout'; bytes: number }
    | { kind: 'too-large'; bytes: number }
    | { kind: 'unreachable'; detail: string; bytes: number }
    | { kind: 'error'; detail: string; bytes: number }
  > {
    return new Promise((resolve) => {
      let settled = false
      let bytes = 0
      const finish = (v: Parameters<typeof resolve>[0]) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(v)
      }
      const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false })
      const timer = setTimeout(() => {
        finish({ kind: 'timeout', bytes })
        req.destroy()
      }, this.timeoutS * 1000)
      req.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? ''
        if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE'].includes(code)) finish({ kind: 'unreachable', detail: code, bytes })
        else finish({ kind: 'error', detail: error.message, bytes })
      })
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        const declared = Number(res.headers['content-length'])
        if (Number.isFinite(declared) && declared > this.maxBytes) {
          finish({ kind: 'too-large', bytes: declared })
          req.destroy()
          return
        }
        // With a Content-Length, chunks are copied into one buffer of that size as they arrive
        // (an answer is ~10 MB): no list of chunks plus a concatenated copy at the end, and the
        // buffer is whole, so the scoring worker can take it without another copy.
        let whole: Buffer | null = Number.isInteger(declared) && declared > 0 ? Buffer.allocUnsafeSlow(declared) : null
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          if (bytes > this.maxBytes) {
            finish({ kind: 'too-large', bytes })
            req.destroy()
            return
          }
          if (whole && bytes <= whole.length) chunk.copy(whole, bytes - chunk.length)
          else {
            if (whole) chunks.push(whole.subarray(0, bytes - chunk.length))
            whole = null
            chunks.push(chunk)
          }
        })
        res.on('end', () => finish({ kind: 'ok', status: res.statusCode ?? 0, headers: res.headers, body: whole ? (bytes === whole.length ? whole : whole.subarray(0, bytes)) : Buffer.concat(chunks), bytes }))
        res.on('error', (error) => finish({ kind: 'error', detail: error.message, bytes }))
      })
      req.end(body)
    })
  }
}
