import { ed25519 } from '@noble/curves/ed25519'
import { sha256 } from '@noble/hashes/sha256'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils'
import { cryptoWaitReady, sr25519Verify, decodeAddress, encodeAddress } from '@polkadot/util-crypto'
import { hexToU8a } from '@polkadot/util'
import { beforeAll, describe, expect, it } from 'vitest'
import { devSigner } from '../../keys/dev-signer'
import type { Signer } from '../../keys/signer'
import { btauthHeaders, btauthPayload, sha256Hex, verifyBtauth, BtauthError } from './index'
import type { BtauthFailure, ReceivedRequest, ReplayGuard, VerifyOptions } from './index'
import { BODY, BODY_BYTES, BODY_SHA256, ED25519_VECTOR, METHOD, NONCE, RECEIVER, SENDER_URI, SR25519_VECTOR, TARGET } from './testing/vectors'

let alice: Signer
beforeAll(async () => {
  await cryptoWaitReady()
  alice = await devSigner(SENDER_URI)
})

function memoryReplay(): ReplayGuard & { readonly seen: Set<string> } {
  const seen = new Set<string>()
  return {
    seen,
    retentionMs: 60_000,
    accept(hotkey, nonce) {
      const key = `${hotkey} ${nonce}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    },
  }
}

const options = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({ receiver: RECEIVER, nowNs: NONCE, replay: memoryReplay(), ...over })

function signedVector(over: Partial<ReceivedRequest> = {}): ReceivedRequest {
  const headers = btauthHeaders(alice, { method: METHOD, target: TARGET, body: BODY, receiver: RECEIVER, nonce: NONCE })
  return { method: METHOD, target: TARGET, headers, body: new TextEncoder().encode(BODY), ...over }
}

describe('btauth/1 golden vectors (network-2026 §9.5)', () => {
  it('hashes the body and builds both payloads byte for byte', () => {
    expect(new TextEncoder().encode(BODY).length).toBe(BODY_BYTES)
    expect(sha256Hex(BODY)).toBe(BODY_SHA256)
    for (const v of [SR25519_VECTOR, ED25519_VECTOR]) {
      const payload = btauthPayload({ scheme: v.scheme, method: 'post', target: TARGET, bodySha256: BODY_SHA256, nonce: NONCE, sender: v.sender, receiver: RECEIVER })
      expect(payload).toBe(v.payload)
      const bytes = new TextEncoder().encode(payload)
      expect(bytes.length).toBe(v.payloadBytes)
      expect(bytesToHex(sha256(bytes))).toBe(v.payloadSha256)
    }
  })

  it('signs the sr25519 vector so that a plain sr25519 verifier accepts it (signatures are randomized)', () => {
    expect(alice.address).toBe(SR25519_VECTOR.sender)
    const headers = btauthHeaders(alice, { method: METHOD, target: TARGET, body: BODY, receiver: RECEIVER, nonce: NONCE })
    expect(headers).toMatchObject({ 'X-Bittensor-Version': '1', 'X-Bittensor-Hotkey': SR25519_VECTOR.sender, 'X-Bittensor-Receiver': RECEIVER, 'X-Bittensor-Nonce': '1752076800000000000' })
    expect(headers['X-Bittensor-Crypto']).toBeUndefined()
    expect(headers['X-Bittensor-Signature']).toMatch(/^0x[0-9a-f]{128}$/)
    expect(sr25519Verify(new TextEncoder().encode(SR25519_VECTOR.payload), hexToU8a(headers['X-Bittensor-Signature']), decodeAddress(SR25519_VECTOR.sender))).toBe(true)
  })

  it('verifies a signed sr25519 vector request', () => {
    expect(verifyBtauth(signedVector(), options())).toEqual({ hotkey: SR25519_VECTOR.sender, nonce: NONCE, scheme: 'sr25519' })
  })

  it('the ed25519 vector: the dev seed reproduces its key and signature, and the verifier accepts it when ed25519 is pinned', () => {
    const seed = hexToBytes(ED25519_VECTOR.seed.slice(2))
    expect(`0x${bytesToHex(ed25519.getPublicKey(seed))}`).toBe(ED25519_VECTOR.publicKey)
    expect(encodeAddress(hexToU8a(ED25519_VECTOR.publicKey), 42)).toBe(ED25519_VECTOR.sender)
    expect(`0x${bytesToHex(ed25519.sign(new TextEncoder().encode(ED25519_VECTOR.payload), seed))}`).toBe(ED25519_VECTOR.signature)
    const request: ReceivedRequest = {
      method: METHOD,
      target: TARGET,
      body: new TextEncoder().encode(BODY),
      headers: { 'x-bittensor-version': '1', 'x-bittensor-hotkey': ED25519_VECTOR.sender, 'x-bittensor-receiver': RECEIVER, 'x-bittensor-nonce': String(NONCE), 'x-bittensor-crypto': 'ED25519', 'x-bittensor-signature': ED25519_VECTOR.signature },
    }
    expect(verifyBtauth(request, options({ schemeOf: () => 'ed25519' }))).toMatchObject({ hotkey: ED25519_VECTOR.sender, scheme: 'ed25519' })
    // The same request where the server pins sr25519 (as for every chain hotkey): the header conflicts.
    expect(() => verifyBtauth(request, options())).toThrow(/X-Bittensor-Crypto says ed25519, but this server verifies sr25519/)
  })
})

describe('btauth/1 verification refuses, in the spec order', () => {
  const headersWith = (change: Record<string, string | undefined>) => {
    const h: Record<string, string | string[] | undefined> = { ...signedVector().headers, ...change }
    return Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>
  }
  const cases: Array<{ why: string; request: () => ReceivedRequest; over?: Partial<VerifyOptions>; failure: BtauthFailure; message: string | RegExp }> = [
    { why: 'a wrong version', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Version': '2' }) }), failure: 'malformed', message: "missing or unsupported X-Bittensor-Version (expected '1')" },
    { why: 'no hotkey', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Hotkey': undefined }) }), failure: 'malformed', message: 'missing X-Bittensor-Hotkey' },
    { why: 'no nonce', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Nonce': undefined }) }), failure: 'malformed', message: 'missing X-Bittensor-Nonce' },
    { why: 'a nonce that is not a number', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Nonce': '17e18' }) }), failure: 'malformed', message: 'X-Bittensor-Nonce is not a decimal integer' },
    { why: 'a leading zero', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Nonce': '01752076800000000000' }) }), failure: 'malformed', message: /not canonical decimal/ },
    { why: 'a plus sign', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Nonce': '+1752076800000000000' }) }), failure: 'malformed', message: /not canonical decimal/ },
    { why: 'an unknown scheme', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Crypto': 'mldsa' }) }), failure: 'malformed', message: 'unsupported X-Bittensor-Crypto' },
    { why: 'no signature', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Signature': undefined }) }), failure: 'malformed', message: 'missing X-Bittensor-Signature' },
    { why: 'a signature that is not hex', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Signature': '0xzz' }) }), failure: 'malformed', message: 'X-Bittensor-Signature is not hex' },
    { why: 'a short signature', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Signature': '0xabcd' }) }), failure: 'malformed', message: 'invalid hotkey address or signature encoding' },
    { why: 'a hotkey that is not SS58', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Hotkey': '5Nope' }) }), failure: 'malformed', message: 'invalid hotkey address or signature encoding' },
    { why: 'no receiver', request: () => signedVector({ headers: headersWith({ 'X-Bittensor-Receiver': undefined }) }), failure: 'wrong-receiver', message: 'missing X-Bittensor-Receiver: this server requires receiver-bound requests' },
    { why: 'another receiver', request: () => signedVector(), over: { receiver: SR25519_VECTOR.sender }, failure: 'wrong-receiver', message: 'request was signed for a different receiving hotkey' },
    { why: 'a nonce 10 s and 1 ns old', request: () => signedVector(), over: { nowNs: NONCE + 10_000_000_001n }, failure: 'stale', message: 'nonce is older than the 10s freshness window' },
    { why: 'a nonce 2 s and 1 ns ahead', request: () => signedVector(), over: { nowNs: NONCE - 2_000_000_001n }, failure: 'stale', message: 'nonce is more than 2s in the future' },
    { why: 'another method', request: () => signedVector({ method: 'PUT' }), failure: 'bad-signature', message: 'signature does not verify against the claimed hotkey' },
    { why: 'another path encoding', request: () => signedVector({ target: '/gener%61te?stream=false' }), failure: 'bad-signature', message: 'signature does not verify against the claimed hotkey' },
    { why: 'a tampered body', request: () => signedVector({ body: new TextEncoder().encode('{"prompt": "hellO"}') }), failure: 'bad-signature', message: 'signature does not verify against the claimed hotkey' },
  ]
  for (const c of cases) {
    it(c.why, () => {
      let error: unknown
      try {
        verifyBtauth(c.request(), options(c.over))
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(BtauthError)
      expect((error as BtauthError).failure).toBe(c.failure)
      expect((error as BtauthError).message).toMatch(c.message)
    })
  }

  it('accepts the window edges exactly (strict comparisons)', () => {
    expect(verifyBtauth(signedVector(), options({ nowNs: NONCE + 10_000_000_000n })).nonce).toBe(NONCE)
    expect(verifyBtauth(signedVector(), options({ nowNs: NONCE - 2_000_000_000n })).nonce).toBe(NONCE)
  })

  it('refuses a replay, and records a nonce only once its signature verified', () => {
    const replay = memoryReplay()
    expect(() => verifyBtauth(signedVector({ body: new TextEncoder().encode('x') }), options({ replay }))).toThrow(/signature does not verify/)
    expect(replay.seen.size).toBe(0)
    verifyBtauth(signedVector(), options({ replay }))
    expect(() => verifyBtauth(signedVector(), options({ replay }))).toThrow('this nonce was already accepted from this hotkey')
  })

  it('will not run with a replay store that forgets within the freshness window', () => {
    expect(() => verifyBtauth(signedVector(), options({ replay: { ...memoryReplay(), retentionMs: 11_000 } }))).toThrow(/less than the freshness window/)
  })
})
