import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { xsalsa20poly1305 } from '@noble/ciphers/salsa'

/**
 * Writers for btcli-format files that share no code with TaoDesk's wallet module: the
 * secretbox is @noble/ciphers, the Ansible Vault writer is node:crypto, and the JSON is
 * written by hand the way btwallet lays it out.
 */
export function nobleNaclFile(plaintext: Uint8Array, key: Uint8Array): Uint8Array {
  const nonce = crypto.randomBytes(24)
  const boxed = xsalsa20poly1305(key, nonce).encrypt(plaintext)
  return Buffer.concat([Buffer.from('$NACL'), nonce, boxed])
}

export function nobleNaclOpen(file: Uint8Array, key: Uint8Array): Uint8Array {
  expectPrefix(file, '$NACL')
  return xsalsa20poly1305(key, file.subarray(5, 29)).decrypt(file.subarray(29))
}

function expectPrefix(file: Uint8Array, prefix: string): void {
  if (Buffer.from(file.subarray(0, prefix.length)).toString('latin1') !== prefix) throw new Error(`expected ${prefix}`)
}

/** Ansible Vault 1.1 AES256 as the `ansible-vault` Python package writes it. */
export function ansibleVaultFile(plaintext: Uint8Array, password: string): string {
  const salt = crypto.randomBytes(32)
  const derived = crypto.pbkdf2Sync(Buffer.from(password), salt, 10000, 80, 'sha256')
  const padLen = 16 - (plaintext.length % 16)
  const padded = Buffer.concat([Buffer.from(plaintext), Buffer.alloc(padLen, padLen)])
  const cipher = crypto.createCipheriv('aes-256-ctr', derived.subarray(0, 32), derived.subarray(64, 80))
  const ct = Buffer.concat([cipher.update(padded), cipher.final()])
  const hmac = crypto.createHmac('sha256', derived.subarray(32, 64)).update(ct).digest()
  const body = Buffer.from(`${salt.toString('hex')}\n${hmac.toString('hex')}\n${ct.toString('hex')}`).toString('hex')
  return `$ANSIBLE_VAULT;1.1;AES256\n${body.match(/.{1,80}/g)!.join('\n')}\n`
}

/** Keyfile JSON in btwallet's field set (key order as a Rust HashMap might emit it). */
export function btcliKeyfileJson(k: { publicKey: string; privateKey: string; mnemonic: string; seed: string; address: string }): string {
  return JSON.stringify({ secretSeed: k.seed, ss58Address: k.address, accountId: k.publicKey, privateKey: k.privateKey, secretPhrase: k.mnemonic, publicKey: k.publicKey })
}

export function btcliPublicJson(publicKey: string, address: string): string {
  return JSON.stringify({ ss58Address: address, publicKey, accountId: publicKey })
}

export function writeFile0600(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, data, { mode: 0o600 })
}
