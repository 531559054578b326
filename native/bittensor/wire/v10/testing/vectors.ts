/**
 * The wire vectors (spec §4.3, §10): one table that the sending side's tests (request building,
 * the dendrite reading answers) and the receiving side's tests (header parsing, signature check,
 * the axon's answer headers, the axon itself) both check against. The synapse is a made-up
 * `ExampleSynapse` with one required list field: the wire format knows no subnet.
 *
 * The signature was made once with //Alice (sr25519 signing is randomized, verification is not):
 * a test that signs gets a different one that must verify the same way.
 */
import { NOT_THIS_SYNAPSE } from '../dendrite'
import type { SynapseQuery } from '../dendrite'
import type { RequestHeaders, HeaderSynapse } from '../headers'
import type { RequestParts } from '../request'

/** Dev keys (practice network and tests only). */
export const DENDRITE_URI = '//Alice'
export const AXON_URI = '//Bob'
export const DENDRITE_HOTKEY = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
export const AXON_HOTKEY = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'

/** sha3_256 (FIPS-202; keccak256("") would start c5d2…). */
export const SHA3_VECTORS: ReadonlyArray<{ readonly input: string; readonly hex: string }> = [
  { input: '', hex: 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a' },
  { input: 'abc', hex: '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532' },
]

/** The signed message is `nonce.dendrite.axon.uuid.body_hash`. */
export const SIGNATURE_MESSAGE_VECTOR = {
  nonce: 1735689600123456789n,
  dendriteHotkey: '5Fcaller',
  axonHotkey: '5Gminer',
  uuid: '6a1c-uuid',
  bodyHash: SHA3_VECTORS[0]!.hex,
  message: `1735689600123456789.5Fcaller.5Gminer.6a1c-uuid.${SHA3_VECTORS[0]!.hex}`,
} as const

const NONCE = 1735689600123456789n
const UUID = '1f7c9a4e-8d2b-4c61-9e3a-5b0d7f2c8a14'
const SIGNATURE = '0x265e656fb215935ec7a03523fdf76925e9cd6a5c8538a453d482ee682925557ff8100b264d8cbaec90cf8244296cd74d8f546dd2a2e68c97fedd413c8f91348f'

/** The headers both ways share: the axon's address, the dendrite's signed request, the input object. */
const TERMINAL_HEADERS = {
    bt_header_axon_ip: '203.0.113.9',
    bt_header_axon_port: '8091',
    bt_header_axon_hotkey: AXON_HOTKEY,
    bt_header_dendrite_ip: '203.0.113.7',
    bt_header_dendrite_version: '9000000',
    bt_header_dendrite_nonce: '1735689600123456789',
    bt_header_dendrite_uuid: UUID,
    bt_header_dendrite_hotkey: DENDRITE_HOTKEY,
    bt_header_dendrite_signature: SIGNATURE,
    bt_header_input_obj_items: 'W10=',
}

/** The made-up synapse, as a dendrite sends it and reads its answer (`items` must come back). */
export const EXAMPLE_QUERY: SynapseQuery = {
  name: 'ExampleSynapse',
  requiredFields: ['items'],
  fields: { items: ['a', 'b'], results: null },
  readAnswer: (json) => (typeof json === 'object' && json !== null && Array.isArray((json as { items?: unknown }).items) ? (json as { results?: unknown }).results : NOT_THIS_SYNAPSE),
}

/** One signed request from //Alice to //Bob's axon, and exactly what goes on the wire. */
export const SIGNED_REQUEST = {
  parts: {
    synapse: EXAMPLE_QUERY,
    target: { ip: '203.0.113.9', port: 8091, hotkey: AXON_HOTKEY },
    timeoutS: 12,
    dendrite: { ip: '203.0.113.7', version: 9_000_000, uuid: UUID, hotkey: DENDRITE_HOTKEY },
    nonce: NONCE,
    signature: SIGNATURE,
  } satisfies RequestParts,
  headers: {
    'content-type': 'application/json',
    name: 'ExampleSynapse',
    timeout: '12.0',
    ...TERMINAL_HEADERS,
    header_size: '640',
    total_size: '746',
    computed_body_hash: SHA3_VECTORS[0]!.hex,
  } as Readonly<Record<string, string>>,
  body:
    '{"name":"ExampleSynapse","timeout":12,"total_size":0,"header_size":0,' +
    `"dendrite":{"status_code":null,"status_message":null,"process_time":null,"ip":"203.0.113.7","port":null,"version":9000000,"nonce":1735689600123456789,"uuid":"${UUID}","hotkey":"${DENDRITE_HOTKEY}","signature":"${SIGNATURE}"},` +
    `"axon":{"status_code":null,"status_message":null,"process_time":null,"ip":"203.0.113.9","port":8091,"version":null,"nonce":null,"uuid":null,"hotkey":"${AXON_HOTKEY}","signature":null},` +
    '"computed_body_hash":"","items":["a","b"],"results":null}',
  /** What the axon reads from those headers. */
  parsed: {
    name: 'ExampleSynapse',
    timeoutS: 12,
    axon: { ip: '203.0.113.9', port: 8091, hotkey: AXON_HOTKEY },
    dendrite: { ip: '203.0.113.7', version: 9_000_000n, nonce: NONCE, uuid: UUID, hotkey: DENDRITE_HOTKEY, signature: SIGNATURE },
    computedBodyHash: SHA3_VECTORS[0]!.hex,
    inputObjects: { items: [] },
  } satisfies RequestHeaders,
}

/** The axon's answer headers for that request (`Synapse.to_headers()` on the way back). */
export const ANSWER_HEADERS = {
  synapse: {
    name: 'ExampleSynapse',
    timeoutS: 12,
    axon: { status_code: 200, status_message: 'Success', process_time: 0.25, ip: '203.0.113.9', port: 8091, hotkey: AXON_HOTKEY },
    dendrite: { ip: '203.0.113.7', version: 9_000_000, nonce: NONCE, uuid: UUID, hotkey: DENDRITE_HOTKEY, signature: SIGNATURE },
    requiredFields: ['items'],
    totalSize: 1234,
  } satisfies HeaderSynapse,
  headers: {
    name: 'ExampleSynapse',
    timeout: '12.0',
    bt_header_axon_status_code: '200',
    bt_header_axon_status_message: 'Success',
    bt_header_axon_process_time: '0.25',
    ...TERMINAL_HEADERS,
    header_size: '960',
    total_size: '1234',
    computed_body_hash: SHA3_VECTORS[0]!.hex,
  } as Readonly<Record<string, string>>,
  processTimeS: 0.25,
}

/** Answers as they come back, and what the dendrite makes of each (as the Python dendrite does). */
export const ANSWERS: ReadonlyArray<{ readonly why: string; readonly status: number; readonly body: string; readonly outcome: { status: number; message: string; results: unknown } }> = [
  {
    why: 'the echo with results last',
    status: 200,
    body: '{"name":"ExampleSynapse","items":["a","b"],"axon":{"status_code":200,"status_message":"Success","process_time":0.25},"results":[[1,0],[0,1]]}',
    outcome: { status: 200, message: 'Success', results: [[1, 0], [0, 1]] },
  },
  { why: 'an echo without results', status: 200, body: '{"items":[]}', outcome: { status: 200, message: 'Success', results: null } },
  { why: 'not the synapse that was sent', status: 200, body: '{"results":[[1]]}', outcome: { status: 422, message: 'Failed to parse response (not a ExampleSynapse)', results: null } },
  { why: 'not JSON', status: 200, body: '<html>oops</html>', outcome: { status: 422, message: 'Failed to parse response', results: null } },
  { why: 'a refusal', status: 401, body: '{"message":"Not Verified with error: Signature mismatch"}', outcome: { status: 401, message: 'Not Verified with error: Signature mismatch', results: null } },
  { why: 'an error page', status: 502, body: 'Bad Gateway', outcome: { status: 502, message: 'HTTP 502', results: null } },
]
