/**
 * A bittensor-compatible dendrite (spec §4.2, §4.3, §4.5, §4.8): signs and sends synapse
 * requests to miners' axons, concurrently, with the 60 s total timeout, and maps every failure to
 * the status codes the Python dendrite uses. Responses are read with a size cap so that a hostile
 * miner cannot exhaust memory. Which synapse is sent, and how its answer is read, is the
 * caller's (a subnet protocol's) business: see `SynapseQuery`.
 */
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { Signer } from '../../keys/signer'
import { SDK_VERSION_AS_INT } from './format'
import type { SynapseRequest } from './request'
import { NonceClock, buildRequest, signRequest } from './request'

export const DEFAULT_TIMEOUT_S = 60
/** 512 texts × 1024 floats as JSON is ~10 MB; anything beyond 64 MiB is refused. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

export interface AxonTarget {
  readonly uid: number
  readonly hotkey: string
  readonly ip: string
  readonly port: number
}

/** Returned by `SynapseQuery.readAnswer` for a 200 body that is not the synapse that was sent. */
export const NOT_THIS_SYNAPSE: unique symbol = Symbol('not this synapse')

/** One synapse to send, and how to read the answer out of its 200 response. */
export interface SynapseQuery extends SynapseRequest {
  /**
   * The answer field of the parsed 200 body, or NOT_THIS_SYNAPSE when the Python dendrite could
   * not rebuild the synapse from it (its answer is then lost: 422).
   */
  readAnswer(json: unknown): unknown
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
  /** The answer of a 200 response (`readAnswer`), unvalidated; null otherwise (and with `deferParse`). */
  readonly results: unknown
  /**
   * With `deferParse`: the raw body of a 200 response, not parsed here. The validator hands it
   * to a scoring worker (parse + validate + score off the main thread), which also decides
   * whether it is the synapse at all.
   */
  readonly body?: Uint8Array
  readonly responseBytes: number
}

export interface DendriteOptions {
  readonly signer: Signer
  /** Our external IP as sent in `bt_header_dendrite_ip` (informational for the axon). */
  readonly externalIp?: string
  readonly timeoutS?: number
  readonly maxResponseBytes?: number
  /** Return 200 bodies raw (`QueryOutcome.body`) instead of JSON-parsing them on this thread. */
  readonly deferParse?: boolean
}

/** How the Python dendrite reads a whole response: its status, message and answer. */
export function readResponse(status: number, body: Buffer, query: Pick<SynapseQuery, 'name' | 'readAnswer'>): { status: number; message: string; results: unknown } {
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    return status === 200 ? { status: 422, message: 'Failed to parse response', results: null } : { status, message: `HTTP ${status}`, results: null }
  }
  if (status !== 200) {
    const message = typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : `HTTP ${status}`
    return { status, message, results: null }
  }
  const results = query.readAnswer(json)
  // The Python dendrite validates the echo as a full synapse; when that fails the answer is lost.
  if (results === NOT_THIS_SYNAPSE) return { status: 422, message: `Failed to parse response (not a ${query.name})`, results: null }
  return { status: 200, message: 'Success', results: results ?? null }
}

/** The miner's own processing time from `bt_header_axon_process_time`, if it sent one. */
export function axonProcessTime(headers: Readonly<Record<string, string | string[] | undefined>>): number | undefined {
  const seconds = Number(headers['bt_header_axon_process_time'])
  return Number.isFinite(seconds) ? seconds : undefined
}

function bracketHost(ip: string): string {
  return ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip
}

export class Dendrite {
  /** Stable for this dendrite's lifetime; axons track nonces per hotkey:uuid. */
  readonly uuid = randomUUID()
  private readonly nonces = new NonceClock()
  private readonly timeoutS: number
  private readonly maxBytes: number

  constructor(private readonly options: DendriteOptions) {
    this.timeoutS = options.timeoutS ?? DEFAULT_TIMEOUT_S
    this.maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  }

  get hotkey(): string {
    return this.options.signer.address
  }

  /** time.time_ns()-like, strictly increasing even within one millisecond. */
  nextNonce(): bigint {
    return this.nonces.next()
  }

  /** Queries one axon. Never throws: every failure becomes a status and a message. */
  async query(target: AxonTarget, query: SynapseQuery): Promise<QueryOutcome> {
    const started = performance.now()
    const base = { uid: target.uid, hotkey: target.hotkey }
    const elapsed = () => (performance.now() - started) / 1000
    if (!target.ip || target.ip === '0.0.0.0' || !(target.port > 0 && target.port < 65536)) {
      return { ...base, status: 503, message: `Miner ${target.uid} does not serve an axon`, latencyS: 0, results: null, responseBytes: 0 }
    }
    let request: { headers: Record<string, string>; body: string }
    try {
      const nonce = this.nextNonce()
      const dendrite = { ip: this.options.externalIp ?? '0.0.0.0', version: SDK_VERSION_AS_INT, uuid: this.uuid, hotkey: this.hotkey }
      const signature = signRequest(this.options.signer, nonce, this.uuid, target.hotkey)
      request = buildRequest({ synapse: query, target, timeoutS: this.timeoutS, dendrite, nonce, signature })
    } catch (error) {
      return { ...base, status: 500, message: `Could not sign the request: ${String(error)}`, latencyS: elapsed(), results: null, responseBytes: 0 }
    }
    const url = `http://${bracketHost(this.connectHost(target.ip))}:${target.port}/${query.name}`
    const raw = await this.post(url, request.headers, request.body)
    const latencyS = elapsed()
    if (raw.kind === 'timeout') return { ...base, status: 408, message: `Request timeout after ${this.timeoutS} seconds`, latencyS, results: null, responseBytes: raw.bytes }
    if (raw.kind === 'unreachable') return { ...base, status: 503, message: `Service unavailable at ${target.ip}:${target.port}/${query.name} (${raw.detail})`, latencyS, results: null, responseBytes: 0 }
    if (raw.kind === 'too-large') return { ...base, status: 422, message: `Response larger than ${Math.round(this.maxBytes / 1048576)} MiB; refused`, latencyS, results: null, responseBytes: raw.bytes }
    if (raw.kind === 'error') return { ...base, status: 500, message: raw.detail, latencyS, results: null, responseBytes: raw.bytes }
    const processTimeS = axonProcessTime(raw.headers)
    if (this.options.deferParse && raw.status === 200) return { ...base, status: 200, message: 'Success', latencyS, processTimeS, results: null, body: raw.body, responseBytes: raw.bytes }
    return { ...base, ...readResponse(raw.status, raw.body, query), latencyS, processTimeS, responseBytes: raw.bytes }
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
  queryAll(targets: readonly AxonTarget[], query: SynapseQuery, onDone?: (o: QueryOutcome) => void): Promise<QueryOutcome[]> {
    return Promise.all(
      targets.map(async (t) => {
        const o = await this.query(t, query)
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
