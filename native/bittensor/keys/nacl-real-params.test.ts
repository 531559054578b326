import fs from 'node:fs'
import path from 'node:path'
import { sr25519Verify } from '@polkadot/util-crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { BTCLI_KDF } from './encryption'
import { runKdfJob } from './kdf-client'
import { PUBLIC_KEYFILE_KEYS, SECRET_KEYFILE_KEYS } from './keyfile'
import { hex, keyFromMnemonic, ss58, toSchnorrkelBytes } from './keys'
import { btcliKeyfileJson, btcliPublicJson, nobleNaclFile, nobleNaclOpen, writeFile0600 } from './test-support/btcli-fixture'
import { serviceHarness } from '../../services/wallet/test-support/service-harness'

/**
 * The real btcli parameters (Argon2i, 8 passes, 512 MiB): four derivations, a few seconds each.
 * Everything else runs at reduced cost in other files.
 */
// Not "password": TaoDesk refuses common passwords when it creates a key (btcli's score rule alone accepts it).
const PASSWORD = 'Tr1cky pass!'
/** libsodium crypto_pwhash(32, "Tr1cky pass!", salt 137183df..., 8, 512 MiB, ARGON2I13); "password" gives e0f0a46e...7a7363. */
const KEY_FOR_PASSWORD = '99b7ec14613180a7e1405c293135f023251f01730f07118098227b9138e56ecb'
const DEV = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk'
const SLOW = 120_000

describe('coldkeys with the real btcli parameters', () => {
  const h = serviceHarness() // no KDF override: BTCLI_KDF
  afterAll(() => h.close())
  let key: Uint8Array

  it('derives the known key for the password in a worker', async () => {
    expect(BTCLI_KDF).toEqual({ opslimit: 8, memlimit: 512 * 1024 * 1024 })
    key = await runKdfJob('derive', PASSWORD, new Uint8Array(0))
    expect(Buffer.from(key).toString('hex')).toBe(KEY_FOR_PASSWORD)
  }, SLOW)

  it('a wallet TaoDesk creates is readable by an independent implementation of the recipe', async () => {
    const { wallet } = await h.service.create({ name: 'made-here', hotkey: 'default', words: 12, password: PASSWORD })
    const dir = path.join(h.walletsDir, 'made-here')
    const files = ['coldkey', 'coldkeypub.txt', 'hotkeys/default', 'hotkeys/defaultpub.txt']
    for (const f of files) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600)
    const coldkeyBytes = fs.readFileSync(path.join(dir, 'coldkey'))
    const plain = JSON.parse(Buffer.from(nobleNaclOpen(coldkeyBytes, key)).toString()) as Record<string, string>
    expect(Object.keys(plain).sort()).toEqual([...SECRET_KEYFILE_KEYS].sort())
    // Re-derive from the phrase in the file with polkadot.js: every field agrees.
    const again = keyFromMnemonic(plain.secretPhrase!)
    expect(plain.ss58Address).toBe(wallet.coldkey.address)
    expect(plain.publicKey).toBe(hex(again.publicKey))
    expect(plain.secretSeed).toBe(hex(again.seed!))
    expect(plain.privateKey).toBe(hex(toSchnorrkelBytes(again.secretKey)))
    const pub = JSON.parse(fs.readFileSync(path.join(dir, 'coldkeypub.txt'), 'utf8')) as Record<string, string>
    expect(Object.keys(pub).sort()).toEqual([...PUBLIC_KEYFILE_KEYS].sort())
    expect(pub.ss58Address).toBe(wallet.coldkey.address)
    const hot = JSON.parse(fs.readFileSync(path.join(dir, 'hotkeys/default'), 'utf8')) as Record<string, string>
    expect(Object.keys(hot).sort()).toEqual([...SECRET_KEYFILE_KEYS].sort())
    expect(hot.ss58Address).toBe(wallet.hotkeys[0]!.address)
  }, SLOW)

  it('a btcli-made wallet loads with the right addresses; a wrong password leaves it byte-for-byte intact', async () => {
    const dev = keyFromMnemonic(DEV)
    const hotkey = keyFromMnemonic('legal winner thank year wave sausage worth useful legal winner thank yellow')
    const fields = (k: typeof dev) => ({ publicKey: hex(k.publicKey), privateKey: hex(toSchnorrkelBytes(k.secretKey)), mnemonic: k.mnemonic!, seed: hex(k.seed!), address: ss58(k.publicKey) })
    const dir = path.join(h.walletsDir, 'from-btcli')
    writeFile0600(path.join(dir, 'coldkey'), nobleNaclFile(Buffer.from(btcliKeyfileJson(fields(dev))), key))
    writeFile0600(path.join(dir, 'coldkeypub.txt'), btcliPublicJson(hex(dev.publicKey), ss58(dev.publicKey)))
    // An older wallet: hotkey without its pub file.
    writeFile0600(path.join(dir, 'hotkeys', 'miner1'), btcliKeyfileJson(fields(hotkey)))

    const listed = h.service.get('from-btcli')
    expect(listed.coldkey).toMatchObject({ address: '5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV', format: 'nacl', problem: null })
    expect(listed.hotkeys).toEqual([expect.objectContaining({ name: 'miner1', address: ss58(hotkey.publicKey), format: 'plaintext', problem: null })])

    const before = fs.readFileSync(path.join(dir, 'coldkey'))
    const stat = fs.statSync(path.join(dir, 'coldkey'))
    await expect(h.service.unlock({ name: 'from-btcli', password: 'passw0rd', minutes: 1 })).rejects.toMatchObject({ code: 'WRONG_PASSWORD' })
    expect(Buffer.compare(fs.readFileSync(path.join(dir, 'coldkey')), before)).toBe(0)
    expect(fs.statSync(path.join(dir, 'coldkey')).mtimeMs).toBe(stat.mtimeMs)
    expect(h.service.isUnlocked('from-btcli')).toBe(false)

    const unlocked = await h.service.unlock({ name: 'from-btcli', password: PASSWORD, minutes: 1 })
    expect(unlocked.address).toBe('5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV')
    const signer = h.service.coldkeySigner('from-btcli')
    const msg = new TextEncoder().encode('transfer')
    expect(sr25519Verify(msg, signer.sign(msg), dev.publicKey)).toBe(true)
    expect(h.events.filter((e) => e.name === 'wallet.unlockProgress').map((e) => (e.payload as { phase: string }).phase)).toEqual(
      expect.arrayContaining(['deriving', 'failed', 'done']),
    )
    h.service.lock('from-btcli')
    expect(() => signer.sign(msg)).toThrow(/locked/)
  }, SLOW)
})
