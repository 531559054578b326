/**
 * A btauth/1 client (network-2026 §9): signs each request to a miner with our hotkey, bound to
 * the miner's hotkey, with a fresh nanosecond nonce per attempt, and sends it with the same
 * timeout, size cap and status codes as the v10 dendrite. What is sent and how the answer is
 * read is the caller's (a subnet protocol's) business.
 */
import type { Signer } from '../../keys/signer'
import { queryOne } from '../http-query'
import type { AxonTarget, QueryClientOptions, QueryOutcome } from '../http-query'
import { NonceClock } from '../v10/request'
import { btauthHeaders } from './sign'

export interface BtauthClientOptions extends QueryClientOptions {
  readonly signer: Signer
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

  constructor(private readonly options: BtauthClientOptions) {}

  get hotkey(): string {
    return this.options.signer.address
  }

  /**
   * Sends one signed POST. Never throws: every failure becomes a status and a message. A 200
   * answer comes back raw in `body` (not parsed here); other answers carry their error message.
   */
  query(target: AxonTarget, post: BtauthPost): Promise<QueryOutcome> {
    const sign = () => {
      const headers = btauthHeaders(this.options.signer, { method: 'POST', target: post.target, body: post.body, receiver: target.hotkey, nonce: this.nonces.next() })
      return { headers: { 'content-type': post.contentType ?? 'application/json', ...headers }, body: post.body }
    }
    return queryOne(target, this.options, post.target, sign, (raw, latencyS) => {
      const base = { uid: target.uid, hotkey: target.hotkey, latencyS, results: null, responseBytes: raw.bytes }
      if (raw.status === 200) return { ...base, status: 200, message: 'Success', body: raw.body }
      return { ...base, status: raw.status, message: errorMessage(raw.status, raw.body) }
    })
  }
}
