/**
 * A bittensor-compatible dendrite (spec §4.2, §4.3, §4.5, §4.8): signs and sends synapse
 * requests to miners' axons, concurrently, with the 60 s total timeout, and maps every failure to
 * the status codes the Python dendrite uses. Responses are read with a size cap so that a hostile
 * miner cannot exhaust memory. Which synapse is sent, and how its answer is read, is the
 * caller's (a subnet protocol's) business: see `SynapseQuery`.
 */
import { randomUUID } from 'node:crypto'
import type { Signer } from '../../keys/signer'
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_S, axonOrigin, connectHost, postRaw, queryEach, transportFailure, unservedOutcome } from '../http-query'
import type { AxonTarget, QueryOutcome } from '../http-query'
import { SDK_VERSION_AS_INT } from './format'
import type { SynapseRequest } from './request'
import { NonceClock, buildRequest, signRequest } from './request'

export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_S } from '../http-query'
export type { AxonTarget, QueryOutcome } from '../http-query'

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
    const unserved = unservedOutcome(target)
    if (unserved) return unserved
    let request: { headers: Record<string, string>; body: string }
    try {
      const nonce = this.nextNonce()
      const dendrite = { ip: this.options.externalIp ?? '0.0.0.0', version: SDK_VERSION_AS_INT, uuid: this.uuid, hotkey: this.hotkey }
      const signature = signRequest(this.options.signer, nonce, this.uuid, target.hotkey)
      request = buildRequest({ synapse: query, target, timeoutS: this.timeoutS, dendrite, nonce, signature })
    } catch (error) {
      return { ...base, status: 500, message: `Could not sign the request: ${String(error)}`, latencyS: elapsed(), results: null, responseBytes: 0 }
    }
    const limits = { timeoutS: this.timeoutS, maxBytes: this.maxBytes }
    const raw = await postRaw(`${axonOrigin(target, this.options.externalIp)}/${query.name}`, request.headers, request.body, limits)
    const latencyS = elapsed()
    if (raw.kind !== 'ok') return transportFailure(target, raw, `/${query.name}`, latencyS, limits)
    const processTimeS = axonProcessTime(raw.headers)
    if (this.options.deferParse && raw.status === 200) return { ...base, status: 200, message: 'Success', latencyS, processTimeS, results: null, body: raw.body, responseBytes: raw.bytes }
    return { ...base, ...readResponse(raw.status, raw.body, query), latencyS, processTimeS, responseBytes: raw.bytes }
  }

  /** Where to connect for an axon at `ip` (see http-query.ts); the headers keep the published IP. */
  connectHost(ip: string): string {
    return connectHost(ip, this.options.externalIp)
  }

  /** Queries every target at once; results come back in the targets' order. */
  queryAll(targets: readonly AxonTarget[], query: SynapseQuery, onDone?: (o: QueryOutcome) => void): Promise<QueryOutcome[]> {
    return queryEach(targets, (t) => this.query(t, query), onDone)
  }
}
