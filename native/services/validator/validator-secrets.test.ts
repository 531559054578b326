/**
 * The validator's LLM API key and Hugging Face token live outside the database: headless in
 * <home>/secrets.json (0600), in the desktop app encrypted by the OS keychain (SecretVault);
 * values left in validator_state by older versions move out on start. Never returned over RPC.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../test/support/temp-home'
import { createEngine } from '../../host'
import type { Engine } from '../../host'
import { databasePath } from '../../host/paths'
import { RemoteSecretVault, serveSecretVault } from '../../platform/secrets/secret-vault'
import type { SafeStorageLike, SecretVault, VaultMessage } from '../../platform/secrets/secret-vault'
import { FileSecretsStore } from './validator-secrets'

const KEY = 'sk-live-0123456789abcdefSECRET'
const TOKEN = 'hf_TOKENabcdef0123456789'

/** Stands in for Electron's safeStorage (no Electron binary here): AES-GCM under a key only this object holds. */
function fakeSafeStorage(available = true): SafeStorageLike {
  const key = crypto.randomBytes(32)
  return {
    isEncryptionAvailable: () => available,
    encryptString(text) {
      const iv = crypto.randomBytes(12)
      const c = crypto.createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    decryptString(buf) {
      const d = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12))
      d.setAuthTag(buf.subarray(12, 28))
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8')
    },
  }
}

