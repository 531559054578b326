import { KeyError, fromHex, hex, keyFromMnemonic, keyFromSchnorrkelBytes, keyFromSeed, publicKeyFromAddress, ss58, toSchnorrkelBytes } from './keys'
import type { KeyMaterial } from './keys'

/** The exact key set btwallet writes in a secret keyfile (§5.2). */
export const SECRET_KEYFILE_KEYS = ['accountId', 'publicKey', 'privateKey', 'secretPhrase', 'secretSeed', 'ss58Address'] as const
/** The exact key set of coldkeypub.txt / <hotkey>pub.txt. */
export const PUBLIC_KEYFILE_KEYS = ['accountId', 'publicKey', 'ss58Address'] as const

/** Plaintext JSON of a secret keyfile, as btwallet writes it. */
export function secretKeyfileJson(key: KeyMaterial): string {
  const publicHex = hex(key.publicKey)
  const body: Record<string, string | null> = {
    accountId: publicHex,
    publicKey: publicHex,
    privateKey: hex(toSchnorrkelBytes(key.secretKey)),
    secretPhrase: key.mnemonic ?? null,
    secretSeed: key.seed ? hex(key.seed) : null,
    ss58Address: ss58(key.publicKey),
  }
  return JSON.stringify(body)
}

export function publicKeyfileJson(publicKey: Uint8Array): string {
  const publicHex = hex(publicKey)
  return JSON.stringify({ accountId: publicHex, publicKey: publicHex, ss58Address: ss58(publicKey) })
}

export interface ParsedKeyfile {
  /** undefined for a public-only file. */
  readonly key: KeyMaterial | undefined
  readonly publicKey: Uint8Array
  readonly address: string
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new KeyError(`${what} is not valid JSON; it may be truncated or damaged.`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new KeyError(`${what} is not a JSON object.`)
  return value as Record<string, unknown>
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== ''

/**
 * Reads a plaintext keyfile in btwallet's loading order: secretPhrase, then secretSeed, then
 * privateKey, then ss58Address (public only). When the file also states a public key or
 * address, it must agree with the derived one, or the file is reported as damaged.
 */
export function parseKeyfileJson(text: string, what = 'The keyfile'): ParsedKeyfile {
  const obj = parseJsonObject(text, what)
  let key: KeyMaterial | undefined
  if (present(obj.secretPhrase)) {
    if (typeof obj.secretPhrase !== 'string') throw new KeyError(`${what}: "secretPhrase" is not text.`)
    key = keyFromMnemonic(obj.secretPhrase)
  } else if (present(obj.secretSeed)) {
    const seed = fromHex(obj.secretSeed, 'secretSeed')
    if (seed.length === 32) key = keyFromSeed(seed)
    else if (seed.length === 64) key = keyFromSchnorrkelBytes(seed, statedPublicKey(obj, what))
    else throw new KeyError(`${what}: "secretSeed" must be 32 or 64 bytes; it is ${seed.length}.`)
  } else if (present(obj.privateKey)) {
    const secret = fromHex(obj.privateKey, 'privateKey')
    if (secret.length === 32) key = keyFromSeed(secret)
    else if (secret.length === 64) key = keyFromSchnorrkelBytes(secret, statedPublicKey(obj, what))
    else throw new KeyError(`${what}: "privateKey" must be 32 or 64 bytes; it is ${secret.length}.`)
  }
  if (key) {
    checkStated(obj, key.publicKey, what)
    return { key, publicKey: key.publicKey, address: ss58(key.publicKey) }
  }
  const publicKey = statedPublicKey(obj, what)
  return { key: undefined, publicKey, address: ss58(publicKey) }
}

function statedPublicKey(obj: Record<string, unknown>, what: string): Uint8Array {
  if (present(obj.publicKey)) return checkLength(fromHex(obj.publicKey, 'publicKey'), what)
  if (present(obj.accountId)) return checkLength(fromHex(obj.accountId, 'accountId'), what)
  if (typeof obj.ss58Address === 'string' && obj.ss58Address) return publicKeyFromAddress(obj.ss58Address)
  throw new KeyError(`${what} has none of secretPhrase, secretSeed, privateKey, publicKey or ss58Address; it is not a Bittensor keyfile.`)
}

function checkLength(publicKey: Uint8Array, what: string): Uint8Array {
  if (publicKey.length !== 32) throw new KeyError(`${what}: the public key must be 32 bytes; it is ${publicKey.length}.`)
  return publicKey
}

function checkStated(obj: Record<string, unknown>, derived: Uint8Array, what: string): void {
  const derivedHex = hex(derived)
  for (const field of ['publicKey', 'accountId'] as const) {
    if (present(obj[field]) && typeof obj[field] === 'string' && obj[field].toLowerCase() !== derivedHex) {
      throw new KeyError(`${what}: its "${field}" does not match its secret key; the file is damaged or was edited.`)
    }
  }
  if (typeof obj.ss58Address === 'string' && obj.ss58Address && hex(publicKeyFromAddress(obj.ss58Address)) !== derivedHex) {
    throw new KeyError(`${what}: its "ss58Address" does not match its secret key; the file is damaged or was edited.`)
  }
}
