import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { JsonCodecError, JsonThreads } from '../../platform/json-threads'
import type { Signer } from '../keys/signer'
import { ALLOWED_DELTA_NS, SynapseParsingError, V_7_2_0, parseRequestHeaders, signatureProblem, toHeaders } from '../wire/v10/headers'
import type { RequestHeaders, TerminalInfo } from '../wire/v10/headers'
import { DEFAULT_SYNAPSE_TIMEOUT_S, EMPTY_BODY_HASH, PING_ROUTE, SDK_VERSION_AS_INT, axonSignatureMessage, hexSignature } from '../wire/v10/format'
import { BtauthError, confirmBtauth, readBtauthClaim } from '../wire/btauth/verify'
import type { ReplayGuard } from '../wire/btauth/verify'
import { sr25519VerifierReady } from '../wire/sr25519-verify'
import { ConnectionGuard } from './connection-guard'
import type { ConnectionCounts } from './connection-guard'
import { GateFullError, GateTimeoutError, PriorityGate } from './priority-gate'
import { topLevelValueSpan } from './raw-json-span'

/**
 * A bittensor axon (spec §4): a node:http server that parses and verifies signed synapse
 * requests, keeps nonces, applies the caller policy by stake, admits work highest stake first,
 * answers the `/Synapse` ping, and writes answers and errors as the Python axon does. Beside the
 * synapses it serves btauth/1-signed HTTP routes (network-2026 §9, SDK 11) under the same caller
 * policy and nonce store. What each route means is not known here: routes are registered by a
 * subnet protocol (`AxonRoute` for synapses, `SignedRoute` for btauth/1).
 */

/** One registered neuron as the caller policy sees it (cached metagraph, token units). */
export interface NeuronView {
  readonly uid: number
  /** `metagraph.S[uid]`: alpha stake + 0.18 x root TAO stake, in tokens (not rao). */
  readonly stake: number
  readonly validatorPermit: boolean
}

/** Synchronous lookups into a cached metagraph of the axon's subnet. */
export interface MetagraphView {
  lookup(hotkey: string): NeuronView | undefined
}

/** Last accepted nonce per `hotkey:uuid` endpoint key; must survive restarts. */
export interface NonceStore {
  last(endpointKey: string): bigint | undefined
  record(endpointKey: string, nonce: bigint, seenAtMs: number): void
  /** Forget endpoints not seen since `beforeMs`; returns how many were removed. */
  prune(beforeMs: number): number
}

/** Who may call the routes (the ping is open to anyone who signs). */
export interface BlacklistConfig {
  /** `--blacklist.allow_non_registered`. */
  readonly allowNonRegistered: boolean
  /** `--blacklist.force_validator_permit`. */
  readonly forceValidatorPermit: boolean
  /** `--blacklist.validator_min_stake` in tokens. */
  readonly minStake: number
}

export interface AxonLimits {
  /** Largest request body accepted (bytes). */
  readonly maxBodyBytes: number
  /** Route calls computed at once; the rest wait, highest stake first. */
  readonly maxConcurrent: number
  /** Requests allowed to wait for a slot; beyond that: 503. */
  readonly maxQueued: number
  /** Caps the caller-chosen `timeout` header: for the nonce window and the compute deadline. */
  readonly maxTimeoutS: number
  /** Time allowed to receive a whole request (headers and body); then the socket is destroyed. */
  readonly requestTimeoutMs: number
  /** Time allowed to receive a request's headers; then the socket is destroyed. */
  readonly headersTimeoutMs: number
  readonly keepAliveTimeoutMs: number
  /** Largest body of a `/Synapse` ping (pings carry no data; anyone with any key may send one). */
  readonly maxPingBodyBytes: number
  /** Open sockets at once; beyond that the oldest socket of an unknown caller is cut (./connection-guard). */
  readonly maxConnections: number
  /** Of `maxConnections`, how many only callers verified as staked can hold. */
  readonly reservedStakedConnections: number
  /** Sockets of unknown callers from one address at once. */
  readonly maxConnectionsPerIp: number
  /** Nonces of callers that are not registered live in memory only, at most this many. */
  readonly maxUnregisteredNonces: number
  /**
   * How long the nonce store keeps a nonce (its owner prunes older ones): btauth/1 refuses to
   * run with less than its freshness window (12 s).
   */
  readonly nonceRetentionMs: number
}

export const DEFAULT_AXON_LIMITS: AxonLimits = {
  maxBodyBytes: 32 * 1024 * 1024,
  maxConcurrent: 2,
  maxQueued: 64,
  maxTimeoutS: 120,
  // Short: a dendrite sends its headers and body at once; a socket that dawdles holds a slot.
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // Longer than aiohttp's 15 s client keep-alive: the client closes idle sockets first (no reuse race).
  keepAliveTimeoutMs: 65_000,
  maxPingBodyBytes: 64 * 1024,
  maxConnections: 512,
  reservedStakedConnections: 64,
  // A validator's dendrite keeps a few sockets per axon; far fewer than this.
  maxConnectionsPerIp: 64,
  maxUnregisteredNonces: 10_000,
  nonceRetentionMs: 10 * 60_000,
}

