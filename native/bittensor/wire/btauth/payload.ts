import { sha256 } from '@noble/hashes/sha256'
import { bytesToHex } from '@noble/hashes/utils'

/**
 * btauth/1, the hotkey-signed HTTP of bittensor SDK 11 (network-2026 §9): the header names and
 * the eight-line payload that both the signing and the verifying side build. Nothing here knows
 * what is being sent.
 */

export const BTAUTH_VERSION = '1'

/** Header names as the spec writes them (HTTP header names are case-insensitive; Node lower-cases them). */
export const BTAUTH_HEADERS = {
  version: 'X-Bittensor-Version',
  hotkey: 'X-Bittensor-Hotkey',
  receiver: 'X-Bittensor-Receiver',
  nonce: 'X-Bittensor-Nonce',
  crypto: 'X-Bittensor-Crypto',
  signature: 'X-Bittensor-Signature',
} as const

/** The schemes btauth/1 signs with that TaoDesk speaks (`hashed` and `mldsa` are off on chain by default). */
export type BtauthScheme = 'sr25519' | 'ed25519'

/** Line 8 of the payload when a request names no receiver. */
export const UNBOUND_RECEIVER = '-'

/** What one signature binds (§9.2). */
export interface BtauthPayloadParts {
  readonly scheme: BtauthScheme
  /** Any case; the payload has it upper-case. */
  readonly method: string
  /** Path and query exactly as on the wire, percent-encoding untouched, e.g. `/a%20b?q=1`. */
  readonly target: string
  /** Lower-case hex sha256 of the raw body bytes. */
  readonly bodySha256: string
  /** Unix time in nanoseconds; a string or a bigint, never a number (it is above 2^53). */
  readonly nonce: bigint
  readonly sender: string
  /** The receiver's SS58, or undefined for an unbound request. */
  readonly receiver: string | undefined
}

/** Lower-case hex sha256 of the raw bytes (hash before any JSON parsing). */
export function sha256Hex(body: Uint8Array | string): string {
  return bytesToHex(sha256(typeof body === 'string' ? new TextEncoder().encode(body) : body))
}

/** The eight lines joined by `\n`, no trailing newline. */
export function btauthPayload(p: BtauthPayloadParts): string {
  return ['btauth/1', p.scheme, p.method.toUpperCase(), p.target, p.bodySha256, p.nonce.toString(), p.sender, p.receiver ?? UNBOUND_RECEIVER].join('\n')
}

/** The payload's UTF-8 bytes: what is signed. */
export function btauthPayloadBytes(p: BtauthPayloadParts): Uint8Array {
  return new TextEncoder().encode(btauthPayload(p))
}
