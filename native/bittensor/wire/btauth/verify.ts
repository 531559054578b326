import { hexToU8a } from '@polkadot/util'
import { decodeAddress, ed25519Verify } from '@polkadot/util-crypto'
import { BTAUTH_HEADERS, BTAUTH_VERSION, btauthPayloadBytes, sha256Hex } from './payload'
import type { BtauthScheme } from './payload'
import { sr25519Verify } from '../sr25519-verify'

/**
 * The receiving side of btauth/1 (network-2026 §9.3, §9.4), in the spec's order: shape,
 * receiver, freshness, signature, replay. Every refusal is a BtauthError whose message is the
 * SDK's (safe to return to the caller, HTTP 401). Stricter than the Python verifier where the
 * spec allows: the sender's scheme is pinned by the server (a conflicting `X-Bittensor-Crypto`
 * is refused), the nonce must be canonical decimal, and only the exact payload bytes verify
 * (no `<Bytes>` wrapping).
 */

export const DEFAULT_MAX_AGE_NS = 10_000_000_000n
export const DEFAULT_ALLOWED_SKEW_NS = 2_000_000_000n
/** 10^30 ns is 31 700 years: longer nonces are not times. */
const MAX_NONCE_DIGITS = 30

export type BtauthFailure = 'malformed' | 'wrong-receiver' | 'stale' | 'bad-signature' | 'replayed'

export class BtauthError extends Error {
  constructor(
    readonly failure: BtauthFailure,
    message: string,
  ) {
    super(message)
    this.name = 'BtauthError'
  }
}

/**
 * Remembers accepted `(hotkey, nonce)` pairs (a Redis `SET NX EX` in a multi-process server).
 * `accept` is called only after the signature verifies, and returns false for a pair it has
 * already accepted.
 */
export interface ReplayGuard {
  /** How long an accepted pair is remembered: at least the freshness window, or verify refuses to run. */
  readonly retentionMs: number
  accept(hotkey: string, nonce: bigint): boolean
}

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>

/** One received request, as it came off the wire. */
export interface ReceivedRequest {
  readonly method: string
  /** The request target exactly as received (Node's `req.url`), not decoded. */
  readonly target: string
  readonly headers: HeaderBag
  /** The raw body bytes, before any parsing. */
  readonly body: Uint8Array
}

export interface VerifyOptions {
  /** This server's hotkey (SS58). */
  readonly receiver: string
  /** Default true: a request without `X-Bittensor-Receiver` is refused. */
  readonly requireReceiver?: boolean
  readonly nowNs: bigint
  readonly maxAgeNs?: bigint
  readonly allowedSkewNs?: bigint
  /** The sender's scheme from trusted configuration, never from the header (default: sr25519, what chain hotkeys are). */
  readonly schemeOf?: (hotkey: string) => BtauthScheme
  readonly replay: ReplayGuard
}

export interface VerifiedSender {
  readonly hotkey: string
  readonly nonce: bigint
  readonly scheme: BtauthScheme
}

const CANONICAL_DECIMAL = /^(0|[1-9][0-9]*)$/
const LOOSE_INTEGER = /^\s*[+-]?[0-9_]+\s*$/
const HEX = /^(?:[0-9a-fA-F]{2})*$/

function headerOf(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue
    return Array.isArray(value) ? value.join(', ') : value
  }
  return undefined
}

/** `X-Bittensor-Crypto`: a name in any case, or the numeric codes 0 (ed25519) and 1 (sr25519). */
function declaredScheme(raw: string | undefined): BtauthScheme | undefined {
  if (raw === undefined) return 'sr25519'
  const v = raw.trim().toLowerCase()
  if (v === 'sr25519' || v === '1') return 'sr25519'
  if (v === 'ed25519' || v === '0') return 'ed25519'
  return undefined
}

function verifies(scheme: BtauthScheme, payload: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return scheme === 'sr25519' ? sr25519Verify(payload, signature, publicKey) : ed25519Verify(payload, signature, publicKey)
  } catch {
    return false // not a valid point or scalar: the same as a wrong signature
  }
}

/** What the headers claim, checked as far as headers allow (steps 1 to 3); the body is not needed yet. */
export interface BtauthClaim {
  readonly hotkey: string
  readonly nonce: bigint
  readonly scheme: BtauthScheme
  readonly receiver: string | undefined
  readonly publicKey: Uint8Array
  readonly signature: Uint8Array
}

/**
 * Steps 1 to 3 of the verification (shape, receiver, freshness), which need only the headers:
 * a server can refuse before reading a body. `confirmBtauth` does the rest.
 */
