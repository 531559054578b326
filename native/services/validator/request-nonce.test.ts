import { describe, expect, it } from 'vitest'
import { requestBody } from '../../bittensor/wire/v10'
import { textEmbeddingQuery } from '../../protocols/text-embedding/synapse'

describe('the validator request body (wire v10)', () => {
  it('writes dendrite.nonce as the exact integer, as Python model_dump() does (not as a double)', () => {
    const nonce = 1796663094890647765n
    expect(String(Number(nonce))).toBe('1796663094890647800') // what a double would write
    const body = requestBody({
      synapse: textEmbeddingQuery({ texts: ['a question', 'a passage'], dimensions: 1024, normalized: true }),
      target: { ip: '10.0.0.2', port: 8091, hotkey: '5Axon' },
      timeoutS: 60,
      dendrite: { ip: '10.0.0.1', version: 10002000, uuid: 'u-1', hotkey: '5Dendrite' },
      nonce,
      signature: '0xabc',
    })
    expect(body).toContain('"nonce":1796663094890647765,')
    expect(body).not.toContain('1796663094890647800')
    // Parsed back with arbitrary precision (as Python's json does), the value is the same integer.
    expect(/"dendrite":\{[^}]*"nonce":(\d+)/.exec(body)?.[1]).toBe(nonce.toString())
  })
})
