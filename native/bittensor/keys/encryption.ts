import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import type Sodium from 'libsodium-wrappers-sumo'

/**
 * btwallet's keyfile encryption (§5.3). `$NACL` = prefix || 24-byte nonce || secretbox (16-byte
 * Poly1305 tag || XSalsa20 ciphertext), key = Argon2i v1.3 of the trimmed password with a fixed salt.
 */
export const NACL_PREFIX = '$NACL'
export const ANSIBLE_PREFIX = '$ANSIBLE_VAULT'
export const FERNET_PREFIX = 'gAAAAA'
export const NACL_SALT = Uint8Array.from(Buffer.from('137183dff15a09bc9c90b5518739e9b1', 'hex'))
export const NACL_NONCE_BYTES = 24
export const NACL_MAC_BYTES = 16
export const NACL_KEY_BYTES = 32

export interface KdfParams {
  readonly opslimit: number
  readonly memlimit: number
}

/** The only parameters btcli reads and writes: crypto_pwhash_argon2i OPSLIMIT/MEMLIMIT_SENSITIVE. */
export const BTCLI_KDF: KdfParams = Object.freeze({ opslimit: 8, memlimit: 536_870_912 })

export type KeyfileFormat = 'nacl' | 'ansible' | 'fernet' | 'plaintext'

export type EncryptionErrorCode = 'WRONG_PASSWORD' | 'CORRUPT' | 'UNSUPPORTED' | 'OUT_OF_MEMORY' | 'EMPTY_PASSWORD'

export class KeyfileEncryptionError extends Error {
  constructor(
    readonly code: EncryptionErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'KeyfileEncryptionError'
  }
}

export function detectFormat(data: Uint8Array): KeyfileFormat {
  const head = Buffer.from(data.subarray(0, 16)).toString('latin1')
  if (head.startsWith(NACL_PREFIX)) return 'nacl'
  if (head.startsWith(ANSIBLE_PREFIX)) return 'ansible'
  if (head.startsWith(FERNET_PREFIX)) return 'fernet'
  return 'plaintext'
}

export const FERNET_ADVICE =
  'This keyfile uses the very old Fernet ("gAAAAA") encryption, which current btcli cannot read either. ' +
  'Decrypt it with an old bittensor SDK (before 6.x, e.g. `pip install bittensor==5.3.4` and load the wallet once), ' +
  'or regenerate the key from its recovery phrase with `taodesk wallet regen`.'

/** The password as btwallet uses it: surrounding whitespace trimmed, UTF-8. */
export function passwordBytes(password: string): Uint8Array {
  const trimmed = password.trim()
  if (trimmed.length === 0) throw new KeyfileEncryptionError('EMPTY_PASSWORD', 'The password is empty.')
  return new TextEncoder().encode(trimmed)
}

let sodiumPromise: Promise<typeof Sodium> | undefined
/** libsodium (WASM). Loaded through require: the package's ESM build is broken in 0.7.16. */
export function loadSodium(): Promise<typeof Sodium> {
  sodiumPromise ??= (async () => {
    const sodium = createRequire(import.meta.url)('libsodium-wrappers-sumo') as typeof Sodium
    await sodium.ready
    return sodium
  })()
  return sodiumPromise
}

/** Argon2i v1.3 as btwallet uses it. Runs for seconds with BTCLI_KDF: call it in a worker. */
export function deriveNaclKey(sodium: typeof Sodium, password: Uint8Array, params: KdfParams = BTCLI_KDF): Uint8Array {
  // libsodium's Argon2i limits; outside them it also says "invalid usage", which is not a memory problem.
  if (!Number.isInteger(params.opslimit) || params.opslimit < 3 || !Number.isInteger(params.memlimit) || params.memlimit < 8192 || params.memlimit > 2 ** 31 - 1) {
    throw new RangeError(`Invalid Argon2i parameters (opslimit ${params.opslimit} >= 3, memlimit ${params.memlimit} in 8 KiB..2 GiB).`)
  }
  try {
    return sodium.crypto_pwhash(NACL_KEY_BYTES, password, NACL_SALT, params.opslimit, params.memlimit, sodium.crypto_pwhash_ALG_ARGON2I13)
  } catch (error) {
    // With valid parameters, libsodium's only failure is the Argon2 memory allocation
    // (reported as "invalid usage"); WebAssembly reports growth failures as RangeError.
    const text = error instanceof Error ? error.message : String(error)
    if (/invalid usage|memory|allocat/i.test(text) || error instanceof RangeError) {
      throw new KeyfileEncryptionError('OUT_OF_MEMORY', outOfMemoryMessage(params.memlimit))
    }
    throw error
  }
}

export function outOfMemoryMessage(memlimit: number): string {
  return (
    `Not enough memory to unlock the key: the keyfile's password hashing (Argon2i) needs ${Math.round(memlimit / 2 ** 20)} MiB of free memory at once. ` +
    'Close other programs (or stop the miner/validator) and try again.'
  )
}

