/**
 * The golden vectors of btauth/1 (network-2026 §9.5, from `signed-requests.mdx`; the ed25519
 * signature re-verified there with PyNaCl): one table that the signing tests and the verifying
 * tests both check against. sr25519 signing is randomized, so its vector is the payload, and a
 * test signs it and verifies the signature; ed25519 is deterministic and has a fixed signature.
 */

/** Dev keys (practice network and tests only). */
export const SENDER_URI = '//Alice'
export const RECEIVER_URI = '//Bob'
export const RECEIVER = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'
export const NONCE = 1752076800000000000n
export const METHOD = 'POST'
export const TARGET = '/generate?stream=false'
export const BODY = '{"prompt": "hello"}'
export const BODY_BYTES = 19
export const BODY_SHA256 = '341c57448e531310fbbe83f44cea2a5e838bd9e8a6b82b269f01d0dbbc23c3cc'

export interface SchemeVector {
  readonly scheme: 'sr25519' | 'ed25519'
  readonly sender: string
  readonly payload: string
  readonly payloadBytes: number
  readonly payloadSha256: string
}

export const SR25519_VECTOR: SchemeVector = {
  scheme: 'sr25519',
  sender: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  payload: [
    'btauth/1',
    'sr25519',
    'POST',
    '/generate?stream=false',
    '341c57448e531310fbbe83f44cea2a5e838bd9e8a6b82b269f01d0dbbc23c3cc',
    '1752076800000000000',
    '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
  ].join('\n'),
  payloadBytes: 227,
  payloadSha256: 'baf86fd1c333d473ab47b43f8dbd682d51df91b5db8ec09ee06d86f80f4075fd',
}

export const ED25519_VECTOR: SchemeVector & { readonly seed: string; readonly publicKey: string; readonly signature: string } = {
  scheme: 'ed25519',
  sender: '5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu',
  payload: [
    'btauth/1',
    'ed25519',
    'POST',
    '/generate?stream=false',
    '341c57448e531310fbbe83f44cea2a5e838bd9e8a6b82b269f01d0dbbc23c3cc',
    '1752076800000000000',
    '5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu',
    '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
  ].join('\n'),
  payloadBytes: 227,
  payloadSha256: 'ade0f7048e8b6c022c3de88fa8edd9c64a91390b77c9a059f716c0b1f0a1ac13',
  /** The well-known dev seed of //Alice. */
  seed: '0xabf8e5bdbe30c65656c0a3cbd181ff8a56294a69dfedd27982aace4a76909115',
  publicKey: '0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee',
  signature:
    '0x1a6b631988bf1f7ea093ab9d5acf61f05c316d0b0e428b24b487b75a5f6ee0e1a56a26918fdf871b6cf09437e6588023a4ce423cf622621b2a7feee17612f704',
}
