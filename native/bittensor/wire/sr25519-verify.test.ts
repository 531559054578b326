import { Keyring } from '@polkadot/keyring'
import { hexToU8a } from '@polkadot/util'
import { decodeAddress } from '@polkadot/util-crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { SR25519_VECTOR, SENDER_URI } from './btauth/testing/vectors'
import { SR25519_VERIFIERS, sr25519Backend, sr25519Verify, sr25519VerifierReady } from './sr25519-verify'
import { EMPTY_BODY_HASH, signatureMessage } from './v10/format'
import { AXON_HOTKEY, DENDRITE_HOTKEY, SIGNED_REQUEST } from './v10/testing/vectors'

const enc = new TextEncoder()

interface Case {
  readonly why: string
  readonly message: Uint8Array
  readonly signature: Uint8Array
  readonly publicKey: Uint8Array
  readonly valid: boolean
}

/** The golden signatures (v10 request, btauth/1 payload) and ways to spoil each. */
function cases(): Case[] {
  const { parts } = SIGNED_REQUEST
  const v10 = {
    message: enc.encode(signatureMessage(parts.nonce, DENDRITE_HOTKEY, AXON_HOTKEY, parts.dendrite.uuid, EMPTY_BODY_HASH)),
    signature: hexToU8a(parts.signature),
    publicKey: decodeAddress(DENDRITE_HOTKEY),
  }
  const alice = new Keyring({ type: 'sr25519' }).addFromUri(SENDER_URI)
  const payload = enc.encode(SR25519_VECTOR.payload)
  const btauth = { message: payload, signature: alice.sign(payload), publicKey: decodeAddress(SR25519_VECTOR.sender) }
  const out: Case[] = []
  for (const [name, good] of [
    ['v10 request', v10],
    ['btauth/1 payload', btauth],
  ] as const) {
    const flip = (bytes: Uint8Array, at: number, mask: number): Uint8Array => {
      const copy = bytes.slice()
      copy[at]! ^= mask
      return copy
    }
    // s + L (the group order): the same signature with a scalar that is not reduced.
    const unreduced = good.signature.slice()
    const L = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]
    let carry = 0
    for (let i = 0; i < 32; i++) {
      const b = i === 31 ? unreduced[32 + i]! & 0x7f : unreduced[32 + i]!
      const sum = b + L[i]! + carry
      unreduced[32 + i] = sum & 0xff
      carry = sum >> 8
    }
    unreduced[63]! |= 0x80
    out.push(
      { why: `${name}: as signed`, ...good, valid: true },
      { why: `${name}: another message`, ...good, message: enc.encode(`${new TextDecoder().decode(good.message)}x`), valid: false },
      { why: `${name}: <Bytes>-wrapped message`, ...good, message: enc.encode(`<Bytes>${new TextDecoder().decode(good.message)}</Bytes>`), valid: false },
      { why: `${name}: R changed`, ...good, signature: flip(good.signature, 3, 0x01), valid: false },
      { why: `${name}: s changed`, ...good, signature: flip(good.signature, 40, 0x01), valid: false },
      { why: `${name}: schnorrkel marker bit cleared`, ...good, signature: flip(good.signature, 63, 0x80), valid: false },
      { why: `${name}: scalar not reduced (s + L)`, ...good, signature: unreduced, valid: false },
      { why: `${name}: another key`, ...good, publicKey: decodeAddress(AXON_HOTKEY), valid: false },
      { why: `${name}: a key that is not a point`, ...good, publicKey: new Uint8Array(32).fill(0xff), valid: false },
      { why: `${name}: all-zero signature`, ...good, signature: new Uint8Array(64), valid: false },
      { why: `${name}: short signature`, ...good, signature: good.signature.subarray(0, 63), valid: false },
      { why: `${name}: short key`, ...good, publicKey: good.publicKey.subarray(0, 31), valid: false },
    )
  }
  return out
}

/** A backend's answer, a throw counting as a refusal (as sr25519Verify treats it). */
function answer(backend: 'wasm' | 'js', c: Case): boolean {
  try {
    return SR25519_VERIFIERS[backend](c.message, c.signature, c.publicKey)
  } catch {
    return false
  }
}

beforeAll(async () => {
  expect(await sr25519VerifierReady()).toBe('wasm')
})

describe('sr25519Verify: the WASM and the JS check agree on the golden vectors', () => {
  it('uses the WASM check once it is loaded', () => {
    expect(sr25519Backend()).toBe('wasm')
  })

  for (const c of cases()) {
    it(c.why, () => {
      expect(answer('wasm', c)).toBe(c.valid)
      expect(answer('js', c)).toBe(c.valid)
      expect(sr25519Verify(c.message, c.signature, c.publicKey)).toBe(c.valid)
    })
  }
})
