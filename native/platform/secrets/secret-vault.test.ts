import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RemoteSecretVault, serveSecretVault } from './secret-vault'
import type { SafeStorageLike, VaultMessage } from './secret-vault'
import { serviceHarness } from '../../services/wallet/test-support/service-harness'

const LOW = { opslimit: 3, memlimit: 1024 * 1024 }

/**
 * Stands in for Electron's safeStorage (no Electron binary here): AES-GCM under a key only this
 * object holds, so the ciphertext on disk is useless without it, like the OS keychain's.
 */
function fakeSafeStorage(available = true): SafeStorageLike & { calls: string[] } {
  const key = crypto.randomBytes(32)
  const calls: string[] = []
  return {
    calls,
    isEncryptionAvailable: () => available,
    encryptString(text) {
      calls.push('encrypt')
      const iv = crypto.randomBytes(12)
      const c = crypto.createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    decryptString(buf) {
      calls.push('decrypt')
      const d = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12))
      d.setAuthTag(buf.subarray(12, 28))
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8')
    },
  }
}

/** Engine and main process joined like the parent port: structured-clone copies, async delivery. */
function bridge(storage: SafeStorageLike) {
  let toEngine: (m: unknown) => void = () => undefined
  const main = serveSecretVault(storage, (m) => queueMicrotask(() => toEngine(structuredClone(m))))
  const vault = new RemoteSecretVault((m: VaultMessage) => queueMicrotask(() => main(structuredClone(m))))
  toEngine = (m) => vault.receive(m)
  return vault
}

let h: ReturnType<typeof serviceHarness> | undefined
afterEach(() => h?.close())

describe('remember password through the desktop shell (SecretVault over the parent port)', () => {
  it('round-trips through the bridge, reports an unavailable keychain, and ignores foreign messages', async () => {
    const vault = bridge(fakeSafeStorage())
    expect(await vault.isAvailable()).toBe(true)
    const c = await vault.encrypt('Pässwörd ✓ 钱包')
    expect(Buffer.from(c, 'base64').toString('utf8')).not.toContain('Pässwörd')
    expect(await vault.decrypt(c)).toBe('Pässwörd ✓ 钱包')
    expect(vault.receive({ rpc: 1 })).toBe(false)
    const off = bridge(fakeSafeStorage(false))
    expect(await off.isAvailable()).toBe(false)
    await expect(off.encrypt('x')).rejects.toThrow(/keychain is not available/)
  })

  it('off by default; remembered only when asked; reused without typing; forgotten on request or when it stops working; never headless', async () => {
    const storage = fakeSafeStorage()
    h = serviceHarness(LOW, { vault: bridge(storage) })
    await new Promise((r) => setTimeout(r, 10))
    await h.service.create({ name: 'w', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })
    expect(h.service.list().rememberAvailable).toBe(true)
    await h.service.unlock({ name: 'w', password: 'Tr1cky pass!', minutes: 1 })
    expect(storage.calls).toEqual([])
    expect(h.service.get('w').remembered).toBe(false)
    h.service.lockAll()
    await expect(h.service.unlock({ name: 'w', minutes: 1 })).rejects.toThrow(/Type the coldkey password/)

    await h.service.unlock({ name: 'w', password: 'Tr1cky pass!', minutes: 1, remember: true })
    expect(h.service.get('w').remembered).toBe(true)
    const file = path.join(path.dirname(h.store.file), 'wallet-remembered.json')
    const onDisk = fs.readFileSync(file, 'utf8')
    expect(onDisk).not.toContain('Tr1cky')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    h.service.lockAll()
    await h.service.unlock({ name: 'w', minutes: 1 })
    expect(h.service.isUnlocked('w')).toBe(true)
    expect(h.service.activity('w', 1)[0]!.message).toMatch(/remembered password/)

    expect(h.service.forget('w')).toEqual(['w'])
    expect(h.service.get('w').remembered).toBe(false)
    h.service.lockAll()
    await expect(h.service.unlock({ name: 'w', minutes: 1 })).rejects.toThrow(/Type the coldkey password/)

    // The coldkey is re-encrypted elsewhere with another password: the remembered one is dropped.
    await h.service.unlock({ name: 'w', password: 'Tr1cky pass!', minutes: 1, remember: true })
    h.service.lockAll()
    const dev = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk'
    await h.service.regen({ name: 'w2', role: 'coldkey', hotkey: 'default', mnemonic: dev, password: 'An0ther pw!', overwrite: false })
    fs.copyFileSync(path.join(h.walletsDir, 'w2', 'coldkey'), path.join(h.walletsDir, 'w', 'coldkey'))
    fs.copyFileSync(path.join(h.walletsDir, 'w2', 'coldkeypub.txt'), path.join(h.walletsDir, 'w', 'coldkeypub.txt'))
    // Different address now: the entry does not even apply.
    await expect(h.service.unlock({ name: 'w', minutes: 1 })).rejects.toThrow(/Type the coldkey password/)
  })

  it('headless engines refuse to remember', async () => {
    h = serviceHarness(LOW)
    await h.service.create({ name: 'w', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })
    expect(h.service.list().rememberAvailable).toBe(false)
    await expect(h.service.unlock({ name: 'w', password: 'Tr1cky pass!', minutes: 1, remember: true })).rejects.toThrow(/never stores passwords when it runs headless/)
    expect(h.service.isUnlocked('w')).toBe(false)
  })

  it('refuses common passwords that pass the score rule', async () => {
    h = serviceHarness(LOW)
    // "password1" scores above 20 under the crate's formula, but it is in every leaked list.
    await expect(h.service.create({ name: 'w', hotkey: 'default', words: 12, password: 'Password1' })).rejects.toThrow(/most common passwords/)
  })
})