/** Engine and main process joined like the parent port (structured-clone copies, async delivery). */
function bridge(storage: SafeStorageLike): RemoteSecretVault {
  let toEngine: (m: unknown) => void = () => undefined
  const main = serveSecretVault(storage, (m) => queueMicrotask(() => toEngine(structuredClone(m))))
  const vault = new RemoteSecretVault((m: VaultMessage) => queueMicrotask(() => main(structuredClone(m))))
  toEngine = (m) => vault.receive(m)
  return vault
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function home(): string {
  const h = makeTempHome()
  cleanups.push(() => h.cleanup())
  return h.dir
}

const stopped = new WeakSet<Engine>()
function start(dir: string, vault?: SecretVault): Engine {
  const engine = createEngine({ home: dir, version: '0.0.0-test', headless: !vault, secretVault: vault })
  cleanups.push(() => stop(engine))
  return engine
}
async function stop(engine: Engine): Promise<void> {
  if (stopped.has(engine)) return
  stopped.add(engine)
  await stop(engine)
}

/** Every byte SQLite keeps for the engine (database, WAL, shared memory). */
function databaseBytes(dir: string): string {
  const db = databasePath(dir)
  return [db, `${db}-wal`, `${db}-shm`]
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('')
}

function stateKeys(dir: string): string[] {
  const db = new Database(databasePath(dir), { readonly: true })
  try {
    return (db.prepare('SELECT key FROM validator_state').all() as Array<{ key: string }>).map((r) => r.key)
  } finally {
    db.close()
  }
}

describe('validator secrets at rest', () => {
  it('headless: <home>/secrets.json with mode 0600, nothing in the database, never over RPC, kept across restarts', async () => {
    const dir = home()
    const engine = start(dir)
    const rpc = engine.connectInproc('test')
    const view = await rpc.call('validator.config.update', { llmBaseUrl: 'http://127.0.0.1:11434/v1', llmApiKey: KEY, hfToken: TOKEN })
    expect(view).toMatchObject({ llmApiKeySet: true, hfTokenSet: true })
    const file = path.join(dir, 'secrets.json')
    expect(view.credentialsStorage).toBe(`stored in ${file}, readable only by your user`)
    expect(JSON.stringify(view)).not.toContain(KEY)
    expect(JSON.stringify(await rpc.call('validator.config.get', {}))).not.toMatch(new RegExp(`${KEY}|${TOKEN}`))

    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ version: 1, entries: { 'validator.llmApiKey': { plain: KEY }, 'validator.hfToken': { plain: TOKEN } } })
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    await stop(engine)
    expect(stateKeys(dir)).not.toContain('secrets')
    expect(databaseBytes(dir)).not.toContain(KEY)
    expect(databaseBytes(dir)).not.toContain(TOKEN)

    const again = start(dir)
    const rpc2 = again.connectInproc('test')
    expect(await rpc2.call('validator.config.get', {})).toMatchObject({ llmApiKeySet: true, hfTokenSet: true })
    // Clearing one removes it from the file.
    expect(await rpc2.call('validator.config.update', { llmApiKey: '' })).toMatchObject({ llmApiKeySet: false, hfTokenSet: true })
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).entries).toEqual({ 'validator.hfToken': { plain: TOKEN } })
  })

  it('moves values an older version kept in validator_state out of the database on start, and overwrites them there', async () => {
    const dir = home()
    await stop(start(dir))
    const db = new Database(databasePath(dir))
    db.prepare('INSERT INTO validator_state (key, value) VALUES (?, ?)').run('secrets', JSON.stringify({ llmApiKey: KEY, hfToken: TOKEN }))
    db.close()
    expect(databaseBytes(dir)).toContain(KEY)

    const engine = start(dir)
    const rpc = engine.connectInproc('test')
    expect(await rpc.call('validator.config.get', {})).toMatchObject({ llmApiKeySet: true, hfTokenSet: true })
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).entries).toEqual({ 'validator.llmApiKey': { plain: KEY }, 'validator.hfToken': { plain: TOKEN } })
    await stop(engine)
    expect(stateKeys(dir)).not.toContain('secrets')
    expect(databaseBytes(dir)).not.toContain(KEY)
    expect(databaseBytes(dir)).not.toContain(TOKEN)
  })

  it('desktop: encrypted by the OS keychain (SecretVault over the parent port); the file holds only ciphertext; migration too', async () => {
    const dir = home()
    const storage = fakeSafeStorage()
    await stop(start(dir))
    const db = new Database(databasePath(dir))
    db.prepare('INSERT INTO validator_state (key, value) VALUES (?, ?)').run('secrets', JSON.stringify({ hfToken: TOKEN }))
    db.close()

    const engine = start(dir, bridge(storage))
    const rpc = engine.connectInproc('test')
    expect(await rpc.call('validator.config.get', {})).toMatchObject({ llmApiKeySet: false, hfTokenSet: true })
    const view = await rpc.call('validator.config.update', { llmApiKey: KEY })
    const file = path.join(dir, 'secrets.json')
    expect(view).toMatchObject({ llmApiKeySet: true, hfTokenSet: true, credentialsStorage: `encrypted by the OS keychain; the ciphertext is stored in ${file}, readable only by your user` })
    const text = fs.readFileSync(file, 'utf8')
    expect(text).not.toContain(KEY)
    expect(text).not.toContain(TOKEN)
    const entries = JSON.parse(text).entries as Record<string, { keychain?: string }>
    expect(Object.keys(entries).sort()).toEqual(['validator.hfToken', 'validator.llmApiKey'])
    expect(Object.values(entries).every((e) => typeof e.keychain === 'string')).toBe(true)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    await stop(engine)
    expect(stateKeys(dir)).not.toContain('secrets')
    expect(databaseBytes(dir)).not.toContain(TOKEN)

    // The same keychain opens them again after a restart.
    const store = new FileSecretsStore(file, bridge(storage))
    expect(await store.load()).toEqual({ llmApiKey: KEY, hfToken: TOKEN })
    // Another user's keychain (or a headless engine) cannot.
    expect(await new FileSecretsStore(file, bridge(fakeSafeStorage())).load()).toEqual({})
    expect(await new FileSecretsStore(file).load()).toEqual({})
  })

  it('desktop without a usable keychain falls back to the 0600 file and says so', async () => {
    const file = path.join(home(), 'secrets.json')
    const store = new FileSecretsStore(file, bridge(fakeSafeStorage(false)))
    await store.save({ llmApiKey: KEY })
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).entries).toEqual({ 'validator.llmApiKey': { plain: KEY } })
    expect(store.where()).toBe(`stored in ${file}, readable only by your user (the OS keychain is not available, so they are not encrypted)`)
    expect(await store.load()).toEqual({ llmApiKey: KEY })
  })
})
