import { sha3_256 } from '@noble/hashes/sha3'
import { bytesToHex } from '@noble/hashes/utils'

/**
 * The bittensor axon/dendrite HTTP wire format (spec §4), as the Python SDK 9.x/10.x speaks it.
 * Pure functions: header parsing, body hash, signed message, response headers.
 */

export const TEXT_EMBEDDING_ROUTE = 'TextEmbeddingSynapse'
export const PING_ROUTE = 'Synapse'

/** The SDK version we announce (bittensor 9.0.0's version_as_int), spec §1.1. */
export const AXON_VERSION_AS_INT = 9_000_000
/** Dendrites at or above 7.2.0 get the nonce window check on first contact (§4.4). */
export const V_7_2_0 = 7_002_000n
/** ALLOWED_DELTA of the Python axon: 4 s. */
export const ALLOWED_DELTA_NS = 4_000_000_000n
/** Python's default synapse timeout when the header is absent. */
export const DEFAULT_SYNAPSE_TIMEOUT_S = 12
/** sha3_256("") — the body hash of every SN5 synapse (no required_hash_fields). §10. */
export const EMPTY_BODY_HASH = 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'
/** base64(json.dumps([])): the input_obj header for a required list field. */
export const EMPTY_LIST_B64 = 'W10='
const INT64_MAX = 9_223_372_036_854_775_807n

/** Lower-case hex SHA3-256 (FIPS-202, not keccak) of the UTF-8 bytes of `s` (`get_hash`). */
export function sha3Hex(s: string): string {
  return bytesToHex(sha3_256(new TextEncoder().encode(s)))
}

/**
 * `body_hash` of a synapse: hash of the concatenated per-field hashes of `required_hash_fields`.
 * SN5 synapses define none, so this is always sha3("").
 */
export function bodyHash(fieldStrings: readonly string[] = []): string {
  return sha3Hex(fieldStrings.map(sha3Hex).join(''))
}

/** The message a dendrite signs: `nonce.dendrite_hotkey.axon_hotkey.uuid.body_hash` (§4.3). */
export function signatureMessage(nonce: bigint | string, dendriteHotkey: string, axonHotkey: string, uuid: string, hash: string): string {
  return `${nonce}.${dendriteHotkey}.${axonHotkey}.${uuid}.${hash}`
}