/** Seconds a caller refused for overload (503) is asked to wait before trying again. */
export const BUSY_RETRY_AFTER_S = 2

/** One handled request, for logs, metrics and the live feed; `W` is what the route measured. */
export type AxonRequestRecord<W extends object = object> = {
  readonly time: number
  readonly route: string
  readonly method: string
  readonly hotkey: string | null
  readonly uid: number | null
  readonly ip: string
  readonly status: number
  readonly message: string
  /** Whole request, from first byte of headers handled to response written. */
  readonly latencyMs: number
  /** Waiting for a slot of the priority gate. */
  readonly queueMs: number
  readonly bytesIn: number
  readonly bytesOut: number
} & Readonly<W>

/** An error that becomes an HTTP response `{"message": ...}` with `bt_header_axon_*` headers. */
export class AxonHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extraHeaders: Readonly<Record<string, string>> = {},
  ) {
    super(message)
    this.name = 'AxonHttpError'
  }
}

/** One verified, allowed call of a route, whatever the wire format. */
export interface RouteCall<W extends object> {
  /** The caller's hotkey (its signature verified). */
  readonly caller: string
  /** The parsed request body. */
  readonly json: unknown
  /** Seconds the caller allows (its `timeout`, capped by `maxTimeoutS`). */
  readonly timeoutS: number
  /** performance.now() by which the answer is due. */
  readonly deadline: number
  /** Aborted when the caller goes away (or by the route at its deadline). */
  readonly abort: AbortController
  /** The route's measurements for the request record; fill it in. */
  readonly work: W
  /** Waits for a compute slot, highest stake first; the returned function gives it back. */
  acquireSlot(): Promise<() => void>
  warn(message: string, fields: Record<string, unknown>): void
}

/** A call of a synapse route: with the synapse's headers. */
export interface AxonCall<W extends object> extends RouteCall<W> {
  readonly headers: RequestHeaders
}

/** A route's answer: the synapse to echo and, optionally, its `results` printed as JSON. */
export interface AxonAnswer {
  readonly echo: Record<string, unknown>
  /** Goes in as the last key `results`, bytes as they are. */
  readonly results?: Buffer | string
}

/** A synapse served at `POST /<name>`. Throw AxonHttpError to answer with an error. */
export interface AxonRoute<W extends object> {
  readonly name: string
  /** Required fields: their `bt_header_input_obj_<field>` headers must be there. */
  readonly requiredFields: readonly string[]
  handle(call: AxonCall<W>): Promise<AxonAnswer>
  /** Called once the axon listens (to load workers before the first request). */
  warm?(): void
  close?(): Promise<void>
}

/** A btauth/1 route's answer: a 200 JSON body, as one string or as buffers sent in order. */
export interface SignedAnswer {
  readonly body: string | readonly Buffer[]
}

/**
 * A btauth/1-signed route at `POST <path>` (network-2026 §9). Throw AxonHttpError to answer with
 * an error; it is sent as `{"error": {"message": ...}}`.
 */
export interface SignedRoute<W extends object> {
  /** The decoded path, e.g. `/v1/embeddings`. */
  readonly path: string
  handle(call: RouteCall<W>): Promise<SignedAnswer>
}

export interface AxonServerOptions<W extends object> {
  readonly signer: Signer
  readonly metagraph: MetagraphView
  readonly nonces: NonceStore
  readonly routes: readonly AxonRoute<W>[]
  /** btauth/1 routes, served beside the synapses. */
  readonly signedRoutes?: readonly SignedRoute<W>[]
  /** The measurements of a request before its route runs (also those of pings and refusals). */
  readonly newWork: () => W
  readonly blacklist: BlacklistConfig
  readonly host?: string
  readonly port: number
  readonly limits?: Partial<AxonLimits>
  /** Nanoseconds since the Unix epoch (tests move the clock). */
  readonly nowNs?: () => bigint
  readonly onRequest?: (record: AxonRequestRecord<W>) => void
  readonly onWarning?: (message: string, fields: Record<string, unknown>) => void
}

/** Deepest nesting of objects and arrays a request body may have (a synapse has 3). */
export const MAX_JSON_DEPTH = 64
const CLOSE_BRACE = Buffer.from('}')

function defaultNowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n
}

function peerIp(req: http.IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? ''
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip
}