export function naclSeal(sodium: typeof Sodium, plaintext: Uint8Array, key: Uint8Array, nonce?: Uint8Array): Uint8Array {
  const n = nonce ?? sodium.randombytes_buf(NACL_NONCE_BYTES)
  const boxed = sodium.crypto_secretbox_easy(plaintext, n, key)
  const out = new Uint8Array(NACL_PREFIX.length + n.length + boxed.length)
  out.set(new TextEncoder().encode(NACL_PREFIX), 0)
  out.set(n, NACL_PREFIX.length)
  out.set(boxed, NACL_PREFIX.length + n.length)
  return out
}

/** Splits a $NACL file; throws CORRUPT when it is too short to hold a nonce and a tag. */
export function naclParts(data: Uint8Array): { nonce: Uint8Array; boxed: Uint8Array } {
  if (detectFormat(data) !== 'nacl') throw new KeyfileEncryptionError('CORRUPT', 'This is not a $NACL keyfile.')
  const min = NACL_PREFIX.length + NACL_NONCE_BYTES + NACL_MAC_BYTES + 1
  if (data.length < min) {
    throw new KeyfileEncryptionError('CORRUPT', `The keyfile is truncated (${data.length} bytes; an encrypted key needs at least ${min}). Restore it from a backup or regenerate it from its recovery phrase.`)
  }
  return { nonce: data.subarray(NACL_PREFIX.length, NACL_PREFIX.length + NACL_NONCE_BYTES), boxed: data.subarray(NACL_PREFIX.length + NACL_NONCE_BYTES) }
}

export function naclOpen(sodium: typeof Sodium, data: Uint8Array, key: Uint8Array): Uint8Array {
  const { nonce, boxed } = naclParts(data)
  try {
    return sodium.crypto_secretbox_open_easy(boxed, nonce, key)
  } catch {
    throw new KeyfileEncryptionError('WRONG_PASSWORD', 'Wrong password (or the keyfile is damaged): it could not be decrypted. Nothing was changed.')
  }
}

/**
 * Ansible Vault 1.1 / AES256, as older bittensor wrote coldkeys. Read only: new files are
 * always written as $NACL. PBKDF2-SHA256(password, salt, 10000) -> AES-256-CTR key || HMAC key || IV.
 */
export function ansibleVaultDecrypt(data: Uint8Array, password: Uint8Array): Uint8Array {
  const text = Buffer.from(data).toString('utf8')
  const lines = text.split(/\r?\n/)
  const header = lines[0]?.trim().split(';') ?? []
  if (header[0] !== ANSIBLE_PREFIX || header.length < 3) throw new KeyfileEncryptionError('CORRUPT', 'The Ansible Vault header is malformed.')
  if (header[2] !== 'AES256') throw new KeyfileEncryptionError('UNSUPPORTED', `Ansible Vault cipher ${header[2]} is not supported (only AES256).`)
  const armored = lines.slice(1).join('').trim()
  if (!/^([0-9a-fA-F]{2})+$/.test(armored)) throw new KeyfileEncryptionError('CORRUPT', 'The Ansible Vault body is not hex; the keyfile is damaged.')
  const inner = Buffer.from(armored, 'hex').toString('latin1').split('\n')
  if (inner.length !== 3 || !inner.every((p) => /^([0-9a-fA-F]{2})+$/.test(p))) {
    throw new KeyfileEncryptionError('CORRUPT', 'The Ansible Vault body is malformed; the keyfile is damaged or truncated.')
  }
  const [saltHex, hmacHex, cipherHex] = inner as [string, string, string]
  const salt = Buffer.from(saltHex, 'hex')
  const ciphertext = Buffer.from(cipherHex, 'hex')
  const derived = crypto.pbkdf2Sync(password, salt, 10_000, 80, 'sha256')
  const aesKey = derived.subarray(0, 32)
  const hmacKey = derived.subarray(32, 64)
  const iv = derived.subarray(64, 80)
  const expected = crypto.createHmac('sha256', hmacKey).update(ciphertext).digest()
  const stated = Buffer.from(hmacHex, 'hex')
  if (stated.length !== expected.length || !crypto.timingSafeEqual(stated, expected)) {
    derived.fill(0)
    throw new KeyfileEncryptionError('WRONG_PASSWORD', 'Wrong password (or the keyfile is damaged): it could not be decrypted. Nothing was changed.')
  }
  const decipher = crypto.createDecipheriv('aes-256-ctr', aesKey, iv)
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  derived.fill(0)
  const pad = padded[padded.length - 1] ?? 0
  if (pad < 1 || pad > 16 || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new KeyfileEncryptionError('CORRUPT', 'The Ansible Vault padding is invalid; the keyfile is damaged.')
  }
  const plain = Uint8Array.from(padded.subarray(0, padded.length - pad))
  padded.fill(0)
  return plain
}
