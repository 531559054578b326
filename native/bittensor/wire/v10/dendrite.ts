/**
 * A bittensor-compatible dendrite (spec §4.2, §4.3, §4.5, §4.8): signs and sends synapse
 * requests to miners' axons, concurrently, with the 60 s total timeout, and maps every failure to
 * the status codes the Python dendrite uses. Responses are read with a size cap so that a hostile
 * miner cannot exhaust memory. Which synapse is sent, and how its answer is read, is the
 * caller's (a subnet protocol's) business: see `SynapseQuery`.
 */
import { randomUUID } from 'node:crypto'
import type { Signer } from '../../keys/signer'
import { connectHost, postLimits, queryEach, queryOne } from '../http-query'
import type { AxonTarget, QueryClientOptions, QueryOutcome } from '../http-query'
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

export interface DendriteOptions extends QueryClientOptions {
  readonly signer: Signer
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

  constructor(private readonly options: DendriteOptions) {}

  get hotkey(): string {
    return this.options.signer.address
  }

  /** time.time_ns()-like, strictly increasing even within one millisecond. */
  nextNonce(): bigint {
    return this.nonces.next()
  }

  /** Queries one axon. Never throws: every failure becomes a status and a message. */
  query(target: AxonTarget, query: SynapseQuery): Promise<QueryOutcome> {
    const sign = () => {
      const nonce = this.nextNonce()
      const dendrite = { ip: this.options.externalIp ?? '0.0.0.0', version: SDK_VERSION_AS_INT, uuid: this.uuid, hotkey: this.hotkey }
      const signature = signRequest(this.options.signer, nonce, this.uuid, target.hotkey)
      return buildRequest({ synapse: query, target, timeoutS: postLimits(this.options).timeoutS, dendrite, nonce, signature })
    }
    return queryOne(target, this.options, `/${query.name}`, sign, (raw, latencyS) => {
      const base = { uid: target.uid, hotkey: target.hotkey, latencyS, processTimeS: axonProcessTime(raw.headers), responseBytes: raw.bytes }
      if (this.options.deferParse && raw.status === 200) return { ...base, status: 200, message: 'Success', results: null, body: raw.body }
      return { ...base, ...readResponse(raw.status, raw.body, query) }
    })
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
