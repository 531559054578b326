/**
 * What every wire format's client shares (v10 dendrite, btauth/1 client): the miner as a target,
 * the outcome of one query with the Python dendrite's status codes, and one HTTP POST with a
 * total timeout and a cap on the response size, so that a hostile miner cannot exhaust memory.
 */
import http from 'node:http'

export const DEFAULT_TIMEOUT_S = 60
/** 512 texts × 1024 floats as JSON is ~10 MB; anything beyond 64 MiB is refused. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

export interface AxonTarget {
  readonly uid: number
  readonly hotkey: string
  readonly ip: string
  readonly port: number
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
  /** The answer of a 200 response, unvalidated; null otherwise (and with `deferParse`). */
  readonly results: unknown
  /**
   * With `deferParse`: the raw body of a 200 response, not parsed here. The validator hands it
   * to a scoring worker (parse + validate + score off the main thread), which also decides
   * whether it is the expected answer at all.
   */
  readonly body?: Uint8Array
  readonly responseBytes: number
}

export type RawResponse =
  | { kind: 'ok'; status: number; headers: http.IncomingHttpHeaders; body: Buffer; bytes: number }
  | { kind: 'timeout'; bytes: number }
  | { kind: 'too-large'; bytes: number }
  | { kind: 'unreachable'; detail: string; bytes: number }
  | { kind: 'error'; detail: string; bytes: number }

export interface PostLimits {
  readonly timeoutS: number
  readonly maxBytes: number
}

/** Why a miner cannot be queried at all (no axon published), or undefined. */
export function unservedOutcome(target: AxonTarget): QueryOutcome | undefined {
  if (target.ip && target.ip !== '0.0.0.0' && target.port > 0 && target.port < 65536) return undefined
  return { uid: target.uid, hotkey: target.hotkey, status: 503, message: `Miner ${target.uid} does not serve an axon`, latencyS: 0, results: null, responseBytes: 0 }
}

/** The outcome of a transport failure (anything but a whole response), as the Python dendrite reports it. */
export function transportFailure(target: AxonTarget, raw: Exclude<RawResponse, { kind: 'ok' }>, where: string, latencyS: number, limits: PostLimits): QueryOutcome {
  const base = { uid: target.uid, hotkey: target.hotkey, latencyS, results: null }
  switch (raw.kind) {
    case 'timeout':
      return { ...base, status: 408, message: `Request timeout after ${limits.timeoutS} seconds`, responseBytes: raw.bytes }
    case 'unreachable':
      return { ...base, status: 503, message: `Service unavailable at ${target.ip}:${target.port}${where} (${raw.detail})`, responseBytes: 0 }
    case 'too-large':
      return { ...base, status: 422, message: `Response larger than ${Math.round(limits.maxBytes / 1048576)} MiB; refused`, responseBytes: raw.bytes }
    case 'error':
      return { ...base, status: 500, message: raw.detail, responseBytes: raw.bytes }
  }
}

/**
 * Where to connect for an axon at `ip`. Like the Python dendrite (spec §4.1), an axon published
 * with our own external IP is on this machine: it is reached over loopback (Python uses
 * 0.0.0.0, which only Linux treats as local). This is what lets a validator query a miner on
 * the same host behind a NAT without hairpinning, and the devnet tests publish a documentation
 * address (203.0.113.x) while listening on 127.0.0.1.
 */
export function connectHost(ip: string, externalIp: string | undefined): string {
  return externalIp && externalIp !== '0.0.0.0' && ip === externalIp ? '127.0.0.1' : ip
}

/** `http://host:port` of an axon, IPv6 bracketed. */
export function axonOrigin(target: AxonTarget, externalIp: string | undefined): string {
  const host = connectHost(target.ip, externalIp)
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${target.port}`
}

/** One POST, never throwing: every failure becomes a RawResponse kind. */
export function postRaw(url: string, headers: Record<string, string>, body: string | Buffer, limits: PostLimits): Promise<RawResponse> {
  return new Promise((resolve) => {
    let settled = false
    let bytes = 0
    const finish = (v: RawResponse) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(v)
    }
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false })
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', bytes })
      req.destroy()
    }, limits.timeoutS * 1000)
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? ''
      if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE'].includes(code)) finish({ kind: 'unreachable', detail: code, bytes })
      else finish({ kind: 'error', detail: error.message, bytes })
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      const declared = Number(res.headers['content-length'])
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
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
        if (bytes > limits.maxBytes) {
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

export interface QueryClientOptions {
  /** Our external IP: axons published with it are reached over loopback (see connectHost). */
  readonly externalIp?: string
  readonly timeoutS?: number
  readonly maxResponseBytes?: number
}

/** The timeout and size cap of a client's options, defaults filled in. */
export function postLimits(options: QueryClientOptions): PostLimits {
  return { timeoutS: options.timeoutS ?? DEFAULT_TIMEOUT_S, maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES }
}

/**
 * One query of one miner, whatever the wire: `sign` builds the request (a failure is a 500
 * outcome), the POST goes to `path` on the axon, and `read` turns a whole response into the
 * outcome. Never throws.
 */
export async function queryOne(
  target: AxonTarget,
  options: QueryClientOptions,
  path: string,
  sign: () => { headers: Record<string, string>; body: string | Buffer },
  read: (response: Extract<RawResponse, { kind: 'ok' }>, latencyS: number) => QueryOutcome,
): Promise<QueryOutcome> {
  const started = performance.now()
  const elapsed = () => (performance.now() - started) / 1000
  const unserved = unservedOutcome(target)
  if (unserved) return unserved
  let request: { headers: Record<string, string>; body: string | Buffer }
  try {
    request = sign()
  } catch (error) {
    return { uid: target.uid, hotkey: target.hotkey, status: 500, message: `Could not sign the request: ${String(error)}`, latencyS: elapsed(), results: null, responseBytes: 0 }
  }
  const limits = postLimits(options)
  const raw = await postRaw(`${axonOrigin(target, options.externalIp)}${path}`, request.headers, request.body, limits)
  const latencyS = elapsed()
  return raw.kind === 'ok' ? read(raw, latencyS) : transportFailure(target, raw, path, latencyS, limits)
}

/** Queries every target at once; outcomes come back in the targets' order, each also to `onDone` as it arrives. */
export function queryEach(targets: readonly AxonTarget[], queryOne: (target: AxonTarget) => Promise<QueryOutcome>, onDone?: (o: QueryOutcome) => void): Promise<QueryOutcome[]> {
  return Promise.all(
    targets.map(async (t) => {
      const o = await queryOne(t)
      onDone?.(o)
      return o
    }),
  )
}