export function readBtauthClaim(headers: HeaderBag, options: VerifyOptions): BtauthClaim {
  const maxAge = options.maxAgeNs ?? DEFAULT_MAX_AGE_NS
  const skew = options.allowedSkewNs ?? DEFAULT_ALLOWED_SKEW_NS
  if (BigInt(Math.floor(options.replay.retentionMs)) * 1_000_000n < maxAge + skew) {
    throw new Error(`The replay store keeps nonces for ${options.replay.retentionMs} ms, less than the freshness window (${(maxAge + skew) / 1_000_000n} ms): replays would pass.`)
  }
  const h = (name: string) => headerOf(headers, name)
  const malformed = (message: string): never => {
    throw new BtauthError('malformed', message)
  }

  // 1. Shape.
  if (h(BTAUTH_HEADERS.version) !== BTAUTH_VERSION) malformed(`missing or unsupported ${BTAUTH_HEADERS.version} (expected '1')`)
  const hotkey = h(BTAUTH_HEADERS.hotkey)
  if (!hotkey) return malformed(`missing ${BTAUTH_HEADERS.hotkey}`)
  const nonceText = h(BTAUTH_HEADERS.nonce)
  if (nonceText === undefined) return malformed(`missing ${BTAUTH_HEADERS.nonce}`)
  if (!CANONICAL_DECIMAL.test(nonceText) || nonceText.length > MAX_NONCE_DIGITS) {
    return malformed(
      LOOSE_INTEGER.test(nonceText)
        ? `${BTAUTH_HEADERS.nonce} is not canonical decimal (no sign, leading zeros, spaces or underscores)`
        : `${BTAUTH_HEADERS.nonce} is not a decimal integer`,
    )
  }
  const nonce = BigInt(nonceText)
  const declared = declaredScheme(h(BTAUTH_HEADERS.crypto))
  if (declared === undefined) return malformed(`unsupported ${BTAUTH_HEADERS.crypto}`)
  const scheme = options.schemeOf?.(hotkey) ?? 'sr25519'
  if (declared !== scheme) return malformed(`${BTAUTH_HEADERS.crypto} says ${declared}, but this server verifies ${scheme} signatures for this hotkey`)
  const signatureText = h(BTAUTH_HEADERS.signature)
  if (!signatureText) return malformed(`missing ${BTAUTH_HEADERS.signature}`)
  const signatureHex = signatureText.startsWith('0x') || signatureText.startsWith('0X') ? signatureText.slice(2) : signatureText
  if (!HEX.test(signatureHex)) return malformed(`${BTAUTH_HEADERS.signature} is not hex`)
  let publicKey: Uint8Array
  try {
    publicKey = decodeAddress(hotkey)
  } catch {
    return malformed('invalid hotkey address or signature encoding')
  }
  if (publicKey.length !== 32 || signatureHex.length !== 128) return malformed('invalid hotkey address or signature encoding')

  // 2. Receiver.
  const receiver = h(BTAUTH_HEADERS.receiver)
  if (receiver === undefined || receiver === '') {
    if (options.requireReceiver ?? true) throw new BtauthError('wrong-receiver', `missing ${BTAUTH_HEADERS.receiver}: this server requires receiver-bound requests`)
  } else if (receiver !== options.receiver) {
    throw new BtauthError('wrong-receiver', 'request was signed for a different receiving hotkey')
  }

  // 3. Freshness (strict comparisons, in nanoseconds).
  if (options.nowNs - nonce > maxAge) throw new BtauthError('stale', `nonce is older than the ${maxAge / 1_000_000_000n}s freshness window`)
  if (nonce - options.nowNs > skew) throw new BtauthError('stale', `nonce is more than ${skew / 1_000_000_000n}s in the future`)
  return { hotkey, nonce, scheme, receiver: receiver || undefined, publicKey, signature: hexToU8a(`0x${signatureHex}`) }
}

/** Steps 4 and 5: the signature over the payload rebuilt from what was received, then the replay check. */
export function confirmBtauth(claim: BtauthClaim, request: Omit<ReceivedRequest, 'headers'>, replay: ReplayGuard): VerifiedSender {
  // The body hash is always recomputed from the raw bytes; the scheme is the pinned one only.
  const payload = btauthPayloadBytes({
    scheme: claim.scheme,
    method: request.method,
    target: request.target,
    bodySha256: sha256Hex(request.body),
    nonce: claim.nonce,
    sender: claim.hotkey,
    receiver: claim.receiver,
  })
  if (!verifies(claim.scheme, payload, claim.signature, claim.publicKey)) throw new BtauthError('bad-signature', 'signature does not verify against the claimed hotkey')
  // Recorded only now that the signature verified.
  if (!replay.accept(claim.hotkey, claim.nonce)) throw new BtauthError('replayed', 'this nonce was already accepted from this hotkey')
  return { hotkey: claim.hotkey, nonce: claim.nonce, scheme: claim.scheme }
}

/** The whole verification of one request, in the spec's order. Throws BtauthError (HTTP 401). */
export function verifyBtauth(request: ReceivedRequest, options: VerifyOptions): VerifiedSender {
  return confirmBtauth(readBtauthClaim(request.headers, options), request, options.replay)
}
