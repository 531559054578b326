import { encodeAddress, decodeAddress, mnemonicGenerate, mnemonicToMiniSecret, mnemonicValidate, sr25519PairFromSeed, sr25519Sign, sr25519Verify } from '@polkadot/util-crypto'
import { u8aToHex, hexToU8a, isHex } from '@polkadot/util'

/** SS58 format of Bittensor (addresses start with 5). */
export const SS58_FORMAT = 42

export type MnemonicLength = 12 | 24

/**
 * An sr25519 keypair as the engine holds it. `secretKey` is the 64-byte "ed25519-expanded" form
 * that polkadot.js and @scure/sr25519 use (key * 8 || nonce). Files on disk carry the schnorrkel
 * `SecretKey::to_bytes()` form instead (key || nonce); see `toSchnorrkelBytes`.
 */
export interface KeyMaterial {
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
  /** 32-byte mini-secret, when known (created from a mnemonic or a seed). */
  readonly seed?: Uint8Array
  readonly mnemonic?: string
}

export class KeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KeyError'
  }
}

export function generateMnemonic(words: MnemonicLength = 12): string {
  return mnemonicGenerate(words)
}

/** Normalises what a person typed: any whitespace, any case. */
export function normaliseMnemonic(input: string): string {
  return input.trim().toLowerCase().split(/\s+/).filter(Boolean).join(' ')
}

export function validateMnemonic(mnemonic: string): void {
  const words = normaliseMnemonic(mnemonic).split(' ')
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    throw new KeyError(`A recovery phrase has 12, 15, 18, 21 or 24 words; this one has ${words.length}.`)
  }
  if (!mnemonicValidate(words.join(' '))) {
    throw new KeyError('That recovery phrase is not valid (a word is misspelled, not in the BIP39 English list, or the checksum does not match). Check each word.')
  }
}

/**
 * substrate-bip39 derivation with no path: PBKDF2-SHA512(entropy, "mnemonic", 2048)[0..32] as
 * the mini-secret, expanded with ExpansionMode::Ed25519 (same as btwallet and polkadot.js
 * `addFromMnemonic` without a derivation path).
 */
export function keyFromMnemonic(mnemonic: string): KeyMaterial {
  const phrase = normaliseMnemonic(mnemonic)
  validateMnemonic(phrase)
  const seed = mnemonicToMiniSecret(phrase)
  const pair = sr25519PairFromSeed(seed)
  return { publicKey: pair.publicKey, secretKey: pair.secretKey, seed, mnemonic: phrase }
}

export function keyFromSeed(seed: Uint8Array): KeyMaterial {
  if (seed.length !== 32) throw new KeyError(`A secret seed is 32 bytes; got ${seed.length}.`)
  const pair = sr25519PairFromSeed(seed)
  return { publicKey: pair.publicKey, secretKey: pair.secretKey, seed: Uint8Array.from(seed) }
}

/**
 * schnorrkel `SecretKey::to_bytes()` (scalar || nonce) from the ed25519-expanded form
 * (8 * scalar || nonce): divide the little-endian 32-byte scalar by the cofactor 8.
 */
export function toSchnorrkelBytes(expanded: Uint8Array): Uint8Array {
  if (expanded.length !== 64) throw new KeyError('An sr25519 secret key is 64 bytes.')
  const out = Uint8Array.from(expanded)
  let low = 0
  for (let i = 31; i >= 0; i--) {
    const byte = out[i]!
    out[i] = ((byte >> 3) | low) & 0xff
    low = (byte & 0b111) << 5
  }
  if (low !== 0) throw new KeyError('This secret key is not in ed25519-expanded form (its scalar is not a multiple of 8).')
  return out
}

/** The inverse of `toSchnorrkelBytes`: multiply the scalar by 8. */
export function fromSchnorrkelBytes(schnorrkel: Uint8Array): Uint8Array {
  if (schnorrkel.length !== 64) throw new KeyError('An sr25519 secret key is 64 bytes.')
  if ((schnorrkel[31]! & 0b1110_0000) !== 0) {
    throw new KeyError('This secret key is not a canonical schnorrkel scalar (its top bits are set).')
  }
  const out = Uint8Array.from(schnorrkel)
  let high = 0
  for (let i = 0; i < 32; i++) {
    const byte = out[i]!
    out[i] = ((byte << 3) | high) & 0xff
    high = byte >> 5
  }
  return out
}

/** A keypair from the 64 schnorrkel secret bytes (the publicKey is recomputed from the scalar). */
export function keyFromSchnorrkelBytes(schnorrkel: Uint8Array, publicKey: Uint8Array): KeyMaterial {
  const secretKey = fromSchnorrkelBytes(schnorrkel)
  assertPairMatches(publicKey, secretKey)
  return { publicKey: Uint8Array.from(publicKey), secretKey }
}

/** Signs and verifies one message to prove that a secret key belongs to a public key. */
export function assertPairMatches(publicKey: Uint8Array, secretKey: Uint8Array): void {
  const message = new TextEncoder().encode('taodesk key check')
  const signature = sr25519Sign(message, { publicKey, secretKey })
  if (!sr25519Verify(message, signature, publicKey)) {
    throw new KeyError('The secret key in this keyfile does not belong to its public key; the file is damaged.')
  }
}

export function ss58(publicKey: Uint8Array): string {
  return encodeAddress(publicKey, SS58_FORMAT)
}

export function publicKeyFromAddress(address: string): Uint8Array {
  try {
    return decodeAddress(address)
  } catch (error) {
    throw new KeyError(`"${address}" is not a valid SS58 address (${error instanceof Error ? error.message : String(error)}).`)
  }
}

export const hex = (bytes: Uint8Array): string => u8aToHex(bytes)

export function fromHex(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || !isHex(value)) throw new KeyError(`The keyfile field "${field}" is not a 0x-prefixed hex string.`)
  return hexToU8a(value)
}

/** Overwrites key bytes in place (best effort: JavaScript strings cannot be wiped). */
export function wipe(key: KeyMaterial | undefined): void {
  if (!key) return
  key.secretKey.fill(0)
  key.seed?.fill(0)
}
