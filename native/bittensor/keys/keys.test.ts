import { Keyring } from '@polkadot/keyring'
import { RistrettoPoint, ed25519 } from '@noble/curves/ed25519'
import { describe, expect, it } from 'vitest'
import { PUBLIC_KEYFILE_KEYS, SECRET_KEYFILE_KEYS, parseKeyfileJson, publicKeyfileJson, secretKeyfileJson } from './keyfile'
import { KeyError, fromSchnorrkelBytes, generateMnemonic, hex, keyFromMnemonic, keyFromSeed, ss58, toSchnorrkelBytes } from './keys'

const DEV = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk'
const DEV_ADDRESS = '5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV'
const DEV_SEED = '0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e'
const DEV_PUBLIC = '0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a'

/** Independent of the conversion code: the little-endian scalar times the Ristretto base point. */
function publicFromSchnorrkel(bytes: Uint8Array): string {
  let n = 0n
  for (let i = 31; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return hex(RistrettoPoint.BASE.multiply(n % ed25519.CURVE.n).toRawBytes())
}

describe('keys (substrate-bip39, sr25519, SS58 42)', () => {
  it('known answer: the dev phrase with no path', () => {
    const key = keyFromMnemonic(DEV)
    expect(ss58(key.publicKey)).toBe(DEV_ADDRESS)
    expect(hex(key.seed!)).toBe(DEV_SEED)
    expect(hex(key.publicKey)).toBe(DEV_PUBLIC)
  })

  it('agrees with @polkadot/keyring addFromMnemonic for generated 12- and 24-word phrases', () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
    for (const words of [12, 24] as const) {
      for (let i = 0; i < 3; i++) {
        const m = generateMnemonic(words)
        expect(m.split(' ')).toHaveLength(words)
        const key = keyFromMnemonic(m)
        expect(ss58(key.publicKey)).toBe(keyring.addFromMnemonic(m).address)
        expect(ss58(key.publicKey).startsWith('5')).toBe(true)
      }
    }
  })

  it('normalises typed phrases and rejects bad ones clearly', () => {
    expect(ss58(keyFromMnemonic(`  ${DEV.toUpperCase().replace(/ /g, '   ')}\n`).publicKey)).toBe(DEV_ADDRESS)
    expect(() => keyFromMnemonic('bottom drive obey')).toThrow(/12, 15, 18, 21 or 24 words; this one has 3/)
    expect(() => keyFromMnemonic(DEV.replace('walk', 'bottom'))).toThrow(KeyError)
    expect(() => keyFromMnemonic(DEV.replace('walk', 'walkx'))).toThrow(/not valid/)
  })

  it('privateKey is schnorrkel to_bytes (scalar || nonce), not the ed25519-expanded form', () => {
    const key = keyFromMnemonic(DEV)
    const sk = toSchnorrkelBytes(key.secretKey)
    // The scalar in the file times the base point is the public key...
    expect(publicFromSchnorrkel(sk)).toBe(DEV_PUBLIC)
    // ...while the expanded form's first half is 8x that scalar, so it gives another point.
    expect(publicFromSchnorrkel(key.secretKey)).not.toBe(DEV_PUBLIC)
    expect(hex(sk.subarray(32))).toBe(hex(key.secretKey.subarray(32)))
    expect(sk[31]! & 0xe0).toBe(0)
    expect(hex(fromSchnorrkelBytes(sk))).toBe(hex(key.secretKey))
    expect(() => fromSchnorrkelBytes(key.secretKey)).toThrow(/canonical/)
  })

  it('keyfile JSON has exactly the btwallet key set and loads back in priority order', () => {
    const key = keyFromMnemonic(DEV)
    const obj = JSON.parse(secretKeyfileJson(key)) as Record<string, string>
    expect(Object.keys(obj).sort()).toEqual([...SECRET_KEYFILE_KEYS].sort())
    expect(obj).toMatchObject({ accountId: DEV_PUBLIC, publicKey: DEV_PUBLIC, secretPhrase: DEV, secretSeed: DEV_SEED, ss58Address: DEV_ADDRESS })
    expect(obj.privateKey).toBe(hex(toSchnorrkelBytes(key.secretKey)))
    expect(Object.keys(JSON.parse(publicKeyfileJson(key.publicKey)) as object).sort()).toEqual([...PUBLIC_KEYFILE_KEYS].sort())

    // Each source alone gives the same key: phrase, seed, 64-byte privateKey, 32-byte privateKey.
    const only = (fields: Record<string, string>) => parseKeyfileJson(JSON.stringify(fields))
    expect(only({ secretPhrase: DEV }).address).toBe(DEV_ADDRESS)
    expect(only({ secretSeed: DEV_SEED }).address).toBe(DEV_ADDRESS)
    const fromPrivate = only({ privateKey: obj.privateKey!, publicKey: DEV_PUBLIC })
    expect(fromPrivate.address).toBe(DEV_ADDRESS)
    expect(hex(fromPrivate.key!.secretKey)).toBe(hex(key.secretKey))
    expect(only({ privateKey: DEV_SEED }).address).toBe(DEV_ADDRESS)
    const pub = only({ accountId: DEV_PUBLIC, publicKey: DEV_PUBLIC, ss58Address: DEV_ADDRESS })
    expect(pub.key).toBeUndefined()
    expect(pub.address).toBe(DEV_ADDRESS)
  })

  it('reports damaged keyfiles instead of crashing or loading a wrong key', () => {
    const good = secretKeyfileJson(keyFromMnemonic(DEV))
    expect(() => parseKeyfileJson(good.slice(0, 50))).toThrow(/not valid JSON; it may be truncated/)
    expect(() => parseKeyfileJson('[]')).toThrow(/not a JSON object/)
    expect(() => parseKeyfileJson('{}')).toThrow(/not a Bittensor keyfile/)
    const other = ss58(keyFromSeed(new Uint8Array(32).fill(7)).publicKey)
    expect(() => parseKeyfileJson(good.replace(DEV_ADDRESS, other))).toThrow(/ss58Address" does not match/)
    expect(() => parseKeyfileJson(JSON.stringify({ secretSeed: '0x1234' }))).toThrow(/32 or 64 bytes/)
    const tampered = JSON.parse(good) as Record<string, string>
    const wrongPrivate = { privateKey: tampered.privateKey!.replace(/^0x../, '0x00'), publicKey: DEV_PUBLIC }
    expect(() => parseKeyfileJson(JSON.stringify(wrongPrivate))).toThrow(/does not belong to its public key/)
  })
})
