import crypto from 'node:crypto'
import { argon2i } from '@noble/hashes/argon2'
import { describe, expect, it } from 'vitest'
import {
  FERNET_PREFIX,
  KeyfileEncryptionError,
  NACL_SALT,
  ansibleVaultDecrypt,
  deriveNaclKey,
  detectFormat,
  loadSodium,
  naclOpen,
  naclSeal,
  passwordBytes,
} from './encryption'
import { naclDecrypt, naclEncrypt, runKdfJob } from './kdf-client'
import { ansibleVaultFile, nobleNaclFile, nobleNaclOpen } from './test-support/btcli-fixture'

const SMALL = { opslimit: 3, memlimit: 1024 * 1024 }
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('$NACL recipe', () => {
  it('libsodium Argon2i v1.3 agrees with an independent implementation (@noble/hashes) on small parameters', async () => {
    const sodium = await loadSodium()
    for (const [pw, t, mKiB] of [['password', 3, 64], ['correct horse battery', 4, 1024], ['ünïcødé pw', 3, 8]] as const) {
      const ours = deriveNaclKey(sodium, enc(pw), { opslimit: t, memlimit: mKiB * 1024 })
      const noble = argon2i(enc(pw), NACL_SALT, { t, m: mKiB, p: 1, dkLen: 32, version: 0x13 })
      expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(noble).toString('hex'))
    }
  })

  it('file layout: $NACL || 24-byte nonce || tag || ciphertext, readable by @noble/ciphers and back', async () => {
    const sodium = await loadSodium()
    const key = crypto.randomBytes(32)
    const plain = enc('{"a":1}')
    const file = naclSeal(sodium, plain, key)
    expect(Buffer.from(file.subarray(0, 5)).toString()).toBe('$NACL')
    expect(file.length).toBe(5 + 24 + 16 + plain.length)
    expect(Buffer.from(nobleNaclOpen(file, key)).toString()).toBe('{"a":1}')
    expect(Buffer.from(naclOpen(sodium, nobleNaclFile(plain, key), key)).toString()).toBe('{"a":1}')
    expect(() => naclOpen(sodium, file, crypto.randomBytes(32))).toThrow(/Wrong password/)
    expect(() => naclOpen(sodium, file.subarray(0, 40), key)).toThrow(/truncated \(40 bytes/)
    const flipped = Uint8Array.from(file)
    flipped[flipped.length - 1]! ^= 1
    expect(() => naclOpen(sodium, flipped, key)).toThrow(KeyfileEncryptionError)
  })

  it('worker round trip with progress; wrong password; truncated file fails before hashing', async () => {
    const progress: number[] = []
    const file = await naclEncrypt('  s3cret pw ', enc('hello'), { params: SMALL, onProgress: (p) => progress.push(p.elapsedMs) })
    expect(progress.length).toBeGreaterThan(0)
    // Surrounding whitespace is trimmed, as btcli does when the password is typed.
    expect(Buffer.from(await naclDecrypt('s3cret pw', file, { params: SMALL })).toString()).toBe('hello')
    await expect(naclDecrypt('s3cret pX', file, { params: SMALL })).rejects.toMatchObject({ code: 'WRONG_PASSWORD' })
    await expect(naclDecrypt('s3cret pw', file.subarray(0, 20), { params: SMALL })).rejects.toMatchObject({ code: 'CORRUPT' })
    await expect(naclDecrypt('   ', file, { params: SMALL })).rejects.toThrow(/empty/)
  })

  it('reports a memory shortage clearly (an Argon2 allocation WebAssembly cannot make)', async () => {
    const error = await runKdfJob('derive', 'pw', new Uint8Array(0), { params: { opslimit: 3, memlimit: 2 ** 31 - 1024 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeyfileEncryptionError)
    expect((error as KeyfileEncryptionError).code).toBe('OUT_OF_MEMORY')
    expect((error as Error).message).toMatch(/Not enough memory to unlock the key: .* needs 2048 MiB of free memory/)
  })
})

describe('legacy formats', () => {
  it('detects the three prefixes', () => {
    expect(detectFormat(enc('$NACL....'))).toBe('nacl')
    expect(detectFormat(enc('$ANSIBLE_VAULT;1.1;AES256\n00'))).toBe('ansible')
    expect(detectFormat(enc(`${FERNET_PREFIX}BkZ...`))).toBe('fernet')
    expect(detectFormat(enc('{"secretPhrase":"x"}'))).toBe('plaintext')
  })

  it('decrypts Ansible Vault 1.1 AES256 written by an independent writer; wrong password and damage are reported', () => {
    const vault = enc(ansibleVaultFile(enc('{"secretSeed":"0x01"}'), 'old password'))
    expect(Buffer.from(ansibleVaultDecrypt(vault, passwordBytes('old password'))).toString()).toBe('{"secretSeed":"0x01"}')
    expect(() => ansibleVaultDecrypt(vault, passwordBytes('nope'))).toThrow(/Wrong password/)
    expect(() => ansibleVaultDecrypt(vault.subarray(0, 60), passwordBytes('old password'))).toThrow(KeyfileEncryptionError)
    expect(() => ansibleVaultDecrypt(enc('$ANSIBLE_VAULT;1.1;AES256\nzz'), passwordBytes('x'))).toThrow(/not hex/)
  })
})