/** Python `str(float)`: always has a decimal point or exponent, so pydantic reads it as a float. */
export function pyFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`
  return String(n)
}

export class SynapseParsingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SynapseParsingError'
  }
}

/** Terminal info of one side (TerminalInfo in the SDK); null fields are omitted on the wire. */
export interface TerminalInfo {
  status_code?: number | null
  status_message?: string | null
  process_time?: number | null
  ip?: string | null
  port?: number | null
  version?: number | bigint | null
  nonce?: bigint | number | null
  uuid?: string | null
  hotkey?: string | null
  signature?: string | null
}

/** What the axon learns from a request's headers before reading its body. */
export interface RequestHeaders {
  readonly name: string
  readonly timeoutS: number
  readonly axon: {
    readonly ip?: string
    readonly port?: number
    readonly hotkey?: string
  }
  readonly dendrite: {
    readonly ip?: string
    readonly version?: bigint
    readonly nonce?: bigint
    readonly uuid?: string
    readonly hotkey?: string
    readonly signature?: string
  }
  readonly computedBodyHash: string
  readonly inputObjects: Readonly<Record<string, unknown>>
}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name]
  if (v === undefined) return undefined
  return Array.isArray(v) ? v[0] : v
}

const INT_RE = /^\s*[+-]?\d+\s*$/
const FLOAT_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/

function parseBigInt(headers: HeaderBag, name: string): bigint | undefined {
  const raw = header(headers, name)
  if (raw === undefined || raw === 'None') return undefined
  if (!INT_RE.test(raw)) throw new SynapseParsingError(`Header ${name} must be an integer, got ${JSON.stringify(raw.slice(0, 40))}`)
  const n = BigInt(raw.trim())
  if (n > INT64_MAX || n < -INT64_MAX) throw new SynapseParsingError(`Header ${name} is out of range`)
  return n
}

function parsePort(headers: HeaderBag, name: string): number | undefined {
  const n = parseBigInt(headers, name)
  if (n === undefined) return undefined
  if (n < 0n || n > 65535n) throw new SynapseParsingError(`Header ${name} must be a port number (0 to 65535)`)
  return Number(n)
}

function parseString(headers: HeaderBag, name: string): string | undefined {
  const raw = header(headers, name)
  return raw === undefined || raw === 'None' ? undefined : raw
}

/**
 * `Synapse.from_headers` for the routes this axon serves. Throws SynapseParsingError (HTTP 400)
 * when a value does not parse into its pydantic type or a required input object is missing.
 */
export function parseRequestHeaders(headers: HeaderBag, route: string, requiredFields: readonly string[]): RequestHeaders {
  const timeoutRaw = header(headers, 'timeout')
  let timeoutS = DEFAULT_SYNAPSE_TIMEOUT_S
  if (timeoutRaw !== undefined) {
    if (!FLOAT_RE.test(timeoutRaw)) throw new SynapseParsingError(`Header timeout must be a number of seconds, got ${JSON.stringify(timeoutRaw.slice(0, 40))}`)
    timeoutS = Number(timeoutRaw)
    if (!Number.isFinite(timeoutS) || timeoutS < 0) throw new SynapseParsingError('Header timeout must be a finite, non-negative number of seconds')
  }
  // header_size / total_size must parse as ints in Python even though nobody uses them.
  parseBigInt(headers, 'header_size')
  parseBigInt(headers, 'total_size')

  const inputObjects: Record<string, unknown> = {}
  for (const field of requiredFields) {
    const raw = header(headers, `bt_header_input_obj_${field}`)
    if (raw === undefined) {
      throw new SynapseParsingError(`Improperly formatted request: missing header bt_header_input_obj_${field} (required field "${field}" of ${route}).`)
    }
    try {
      inputObjects[field] = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'))
    } catch {
      throw new SynapseParsingError(`Header bt_header_input_obj_${field} is not base64-encoded JSON`)
    }
  }
  const nameHeader = parseString(headers, 'name')
  return {
    name: nameHeader ?? route,
    timeoutS,
    axon: {
      ip: parseString(headers, 'bt_header_axon_ip'),
      port: parsePort(headers, 'bt_header_axon_port'),
      hotkey: parseString(headers, 'bt_header_axon_hotkey'),
    },
    dendrite: {
      ip: parseString(headers, 'bt_header_dendrite_ip'),
      version: parseBigInt(headers, 'bt_header_dendrite_version'),
      nonce: parseBigInt(headers, 'bt_header_dendrite_nonce'),
      uuid: parseString(headers, 'bt_header_dendrite_uuid'),
      hotkey: parseString(headers, 'bt_header_dendrite_hotkey'),
      signature: parseString(headers, 'bt_header_dendrite_signature'),
    },
    computedBodyHash: parseString(headers, 'computed_body_hash') ?? '',
    inputObjects,
  }
}

// A header value Node will send and aiohttp will read back unchanged.
const SAFE_HEADER_VALUE = /^[\t\x20-\x7e]*$/

function terminalHeaders(prefix: string, info: TerminalInfo | null | undefined, out: Record<string, string>): void {
  if (!info) return
  for (const [key, value] of Object.entries(info)) {
    if (value === null || value === undefined) continue
    let text: string
    if (typeof value === 'number') text = key === 'process_time' ? pyFloat(value) : String(Math.trunc(value))
    else if (typeof value === 'bigint' || typeof value === 'string') text = String(value)
    else continue
    if (text.length > 1024 || !SAFE_HEADER_VALUE.test(text)) continue
    out[`${prefix}${key}`] = text
  }
}

export interface HeaderSynapse {
  readonly name: string
  readonly timeoutS: number
  readonly axon?: TerminalInfo | null
  readonly dendrite?: TerminalInfo | null
  readonly requiredFields: readonly string[]
  readonly totalSize?: number
}

/**
 * `Synapse.to_headers()`: lower-case names (the Python dendrite matches the `bt_header_axon_`
 * prefix case-sensitively), Python `str()` values, null fields omitted.
 */
export function toHeaders(s: HeaderSynapse): Record<string, string> {
  const out: Record<string, string> = {
    name: SAFE_HEADER_VALUE.test(s.name) ? s.name : 'Synapse',
    timeout: pyFloat(s.timeoutS),
  }
  terminalHeaders('bt_header_axon_', s.axon, out)
  terminalHeaders('bt_header_dendrite_', s.dendrite, out)
  // Every SN5 required field is a list: its "empty instance" is [] (§4.2).
  for (const field of s.requiredFields) out[`bt_header_input_obj_${field}`] = EMPTY_LIST_B64
  out.header_size = String(Object.keys(out).length * 64)
  out.total_size = String(s.totalSize ?? 0)
  out.computed_body_hash = EMPTY_BODY_HASH
  return out
}
