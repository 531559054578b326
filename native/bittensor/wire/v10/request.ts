import type { Signer } from '../../keys/signer'
import { EMPTY_BODY_HASH, EMPTY_LIST_B64, hexSignature, pyFloat, signatureMessage } from './format'

/**
 * What a dendrite sends (spec §4.2, §4.3, §4.5): the headers of `Synapse.to_headers()` and the
 * body of `model_dump()`, signed as bittensor 9.x/10.x's Python dendrite signs them. The one
 * place requests are built: the validator's dendrite, the miner's reachability ping and the
 * spec test dendrite all use it.
 */

/** Where a request goes: the axon as published on chain. */
export interface AxonAddress {
  readonly ip: string
  readonly port: number
  readonly hotkey: string
}

/** One synapse to send: its name (the route) and its own fields. */
export interface SynapseRequest {
  readonly name: string
  /** Fields the axon requires as `bt_header_input_obj_<field>` headers (each a list). */
  readonly requiredFields: readonly string[]
  /** The synapse's fields, written after the common ones in this order. */
  readonly fields: Readonly<Record<string, unknown>>
}

/** The dendrite's side of one request (TerminalInfo of the dendrite). */
export interface DendriteInfo {
  /** Our external IP (informational for the axon). */
  readonly ip: string
  readonly version: number
  readonly uuid: string
  readonly hotkey: string
}

export interface RequestParts {
  readonly synapse: SynapseRequest
  readonly target: AxonAddress
  readonly timeoutS: number
  readonly dendrite: DendriteInfo
  readonly nonce: bigint
  /** `0x…` sr25519 signature; null sends none (only tests of unsigned requests want that). */
  readonly signature: string | null
}

/** `sys.getsizeof` of the header dict in CPython, what the Python dendrite sends as header_size. */
const PY_HEADER_DICT_SIZE = '640'

/** `time.time_ns()`, forced strictly increasing: axons refuse a nonce not above the last one. */
export class NonceClock {
  private last = 0n

  next(): bigint {
    let n = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)
    if (n <= this.last) n = this.last + 1n
    this.last = n
    return n
  }
}

/** Signs `nonce.dendrite.axon.uuid.body_hash` with the dendrite's hotkey. */
export function signRequest(signer: Signer, nonce: bigint, uuid: string, axonHotkey: string): string {
  return hexSignature(signer.sign(new TextEncoder().encode(signatureMessage(nonce, signer.address, axonHotkey, uuid, EMPTY_BODY_HASH))))
}

const NONCE_MARKER = '"__NONCE__"'

/** The synapse JSON as the Python dendrite posts it (`model_dump()`, §4.5). */
export function requestBody(p: RequestParts): string {
  const dump = {
    name: p.synapse.name,
    timeout: p.timeoutS,
    total_size: 0,
    header_size: 0,
    dendrite: {
      status_code: null,
      status_message: null,
      process_time: null,
      ip: p.dendrite.ip,
      port: null,
      version: p.dendrite.version,
      nonce: '__NONCE__',
      uuid: p.dendrite.uuid,
      hotkey: p.dendrite.hotkey,
      signature: p.signature,
    },
    axon: { status_code: null, status_message: null, process_time: null, ip: p.target.ip, port: p.target.port, version: null, nonce: null, uuid: null, hotkey: p.target.hotkey, signature: null },
    computed_body_hash: '',
    ...p.synapse.fields,
  }
  // Python ints are exact: the 19-digit nonce is written as a JSON number without rounding. The
  // dendrite's own keys come before the synapse's fields, so the first marker is the nonce.
  return JSON.stringify(dump).replace(NONCE_MARKER, p.nonce.toString())
}

/** `Synapse.to_headers()` of a request; `totalSize` is the body's size. */
export function requestHeaders(p: RequestParts, totalSize: number): Record<string, string> {
  const h: Record<string, string> = {
    name: p.synapse.name,
    timeout: pyFloat(p.timeoutS),
    bt_header_axon_ip: p.target.ip,
    bt_header_axon_port: String(p.target.port),
    bt_header_axon_hotkey: p.target.hotkey,
    bt_header_dendrite_ip: p.dendrite.ip,
    bt_header_dendrite_version: String(p.dendrite.version),
    bt_header_dendrite_nonce: p.nonce.toString(),
    bt_header_dendrite_uuid: p.dendrite.uuid,
    bt_header_dendrite_hotkey: p.dendrite.hotkey,
  }
  if (p.signature !== null) h.bt_header_dendrite_signature = p.signature
  // Every required field is a list: its "empty instance" is [] (§4.2).
  for (const field of p.synapse.requiredFields) h[`bt_header_input_obj_${field}`] = EMPTY_LIST_B64
  h.header_size = PY_HEADER_DICT_SIZE
  h.total_size = String(totalSize)
  h.computed_body_hash = EMPTY_BODY_HASH
  return h
}

/** Headers and body of one request, ready to POST to `/<synapse name>`. */
export function buildRequest(p: RequestParts): { headers: Record<string, string>; body: string } {
  const body = requestBody(p)
  return { headers: { 'content-type': 'application/json', ...requestHeaders(p, Buffer.byteLength(body)) }, body }
}
