import { decodeAddress } from '@polkadot/util-crypto'
import { hexToU8a, isHex } from '@polkadot/util'
import { sr25519Verify } from '../sr25519-verify'
import { DEFAULT_SYNAPSE_TIMEOUT_S, EMPTY_BODY_HASH, EMPTY_LIST_B64, PING_ROUTE, pyFloat, signatureMessage } from './format'

/**
 * What an axon reads and writes (spec §4), as the Python SDK 9.x/10.x speaks it: request header
 * parsing, the signature check, and the answer's headers. Requests are built in request.ts.
 */

/** Dendrites at or above 7.2.0 get the nonce window check on first contact (§4.4). */
export const V_7_2_0 = 7_002_000n
/** ALLOWED_DELTA of the Python axon: 4 s. */
export const ALLOWED_DELTA_NS = 4_000_000_000n
const INT64_MAX = 9_223_372_036_854_775_807n

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
    name: SAFE_HEADER_VALUE.test(s.name) ? s.name : PING_ROUTE,
    timeout: pyFloat(s.timeoutS),
  }
  terminalHeaders('bt_header_axon_', s.axon, out)
  terminalHeaders('bt_header_dendrite_', s.dendrite, out)
  // Every required field is a list: its "empty instance" is [] (§4.2).
  for (const field of s.requiredFields) out[`bt_header_input_obj_${field}`] = EMPTY_LIST_B64
  out.header_size = String(Object.keys(out).length * 64)
  out.total_size = String(s.totalSize ?? 0)
  out.computed_body_hash = EMPTY_BODY_HASH
  return out
}

/**
 * The signature half of the SDK's `default_verify` (§4.4) for an axon with hotkey `axonHotkey`:
 * undefined when `bt_header_dendrite_signature` signs this request for this axon, else why not.
 * Like the Rust verifier, a signature over the `<Bytes>`-wrapped message is accepted too.
 */
export function signatureProblem(h: RequestHeaders, axonHotkey: string): string | undefined {
  const d = h.dendrite
  if (!d.hotkey || d.nonce === undefined) return 'Missing dendrite hotkey or nonce'
  if (!d.signature) return 'Missing signature: requests to this miner must be signed (bt_header_dendrite_signature)'
  let publicKey: Uint8Array
  try {
    publicKey = decodeAddress(d.hotkey)
  } catch {
    return `Invalid dendrite hotkey ${JSON.stringify(d.hotkey.slice(0, 64))}: not an SS58 address`
  }
  const sigHex = d.signature.startsWith('0x') ? d.signature : `0x${d.signature}`
  if (!isHex(sigHex) || sigHex.length !== 130) return 'Signature must be 0x followed by 128 hex digits'
  const signature = hexToU8a(sigHex)
  const msg = signatureMessage(d.nonce, d.hotkey, axonHotkey, d.uuid ?? 'None', h.computedBodyHash)
  const enc = new TextEncoder()
  const check = (text: string): boolean => sr25519Verify(enc.encode(text), signature, publicKey)
  if (check(msg) || check(`<Bytes>${msg}</Bytes>`)) return undefined
  const addressed = h.axon.hotkey
  if (addressed && addressed !== axonHotkey) {
    return `Signature mismatch: the request was signed for axon hotkey ${addressed}, but this axon is ${axonHotkey} (stale metagraph?)`
  }
  return `Signature mismatch with ${msg} and ${d.signature}`
}