/** safeStorage of Electron 42+: the asynchronous API, and (Linux) the backend it picked. */
function asyncSafeStorage(backend = 'gnome_libsecret'): SafeStorageLike & { calls: string[] } {
  const sync = fakeSafeStorage()
  const calls: string[] = []
  return {
    calls,
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (text) => (calls.push('encryptAsync'), sync.encryptString!(text)),
    decryptStringAsync: async (buf) => (calls.push('decryptAsync'), { result: sync.decryptString!(buf), shouldReEncrypt: false }),
    // Kept until Electron 46 removes them; never called while the asynchronous API exists.
    isEncryptionAvailable: () => {
      throw new Error('synchronous isEncryptionAvailable called')
    },
    encryptString: () => {
      throw new Error('synchronous encryptString called')
    },
    decryptString: () => {
      throw new Error('synchronous decryptString called')
    },
    getSelectedStorageBackend: () => backend,
  }
}

function bridgeOn(storage: SafeStorageLike, platform: NodeJS.Platform) {
  let toEngine: (m: unknown) => void = () => undefined
  const main = serveSecretVault(storage, (m) => queueMicrotask(() => toEngine(structuredClone(m))), platform)
  const vault = new RemoteSecretVault((m: VaultMessage) => queueMicrotask(() => main(structuredClone(m))))
  toEngine = (m) => vault.receive(m)
  return vault
}

describe('safeStorage: asynchronous API, and no "remember" on a basic_text keyring (issue 15 item 6)', () => {
  it('uses encryptStringAsync/decryptStringAsync where they exist', async () => {
    const storage = asyncSafeStorage()
    const vault = bridgeOn(storage, 'linux')
    expect(await vault.whyUnavailable()).toBeNull()
    expect(await vault.decrypt(await vault.encrypt('s3cret'))).toBe('s3cret')
    expect(storage.calls).toEqual(['encryptAsync', 'decryptAsync'])
  })

  it('refuses to remember on Linux when Electron fell back to basic_text, and says why where the user unlocks', async () => {
    const vault = bridgeOn(asyncSafeStorage('basic_text'), 'linux')
    expect(await vault.isAvailable()).toBe(false)
    expect(await vault.whyUnavailable()).toMatch(/Linux has no keyring .* Install and unlock a keyring/)
    await expect(vault.encrypt('x')).rejects.toThrow(/does not remember passwords on this computer/)
    // Other systems have no basic_text fallback to worry about.
    expect(await bridgeOn(asyncSafeStorage('basic_text'), 'darwin').whyUnavailable()).toBeNull()

    h = serviceHarness(LOW, { vault })
    await new Promise((r) => setTimeout(r, 10))
    await h.service.create({ name: 'w', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })
    expect(h.service.list()).toMatchObject({ rememberAvailable: false, rememberUnavailableReason: expect.stringMatching(/Linux has no keyring/) })
    await expect(h.service.unlock({ name: 'w', password: 'Tr1cky pass!', minutes: 1, remember: true })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/Linux has no keyring/) })
    expect(h.service.isUnlocked('w')).toBe(false)
    expect(fs.existsSync(path.join(path.dirname(h.store.file), 'wallet-remembered.json'))).toBe(false)
    // Unlocking without "remember" works as before.
    await h.service.unlock({ name: 'w', password: 'Tr1cky pass!', minutes: 1 })
    expect(h.service.isUnlocked('w')).toBe(true)
  })
})
