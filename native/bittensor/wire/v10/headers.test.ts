import { cryptoWaitReady } from '@polkadot/util-crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { EMPTY_BODY_HASH, bodyHash, sha3Hex, signatureMessage } from './format'
import { SynapseParsingError, parseRequestHeaders, signatureProblem, toHeaders } from './headers'
import { ANSWER_HEADERS, AXON_HOTKEY, DENDRITE_HOTKEY, SHA3_VECTORS, SIGNATURE_MESSAGE_VECTOR, SIGNED_REQUEST } from './testing/vectors'

beforeAll(async () => {
  await cryptoWaitReady()
})

describe('wire vectors, receiving side (testing/vectors.ts)', () => {
  it('hashes with SHA3-256; the body hash without hash fields is sha3("")', () => {
    for (const v of SHA3_VECTORS) expect(sha3Hex(v.input)).toBe(v.hex)
    expect(bodyHash()).toBe(EMPTY_BODY_HASH)
    expect(EMPTY_BODY_HASH).toBe(SHA3_VECTORS[0]!.hex)
  })

  it('the signed message is nonce.dendrite.axon.uuid.body_hash', () => {
    const v = SIGNATURE_MESSAGE_VECTOR
    expect(signatureMessage(v.nonce, v.dendriteHotkey, v.axonHotkey, v.uuid, v.bodyHash)).toBe(v.message)
  })

  it('parses the vector request headers and accepts their signature for the addressed axon only', () => {
    const { headers, parsed, parts } = SIGNED_REQUEST
    const h = parseRequestHeaders(headers, parts.synapse.name, parts.synapse.requiredFields)
    expect(h).toEqual(parsed)
    expect(signatureProblem(h, AXON_HOTKEY)).toBeUndefined()
    expect(signatureProblem(h, DENDRITE_HOTKEY)).toMatch(/signed for axon hotkey .* \(stale metagraph\?\)$/)
    expect(signatureProblem({ ...h, dendrite: { ...h.dendrite, nonce: parts.nonce + 1n } }, AXON_HOTKEY)).toMatch(/^Signature mismatch with /)
    expect(signatureProblem({ ...h, dendrite: { ...h.dendrite, signature: undefined } }, AXON_HOTKEY)).toMatch(/^Missing signature/)
    expect(() => parseRequestHeaders({ ...headers, bt_header_input_obj_items: undefined }, parts.synapse.name, parts.synapse.requiredFields)).toThrow(SynapseParsingError)
  })

  it('writes the answer headers of the vector', () => {
    expect(toHeaders(ANSWER_HEADERS.synapse)).toEqual(ANSWER_HEADERS.headers)
  })
})
