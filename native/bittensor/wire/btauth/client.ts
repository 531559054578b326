/**
 * A btauth/1 client (network-2026 §9): signs each request to a miner with our hotkey, bound to
 * the miner's hotkey, with a fresh nanosecond nonce per attempt, and sends it with the same
 * timeout, size cap and status codes as the v10 dendrite. What is sent and how the answer is
 * read is the caller's (a subnet protocol's) business.
 */
import type { Signer } from '../../keys/signer'
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_S, axonOrigin, postRaw, queryEach, transportFailure, unservedOutcome } from '../http-query'
import type { AxonTarget, QueryOutcome } from '../http-query'
import { NonceClock } from '../v10/request'
import { btauthHeaders } from './sign'

export interface BtauthClientOptions {
  readonly signer: Signer
  /** Our external IP: axons published with it are reached over loopback (as the v10 dendrite does). */
  readonly externalIp?: string
  readonly timeoutS?: number
  readonly maxResponseBytes?: number
}

/** One signed POST: a path on the miner (with its query, percent-encoded as it is to be sent) and the body bytes. */
export interface BtauthPost {
  readonly target: string
  readonly body: string | Buffer
  readonly contentType?: string
}

/** The message of an error answer: `{"error": {"message": ...}}` (OpenAI, btauth servers) or `{"message": ...}`. */
export function errorMessage(status: number, body: Buffer): string {
  try {
    const json = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown }; message?: unknown } | null
    const message = json?.error?.message ?? json?.message
    if (typeof message === 'string') return message
  } catch {
    // not JSON: the status says it all
  }
  return `HTTP ${status}`
}

export class BtauthClient {
  private readonly nonces = new NonceClock()
  private readonly timeoutS: number
  private readonly maxBytes: number

  constructor(private readonly options: BtauthClientOptions) {
    this.timeoutS = options.timeoutS ?? DEFAULT_TIMEOUT_S
    this.maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  }

  get hotkey(): string {
    return this.options.signer.address
  }

  /**
   * Sends one signed POST. Never throws: every failure becomes a status and a message. A 200
   * answer comes back raw in `body` (not parsed here); other answers carry their error message.
   */
  async query(target: AxonTarget, post: BtauthPost): Promise<QueryOutcome> {
    const started = performance.now()
    const base = { uid: target.uid, hotkey: target.hotkey }
    const elapsed = () => (performance.now() - started) / 1000
    const unserved = unservedOutcome(target)
    if (unserved) return unserved
    let headers: Record<string, string>
    try {
      headers = btauthHeaders(this.options.signer, { method: 'POST', target: post.target, body: post.body, receiver: target.hotkey, nonce: this.nonces.next() })
    } catch (error) {
      return { ...base, status: 500, message: `Could not sign the request: ${String(error)}`, latencyS: elapsed(), results: null, responseBytes: 0 }
    }
    const limits = { timeoutS: this.timeoutS, maxBytes: this.maxBytes }
    const raw = await postRaw(`${axonOrigin(target, this.options.externalIp)}${post.target}`, { 'content-type': post.contentType ?? 'application/json', ...headers }, post.body, limits)
    const latencyS = elapsed()
    if (raw.kind !== 'ok') return transportFailure(target, raw, post.target, latencyS, limits)
    if (raw.status === 200) return { ...base, status: 200, message: 'Success', latencyS, results: null, body: raw.body, responseBytes: raw.bytes }
    return { ...base, status: raw.status, message: errorMessage(raw.status, raw.body), latencyS, results: null, responseBytes: raw.bytes }
  }

  /** The same POST to every target at once; outcomes in the targets' order. */
  queryAll(targets: readonly AxonTarget[], post: BtauthPost, onDone?: (o: QueryOutcome) => void): Promise<QueryOutcome[]> {
    return queryEach(targets, (t) => this.query(t, post), onDone)
  }
}