/** The path as routes name it; a malformed escape matches no route. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

export class AxonServer<W extends object = object> {
  readonly uuid = randomUUID()
  private readonly unregisteredNonces: BoundedNonceMap
  private readonly server: http.Server
  private readonly gate: PriorityGate
  private readonly connections: ConnectionGuard
  private readonly limits: AxonLimits
  private readonly nowNs: () => bigint
  private readonly marker = `__bigint_${randomUUID().replaceAll('-', '')}_`
  private readonly routes = new Map<string, AxonRoute<W>>()
  private readonly signedRoutes = new Map<string, SignedRoute<W>>()
  private readonly btauthReplay: ReplayGuard
  /** Large bodies are parsed, and their echoes printed, in worker threads: a 10 MB text stalled the loop for hundreds of ms. */
  private readonly json = new JsonThreads()
  private listening = false

  constructor(private readonly options: AxonServerOptions<W>) {
    this.limits = { ...DEFAULT_AXON_LIMITS, ...options.limits }
    this.nowNs = options.nowNs ?? defaultNowNs
    this.gate = new PriorityGate(this.limits.maxConcurrent, this.limits.maxQueued)
    this.unregisteredNonces = new BoundedNonceMap(this.limits.maxUnregisteredNonces)
    this.connections = new ConnectionGuard(this.limits)
    for (const route of options.routes) this.routes.set(route.name, route)
    for (const route of options.signedRoutes ?? []) this.signedRoutes.set(route.path, route)
    this.btauthReplay = this.replayGuard()
    this.server = http.createServer(
      {
        requestTimeout: this.limits.requestTimeoutMs,
        headersTimeout: this.limits.headersTimeoutMs,
        keepAliveTimeout: this.limits.keepAliveTimeoutMs,
        // Node checks the two timeouts above only this often (30 s by default).
        connectionsCheckingInterval: Math.min(1000, this.limits.headersTimeoutMs),
        maxHeaderSize: 32 * 1024,
      },
      (req, res) => {
        this.handle(req, res).catch((error: unknown) => {
          // handle() answers every error itself; this is a last line of defence.
          this.options.onWarning?.('Axon request handler failed', { error: String(error) })
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ message: 'Internal Server Error' }))
        })
      },
    )
    // Not server.maxConnections: Node would drop the newcomer before the guard can make room for it.
    this.server.on('connection', (socket: Socket) => this.connections.admit(socket))
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      // ECONNRESET/EPIPE: the caller went away. A timeout: a caller that dawdles is not answered,
      // since one that never reads would keep the half-closed socket (and its slot) forever.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return socket.destroy()
      this.options.onWarning?.('Malformed HTTP request on the axon', { code: error.code ?? 'unknown', error: error.message })
      if (!socket.writable) return socket.destroy(error)
      // Destroyed once written: the half-closed socket would otherwise wait for the caller to close it.
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"Malformed HTTP request"}', () => socket.destroy())
    })
  }

  get hotkey(): string {
    return this.options.signer.address
  }

  get load(): { inFlight: number; queued: number } {
    return { inFlight: this.gate.inFlight, queued: this.gate.queued }
  }

  /** Open sockets, how many belong to staked callers, and how many were cut or refused. */
  get connectionCounts(): ConnectionCounts {
    return this.connections.counts
  }

  /** Starts listening; resolves with the bound port. Throws a clear error if the port is taken. */
  async listen(): Promise<number> {
    // Loads the WASM signature check (and util-crypto's WASM hashing) before the first request.
    await sr25519VerifierReady((message) => this.options.onWarning?.(message, {}))
    const host = this.options.host ?? '0.0.0.0'
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.server.off('listening', onListening)
        if (error.code === 'EADDRINUSE') reject(new Error(`Port ${this.options.port} on ${host} is already in use. Stop the other program, or choose another port with --port.`))
        else if (error.code === 'EACCES') reject(new Error(`Not allowed to listen on port ${this.options.port}. Ports below 1024 need privileges; choose one from 1024 to 65535.`))
        else reject(error)
      }
      const onListening = (): void => {
        this.server.off('error', onError)
        resolve()
      }
      this.server.once('error', onError)
      this.server.once('listening', onListening)
      this.server.listen(this.options.port, host)
    })
    this.listening = true
    for (const route of this.routes.values()) route.warm?.()
    return (this.server.address() as AddressInfo).port
  }

  get port(): number | undefined {
    const a = this.server.address()
    return a && typeof a === 'object' ? a.port : undefined
  }

  async close(): Promise<void> {
    if (!this.listening) return
    this.listening = false
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeIdleConnections()
      // Requests still running get a moment to finish, then their sockets are cut.
      setTimeout(() => this.server.closeAllConnections(), 2000).unref()
    })
    for (const route of this.routes.values()) await route.close?.()
    await this.json.close()
  }

  // ---------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now()
    const ip = peerIp(req)
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const signed = this.signedRoutes.get(decodedPath(path))
    if (signed) return this.handleSigned(req, res, signed, started, ip)
    const routeName = path.split('/')[1] ?? ''
    const isPing = routeName === PING_ROUTE
    const route = this.routes.get(routeName)
    const requiredFields = route?.requiredFields ?? []
    const abort = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('The caller closed the connection'))
    })

    let parsed: RequestHeaders | undefined
    let uid: number | null = null
    const work = this.options.newWork()
    let queueMs = 0
    let bytesIn = 0
    let status = 200
    let message = 'Success'
    let bytesOut = 0
    try {
      if (!route && !isPing) {
        const available = [PING_ROUTE, ...this.routes.keys()].map((n) => `'${n}'`).join(', ')
        throw new AxonHttpError(404, `Synapse name '${routeName}' not found. Available synapses [${available}]`)
      }
      if (req.method !== 'POST') {
        throw new AxonHttpError(405, `Method ${req.method ?? '?'} is not allowed on /${routeName}; use POST.`, { allow: 'POST' })
      }
      try {
        parsed = parseRequestHeaders(req.headers, routeName, requiredFields)
      } catch (error) {
        if (error instanceof SynapseParsingError) throw new AxonHttpError(400, error.message)
        throw error
      }
      const bodyLimit = isPing ? Math.min(this.limits.maxPingBodyBytes, this.limits.maxBodyBytes) : this.limits.maxBodyBytes
      const declared = Number(req.headers['content-length'] ?? NaN)
      if (Number.isFinite(declared) && declared > bodyLimit) {
        throw new AxonHttpError(413, this.tooLargeMessage(declared, bodyLimit), { connection: 'close' })
      }

      let priority = 0
      if (route) {
        const neuron = this.checkCaller(parsed.dendrite.hotkey)
        uid = neuron?.uid ?? null
        priority = neuron?.stake ?? 0
      } else {
        uid = parsed.dendrite.hotkey ? (this.options.metagraph.lookup(parsed.dendrite.hotkey)?.uid ?? null) : null
      }
      this.verify(parsed)
      // A route caller with a uid passed the stake policy: its socket keeps its slot.
      if (route && uid !== null) this.connections.markStaked(req.socket)

      const raw = await this.readBody(req, bodyLimit)
      bytesIn = raw.length
      const json = await this.parseJson(raw)
      const timeoutS = Math.min(parsed.timeoutS > 0 ? parsed.timeoutS : this.limits.maxTimeoutS, this.limits.maxTimeoutS)
      const deadline = started + timeoutS * 1000

      if (!route) {
        if (!isObject(json)) throw new AxonHttpError(400, 'The request body must be a JSON object (a Synapse).')
        bytesOut = await this.respondOk(res, parsed, { echo: json }, started, [], bytesIn)
        return
      }
      const answer = await route.handle({
        headers: parsed,
        caller: parsed.dendrite.hotkey ?? '',
        json,
        timeoutS,
        deadline,
        abort,
        work,
        acquireSlot: this.slotAcquirer(priority, deadline, timeoutS, abort, (ms) => (queueMs = ms)),
        warn: (text, fields) => this.options.onWarning?.(text, fields),
      })
      bytesOut = await this.respondOk(res, parsed, answer, started, requiredFields, bytesIn, { raw, json })
    } catch (error) {
      const e = error instanceof AxonHttpError ? error : new AxonHttpError(500, `Internal Server Error #${randomUUID()}`)
      if (!(error instanceof AxonHttpError)) this.options.onWarning?.('Axon request failed', { error: error instanceof Error ? error.message : String(error), route: routeName })
      status = e.status
      message = e.message
      bytesOut = this.respondError(res, e, parsed, routeName, ip, req, started, requiredFields)
    } finally {
      this.options.onRequest?.({
        time: Date.now(),
        route: routeName,
        method: req.method ?? '',
        hotkey: parsed?.dendrite.hotkey ?? null,
        uid,
        ip,
        ...work,
        status,
        message,
        latencyMs: performance.now() - started,
        queueMs,
        bytesIn,
        bytesOut,
      })
    }
  }

  /** Waits for a compute slot by `priority` until `deadline`; reports the wait through `queued`. */
  private slotAcquirer(priority: number, deadline: number, timeoutS: number, abort: AbortController, queued: (ms: number) => void): () => Promise<() => void> {
    return async () => {
      const queuedAt = performance.now()
      try {
        const release = await this.gate.acquire(priority, deadline - queuedAt, abort.signal)
        queued(performance.now() - queuedAt)
        return release
      } catch (error) {
        if (error instanceof GateFullError) {
          throw new AxonHttpError(503, `Service unavailable: the miner is busy (${error.queued} requests waiting). Try again shortly.`, { 'retry-after': String(BUSY_RETRY_AFTER_S) })
        }
        if (error instanceof GateTimeoutError) throw new AxonHttpError(408, `Response timeout after: ${timeoutS}s (waited for a free worker)`)
        throw error
      }
    }
  }

  /**
   * Accepted btauth/1 `(hotkey, nonce)` pairs, in the same nonce store as the synapses' (persisted
   * for registered callers, a bounded memory table for the others), under keys that cannot meet
   * a synapse endpoint key (an SS58 address has no "/").
   */
  private replayGuard(): ReplayGuard {
    return {
      retentionMs: this.limits.nonceRetentionMs,
      accept: (hotkey, nonce) => {
        const key = `btauth/1:${hotkey}:${nonce}`
        const nonces = this.options.metagraph.lookup(hotkey) ? this.options.nonces : this.unregisteredNonces
        if (nonces.last(key) !== undefined) return false
        nonces.record(key, nonce, Date.now())
        return true
      },
    }
  }

  /**
   * A btauth/1 request (network-2026 §9.3, §9.4): the headers are checked before the body is
   * read, the signature over the raw body bytes after; every authentication failure is 401, a
   * verified caller the policy turns away 403, and errors are `{"error": {"message": ...}}`.
   */
  private async handleSigned(req: http.IncomingMessage, res: http.ServerResponse, route: SignedRoute<W>, started: number, ip: string): Promise<void> {
    const abort = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('The caller closed the connection'))
    })
    const work = this.options.newWork()
    let hotkey: string | null = null
    let uid: number | null = null
    let queueMs = 0
    let bytesIn = 0
    let bytesOut = 0
    let status = 200
    let message = 'Success'
    try {
      if (req.method !== 'POST') throw new AxonHttpError(405, `Method ${req.method ?? '?'} is not allowed on ${route.path}; use POST.`, { allow: 'POST' })
      const declared = Number(req.headers['content-length'] ?? NaN)
      if (Number.isFinite(declared) && declared > this.limits.maxBodyBytes) throw new AxonHttpError(413, this.tooLargeMessage(declared), { connection: 'close' })
      const sender = await this.verifySigned(req, (n) => (bytesIn = n))
      hotkey = sender.hotkey
      const neuron = this.checkCaller(hotkey)
      uid = neuron?.uid ?? null
      if (neuron) this.connections.markStaked(req.socket)
      const timeoutS = this.limits.maxTimeoutS
      const deadline = started + timeoutS * 1000
      const answer = await route.handle({
        caller: hotkey,
        json: await this.parseJson(sender.body),
        timeoutS,
        deadline,
        abort,
        work,
        acquireSlot: this.slotAcquirer(neuron?.stake ?? 0, deadline, timeoutS, abort, (ms) => (queueMs = ms)),
        warn: (text, fields) => this.options.onWarning?.(text, fields),
      })
      const chunks = typeof answer.body === 'string' ? [Buffer.from(answer.body, 'utf8')] : answer.body
      bytesOut = chunks.reduce((n, c) => n + c.length, 0)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytesOut) })
      res.cork()
      for (const chunk of chunks) res.write(chunk)
      res.end()
    } catch (error) {
      const e = error instanceof AxonHttpError ? error : new AxonHttpError(500, `Internal Server Error #${randomUUID()}`)
      if (!(error instanceof AxonHttpError)) this.options.onWarning?.('Axon request failed', { error: error instanceof Error ? error.message : String(error), route: route.path })
      status = e.status
      message = e.message
      bytesOut = this.respondSignedError(res, req, e)
    } finally {
      this.options.onRequest?.({ time: Date.now(), route: route.path, method: req.method ?? '', hotkey, uid, ip, ...work, status, message, latencyMs: performance.now() - started, queueMs, bytesIn, bytesOut })
    }
  }

  /** btauth/1 verification around the body read: headers first, then the body's bytes and the signature. */
  private async verifySigned(req: http.IncomingMessage, read: (bytes: number) => void): Promise<{ hotkey: string; body: Buffer }> {
    const options = { receiver: this.hotkey, nowNs: this.nowNs(), replay: this.btauthReplay }
    try {
      const claim = readBtauthClaim(req.headers, options)
      const body = await this.readBody(req)
      read(body.length)
      const sender = confirmBtauth(claim, { method: req.method ?? '', target: req.url ?? '', body }, this.btauthReplay)
      return { hotkey: sender.hotkey, body }
    } catch (error) {
      if (error instanceof BtauthError) throw new AxonHttpError(401, error.message)
      throw error
    }
  }

  private respondSignedError(res: http.ServerResponse, req: http.IncomingMessage, e: AxonHttpError): number {
    if (res.headersSent || res.destroyed) {
      res.destroy()
      return 0
    }
    const payload = Buffer.from(JSON.stringify({ error: { message: e.message } }), 'utf8')
    res.writeHead(e.status, { ...e.extraHeaders, 'content-type': 'application/json', 'content-length': String(payload.length) })
    res.end(payload)
    if (e.extraHeaders.connection === 'close') res.once('finish', () => req.socket.destroySoon?.())
    return payload.length
  }

  private tooLargeMessage(bytes: number, limit = this.limits.maxBodyBytes): string {
    return `Request body too large: ${bytes} bytes (this miner accepts at most ${limit}).`
  }

  /** The caller policy (spec §3), whatever the wire format: 403 unless the hotkey may call. Returns its neuron when it is registered. */
  private checkCaller(hotkey: string | undefined): { uid: number; stake: number } | undefined {
    const config = this.options.blacklist
    const forbid = (reason: string): never => {
      throw new AxonHttpError(403, `Forbidden. Key is blacklisted: ${reason}.`)
    }
    if (!hotkey) return forbid('Hotkey not provided')
    const neuron = this.options.metagraph.lookup(hotkey)
    if (!neuron) {
      if (config.allowNonRegistered) return undefined
      return forbid('Unrecognized hotkey')
    }
    if (config.forceValidatorPermit && !neuron.validatorPermit) return forbid('Non-validator hotkey')
    if (!(neuron.stake >= config.minStake)) {
      return forbid(`Stake below minimum (${neuron.stake.toFixed(2)} < ${config.minStake})`)
    }
    return { uid: neuron.uid, stake: neuron.stake }
  }

  /**
   * The SDK's `default_verify` (spec §4.4), hardened: the signature is always required, the
   * nonce window applies on first contact whatever the version, and the caller's timeout is
   * capped so that a forged `timeout` header cannot widen the window. Nonces persist.
   */
  private verify(h: RequestHeaders): void {
    const fail = (why: string): never => {
      throw new AxonHttpError(401, `Not Verified with error: ${why}`)
    }
    const d = h.dendrite
    if (!d.hotkey) return fail('Missing dendrite hotkey')
    if (d.nonce === undefined) return fail('Missing Nonce')
    if (h.computedBodyHash !== EMPTY_BODY_HASH) {
      throw new AxonHttpError(400, `Hash mismatch between header body hash ${h.computedBodyHash.slice(0, 128)} and parsed body hash ${EMPTY_BODY_HASH}`)
    }
    if (d.uuid !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(d.uuid)) {
      throw new AxonHttpError(400, 'bt_header_dendrite_uuid must be a UUID (letters, digits and dashes, at most 64).')
    }
    const endpointKey = `${d.hotkey}:${d.uuid ?? 'None'}`
    // Registered callers' nonces are persisted (replays stay refused across restarts). Anyone can
    // make new keys, so unregistered callers get a bounded in-memory table instead of database rows.
    const nonces = this.options.metagraph.lookup(d.hotkey) ? this.options.nonces : this.unregisteredNonces
    const last = nonces.last(endpointKey)
    if (last === undefined) {
      const now = this.nowNs()
      const timeoutNs = BigInt(Math.round(Math.min(h.timeoutS, this.limits.maxTimeoutS) * 1e9))
      const oldest = now - ALLOWED_DELTA_NS - timeoutNs
      if (d.nonce <= oldest) {
        const diff = Number(now - d.nonce) / 1e9
        const allowed = Number(ALLOWED_DELTA_NS + timeoutNs) / 1e9
        fail(`Nonce is too old: acceptable delta is ${allowed.toFixed(2)} seconds but request was ${diff.toFixed(2)} seconds old`)
      }
    } else if (d.nonce <= last) {
      fail('Nonce is too old, a newer one was last processed')
    }
    void V_7_2_0 // the Python axon skips the window for dendrites older than 7.2.0; we never do.

    const problem = signatureProblem(h, this.hotkey)
    if (problem !== undefined) fail(problem)
    nonces.record(endpointKey, d.nonce, Date.now())
  }

  /**
   * Reads the whole body. With a Content-Length (every dendrite sends one) the bytes are copied
   * once, as they arrive, into a buffer of that size: no chunk list and no concatenating copy.
   * Chunked uploads (no length) fall back to collecting chunks.
   */
  private readBody(req: http.IncomingMessage, limit = this.limits.maxBodyBytes): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? NaN)
    // Node's parser never delivers more than Content-Length bytes; the check below is a guard.
    const sized = Number.isSafeInteger(declared) && declared >= 0 && declared <= limit
    return new Promise((resolve, reject) => {
      const into = sized ? Buffer.allocUnsafe(declared) : null
      const chunks: Buffer[] = []
      let size = 0
      let done = false
      req.on('data', (chunk: Buffer) => {
        if (done) return
        if (size + chunk.length > (into ? into.length : limit)) {
          done = true
          req.pause()
          reject(new AxonHttpError(413, this.tooLargeMessage(size + chunk.length, limit), { connection: 'close' }))
          return
        }
        if (into) chunk.copy(into, size)
        else chunks.push(chunk)
        size += chunk.length
      })
      req.on('end', () => {
        if (done) return
        done = true
        if (into && size !== into.length) reject(new AxonHttpError(400, `The request body ended after ${size} of its ${into.length} bytes.`))
        else resolve(into ?? Buffer.concat(chunks, size))
      })
      req.on('error', (error) => {
        if (done) return
        done = true
        reject(new AxonHttpError(400, `Could not read the request body: ${error.message}`))
      })
      req.on('aborted', () => {
        if (done) return
        done = true
        reject(new AxonHttpError(400, 'The caller aborted the request body'))
      })
    })
  }

  /**
   * Decodes and parses the body in one pass each: a strict UTF-8 decode (invalid bytes are an
   * error, as in the Python axon's json.loads, not silently replaced) and one JSON.parse: in this
   * thread for ordinary bodies (up to 512 texts of a few KB: about a millisecond, not worth a
   * thread hop), in a worker for large ones (`raw` moves there: do not use it afterwards).
   */
  private async parseJson(raw: Buffer): Promise<unknown> {
    if (raw.length === 0) throw new AxonHttpError(400, 'The request body is empty; expected the synapse as JSON.')
    let json: unknown
    try {
      json = await this.json.parse(raw)
    } catch (error) {
      if (!(error instanceof JsonCodecError) || error.kind === 'internal') throw error
      if (error.kind === 'utf8') throw new AxonHttpError(400, 'The request body is not valid UTF-8 text; expected the synapse as JSON.')
      throw new AxonHttpError(400, `The request body is not valid JSON (${error.message}).`)
    }
    // JSON.parse takes any depth, but echoing the body (JSON.stringify) would overflow the stack
    // after the inference was done: refuse it now, for free.
    if (nestedDeeperThan(json, MAX_JSON_DEPTH)) {
      throw new AxonHttpError(400, `The request body nests JSON objects or arrays more than ${MAX_JSON_DEPTH} levels deep; a synapse needs a few.`)
    }
    return json
  }

  /**
   * The echo as JSON, with the exact 19-digit nonce (JSON.parse rounded it to a double, and
   * JSON.stringify cannot print a bigint): the nonce goes in as a unique marker string, which
   * is then swapped for the digits. No replacer function, so V8 stays on its fast path for the
   * texts, and a single indexOf instead of a regex over the whole text. An echo as large as
   * `sizeHint` says (the request's size) is printed in a worker.
   */
  private echoJson(echo: Record<string, unknown>, sizeHint: number): Promise<Buffer> {
    const dendrite = echo.dendrite as Record<string, unknown> | undefined
    if (!dendrite || typeof dendrite.nonce !== 'bigint') return this.json.stringify(echo, sizeHint)
    const digits = String(dendrite.nonce)
    const token = `${this.marker}${digits}`
    // Assigning an existing key keeps its position: the key order of the echo is unchanged.
    return this.json.stringify({ ...echo, dendrite: { ...dendrite, nonce: token } }, sizeHint, { token, text: digits })
  }

  /**
   * The required fields (lists: an SN5 request's 256 texts) that the echo carries unchanged from
   * the request, each with the bytes of its JSON in the request: they go back as those bytes, not
   * re-printed (2 ms per request). The caller reads the answer as JSON (spec §4.5: aiohttp's
   * `response.json()`, then pydantic), and bytes JSON.parse accepted parse to the same strings
   * there, however the validator escaped or spaced them.
   */
  private echoedAsSent(echo: Record<string, unknown>, request: { raw: Buffer; json: unknown }, fields: readonly string[]): Map<string, Buffer> {
    const out = new Map<string, Buffer>()
    if (!isObject(request.json)) return out
    for (const field of fields) {
      const mine = echo[field]
      const sent = request.json[field]
      if (!Array.isArray(mine) || !Array.isArray(sent) || mine.length !== sent.length || mine.some((v, i) => typeof v !== 'string' || v !== sent[i])) continue
      const span = topLevelValueSpan(request.raw, field)
      if (span) out.set(field, request.raw.subarray(span[0], span[1]))
    }
    return out
  }

  private async respondOk(
    res: http.ServerResponse,
    h: RequestHeaders,
    answer: AxonAnswer,
    started: number,
    requiredFields: readonly string[],
    sizeHint: number,
    request?: { raw: Buffer; json: unknown },
  ): Promise<number> {
    const body = answer.echo
    const results = answer.results
    const processTime = (performance.now() - started) / 1000
    const axonIn = isObject(body.axon) ? body.axon : {}
    const dendriteIn = isObject(body.dendrite) ? { ...body.dendrite } : null
    // JSON.parse rounded the 19-digit nonce; echo the exact one from the headers.
    if (dendriteIn && typeof dendriteIn.nonce === 'number' && h.dendrite.nonce !== undefined && Number(h.dendrite.nonce) === dendriteIn.nonce) {
      dendriteIn.nonce = h.dendrite.nonce
    }
    const axon = {
      ...axonIn,
      status_code: 200,
      status_message: typeof axonIn.status_message === 'string' && axonIn.status_message !== '' ? axonIn.status_message : 'Success',
      process_time: processTime,
    }
    const { results: _ignored, ...rest } = body
    const echo: Record<string, unknown> = { ...rest, axon, ...(dendriteIn ? { dendrite: dendriteIn } : {}) }
    const asSent = request ? this.echoedAsSent(echo, request, requiredFields) : new Map<string, Buffer>()
    const placeholder = (field: string): string => `${this.marker}raw_${field}`
    let carried = 0
    for (const [field, bytes] of asSent) {
      echo[field] = placeholder(field)
      carried += bytes.length
    }
    const json = await this.echoJson(echo, Math.max(0, sizeHint - carried))
    // The results go in as the last key: `{...echo,"results":[...]}`. Bytes printed elsewhere (a
    // worker) are sent as they are: never decoded, re-encoded or concatenated.
    const open = Buffer.from(`${json.length > 2 ? ',' : ''}"results":`, 'utf8')
    const resultBytes = results === undefined ? undefined : typeof results === 'string' ? Buffer.from(results, 'utf8') : results
    const chunks = resultBytes === undefined ? [json] : [json.subarray(0, -1), open, resultBytes, CLOSE_BRACE]
    // Each placeholder string is cut out of the echo and the request's bytes go in its place (no copies).
    for (const [field, bytes] of asSent) {
      const quoted = `"${placeholder(field)}"`
      const k = chunks.findIndex((c) => c !== resultBytes && c !== bytes && c.includes(quoted))
      const at = k < 0 ? -1 : chunks[k]!.indexOf(quoted)
      if (k >= 0) chunks.splice(k, 1, chunks[k]!.subarray(0, at), bytes, chunks[k]!.subarray(at + Buffer.byteLength(quoted)))
    }
    const length = chunks.reduce((n, c) => n + c.length, 0)
    const headers = toHeaders({
      name: typeof body.name === 'string' ? body.name : h.name,
      timeoutS: typeof body.timeout === 'number' ? body.timeout : h.timeoutS,
      axon: axon as TerminalInfo,
      dendrite: dendriteIn as TerminalInfo | null,
      requiredFields,
      totalSize: length,
    })
    res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': String(length) })
    // Corked: the head, the results and the brace leave in one writev.
    res.cork()
    for (let i = 0; i < chunks.length - 1; i++) res.write(chunks[i])
    res.end(chunks[chunks.length - 1])
    return length
  }

  private respondError(
    res: http.ServerResponse,
    e: AxonHttpError,
    h: RequestHeaders | undefined,
    routeName: string,
    ip: string,
    req: http.IncomingMessage,
    started: number,
    requiredFields: readonly string[],
  ): number {
    if (res.headersSent || res.destroyed) {
      res.destroy()
      return 0
    }
    const axonNonce = this.nowNs()
    let axonSignature: string | null = null
    try {
      axonSignature = hexSignature(this.options.signer.sign(new TextEncoder().encode(axonSignatureMessage(axonNonce, h?.dendrite.hotkey, this.hotkey, this.uuid))))
    } catch {
      axonSignature = null
    }
    const headers = toHeaders({
      name: h ? routeName : PING_ROUTE,
      timeoutS: h?.timeoutS ?? DEFAULT_SYNAPSE_TIMEOUT_S,
      axon: {
        status_code: e.status,
        status_message: e.message,
        process_time: (performance.now() - started) / 1000,
        ip: h?.axon.ip ?? null,
        port: h?.axon.port ?? null,
        version: SDK_VERSION_AS_INT,
        nonce: axonNonce,
        uuid: this.uuid,
        hotkey: this.hotkey,
        signature: axonSignature,
      },
      dendrite: h
        ? {
            ip,
            port: req.socket.remotePort ?? null,
            version: h.dendrite.version ?? null,
            nonce: h.dendrite.nonce ?? null,
            uuid: h.dendrite.uuid ?? null,
            hotkey: h.dendrite.hotkey ?? null,
            signature: h.dendrite.signature ?? null,
          }
        : null,
      requiredFields: h ? requiredFields : [],
    })
    const payload = Buffer.from(JSON.stringify({ message: e.message }), 'utf8')
    res.writeHead(e.status, { ...headers, ...e.extraHeaders, 'content-type': 'application/json', 'content-length': String(payload.length) })
    res.end(payload)
    if (e.extraHeaders.connection === 'close') res.once('finish', () => req.socket.destroySoon?.())
    return payload.length
  }
}

/** Last nonce per endpoint in memory, forgetting the least recently seen beyond `capacity`. */
class BoundedNonceMap {
  private readonly map = new Map<string, bigint>()

  constructor(private readonly capacity: number) {}

  last(endpointKey: string): bigint | undefined {
    return this.map.get(endpointKey)
  }

  record(endpointKey: string, nonce: bigint): void {
    this.map.delete(endpointKey)
    this.map.set(endpointKey, nonce)
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string)
  }
}

/** Whether `value` nests objects/arrays deeper than `max`: iterative, so any depth is safe to check. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }]
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (depth + 1 > max) return true
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 })
    }
  }
  return false
}
