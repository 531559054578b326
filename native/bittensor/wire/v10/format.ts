import { sha3_256 } from '@noble/hashes/sha3'
import { bytesToHex } from '@noble/hashes/utils'

/**
 * The pieces of the bittensor synapse wire format (spec §4) that both ends share: the signed
 * messages, the body hash and Python's number spelling. Requests are built in request.ts and read
 * in headers.ts; both take these from here.
 */

/** The base synapse every axon answers (spec §4.6): no fields, no blacklist. */
export const PING_ROUTE = 'Synapse'
/** The SDK version we announce on both ends: bittensor 9.0.0's version_as_int (spec §1.1). */
export const SDK_VERSION_AS_INT = 9_000_000
/** Python's default synapse timeout when the header is absent. */
export const DEFAULT_SYNAPSE_TIMEOUT_S = 12
/** sha3_256(""): the body hash of a synapse without required_hash_fields (spec §10). */
export const EMPTY_BODY_HASH = 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'
/** base64(json.dumps([])): the input_obj header of a required list field (spec §4.2). */
export const EMPTY_LIST_B64 = 'W10='

/** Lower-case hex SHA3-256 (FIPS-202, not keccak) of the UTF-8 bytes of `s` (`get_hash`). */
export function sha3Hex(s: string): string {
  return bytesToHex(sha3_256(new TextEncoder().encode(s)))
}

/**
 * `body_hash` of a synapse: hash of the concatenated per-field hashes of `required_hash_fields`.
 * With none (every synapse spoken here) this is sha3("").
 */
export function bodyHash(fieldStrings: readonly string[] = []): string {
  return sha3Hex(fieldStrings.map(sha3Hex).join(''))
}

/** The message a dendrite signs: `nonce.dendrite_hotkey.axon_hotkey.uuid.body_hash` (§4.3). */
export function signatureMessage(nonce: bigint | string, dendriteHotkey: string, axonHotkey: string, uuid: string, hash: string): string {
  return `${nonce}.${dendriteHotkey}.${axonHotkey}.${uuid}.${hash}`
}

/** The message an axon signs in its answer headers: `nonce.dendrite_hotkey.axon_hotkey.axon_uuid`. */
export function axonSignatureMessage(nonce: bigint, dendriteHotkey: string | undefined, axonHotkey: string, axonUuid: string): string {
  return `${nonce}.${dendriteHotkey ?? 'None'}.${axonHotkey}.${axonUuid}`
}

/** `0x` + lower-case hex, how signatures travel in headers. */
export function hexSignature(signature: Uint8Array): string {
  return `0x${bytesToHex(signature)}`
}

/** Python `str(float)`: always has a decimal point or exponent, so pydantic reads it as a float. */
export function pyFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`
  return String(n)
}
