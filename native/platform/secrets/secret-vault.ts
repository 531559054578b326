import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * "Remember password": the OS keychain encrypts, the engine only stores ciphertext. In the
 * desktop app the Electron main process implements this with `safeStorage` (Keychain on macOS,
 * DPAPI on Windows, libsecret/kwallet on Linux) and serves it over the engine's parent port
 * (electron/main/secret-vault.ts). Headless engines have no vault, so nothing is ever remembered
 * there.
 */
export interface SecretVault {
  /** Whether the OS can encrypt for this user now (false on Linux without a keyring, for example). */
  isAvailable(): Promise<boolean>
  /** Why passwords cannot be remembered here, in words for the user; null when they can. */
  whyUnavailable(): Promise<string | null>
  /** Ciphertext (base64) only this OS user can decrypt. */
  encrypt(plaintext: string): Promise<string>
  decrypt(ciphertextBase64: string): Promise<string>
}

// ---------- across the parent port ----------

const TAG = 'taodeskVault'

type VaultRequest = { op: 'available' } | { op: 'encrypt'; text: string } | { op: 'decrypt'; data: string }

export type VaultMessage =
  | ({ [TAG]: 1; id: number } & VaultRequest)
  | { [TAG]: 1; id: number; ok: true; result: string | boolean }
  | { [TAG]: 1; id: number; ok: false; error: string }

export function isVaultMessage(message: unknown): message is VaultMessage {
  return typeof message === 'object' && message !== null && (message as Record<string, unknown>)[TAG] === 1
}

/** Engine side: a SecretVault whose work happens in the Electron main process. */
export class RemoteSecretVault implements SecretVault {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: string | boolean) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>()

  constructor(
    private readonly post: (message: VaultMessage) => void,
    private readonly timeoutMs = 30_000,
  ) {}

  /** Feed every message from the main process here; returns false for messages that are not ours. */
  receive(message: unknown): boolean {
    if (!isVaultMessage(message)) return false
    if (!('ok' in message)) return true
    const entry = this.pending.get(message.id)
    if (!entry) return true
    this.pending.delete(message.id)
    clearTimeout(entry.timer)
    if (message.ok) entry.resolve(message.result)
    else entry.reject(new Error(message.error))
    return true
  }

  async isAvailable(): Promise<boolean> {
    return (await this.whyUnavailable()) === null
  }
  async whyUnavailable(): Promise<string | null> {
    try {
      const answer = await this.request({ op: 'available' })
      // Older main processes answer false without a reason.
      return answer === true ? null : typeof answer === 'string' ? answer : KEYCHAIN_MISSING
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
  }
  async encrypt(plaintext: string): Promise<string> {
    return String(await this.request({ op: 'encrypt', text: plaintext }))
  }
  async decrypt(ciphertextBase64: string): Promise<string> {
    return String(await this.request({ op: 'decrypt', data: ciphertextBase64 }))
  }

  dispose(): void {
    for (const e of this.pending.values()) {
      clearTimeout(e.timer)
      e.reject(new Error('The engine is shutting down'))
    }
    this.pending.clear()
  }

  private request(request: VaultRequest): Promise<string | boolean> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error('The desktop app did not answer the keychain request in time.'))
      }, this.timeoutMs)
      timer.unref?.()
      this.pending.set(id, { resolve, reject, timer })
      this.post({ [TAG]: 1, id, ...request })
    })
  }
}

const KEYCHAIN_MISSING = 'The OS keychain is not available to TaoDesk (on Linux, a Secret Service keyring such as GNOME Keyring or KWallet is needed).'

/** On Linux without a keyring Electron falls back to a fixed, public key: that protects nothing. */
export const BASIC_TEXT_REFUSAL =
  'TaoDesk does not remember passwords on this computer: Linux has no keyring for it (no GNOME Keyring, KWallet or other Secret Service), and without one Electron would only hide the password under a key that is the same on every computer. Install and unlock a keyring, then restart TaoDesk; until then, type the password when you unlock.'

/**
 * Electron's safeStorage as TaoDesk uses it. The asynchronous API (Electron 42+; the synchronous
 * one is removed in Electron 46) is used wherever it exists, the synchronous one otherwise.
 */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable?(): Promise<boolean>
  encryptStringAsync?(plainText: string): Promise<Buffer>
  decryptStringAsync?(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>
  isEncryptionAvailable?(): boolean
  encryptString?(plainText: string): Buffer
  decryptString?(encrypted: Buffer): string
  /** Linux only: which secret store encrypts; 'basic_text' is a hardcoded key. */
  getSelectedStorageBackend?(): string
}

/** The keychain over whichever safeStorage API this Electron has, refusing a basic_text backend. */
function keychain(storage: SafeStorageLike, platform: NodeJS.Platform) {
  const why = async (): Promise<string | null> => {
    const available = storage.isAsyncEncryptionAvailable ? await storage.isAsyncEncryptionAvailable() : (storage.isEncryptionAvailable?.() ?? false)
    if (!available) return KEYCHAIN_MISSING
    // Asked after availability: on Linux the backend is known only once a store was chosen.
    if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') return BASIC_TEXT_REFUSAL
    return null
  }
  const usable = async (): Promise<void> => {
    const reason = await why()
    if (reason) throw new Error(reason)
  }
  return {
    why,
    async encrypt(text: string): Promise<string> {
      await usable()
      const buffer = storage.encryptStringAsync ? await storage.encryptStringAsync(text) : storage.encryptString?.(text)
      if (!buffer) throw new Error(KEYCHAIN_MISSING)
      return buffer.toString('base64')
    },
    async decrypt(data: string): Promise<string> {
      await usable()
      const bytes = Buffer.from(data, 'base64')
      if (storage.decryptStringAsync) return (await storage.decryptStringAsync(bytes)).result
      if (!storage.decryptString) throw new Error(KEYCHAIN_MISSING)
      return storage.decryptString(bytes)
    },
  }
}

/** Main-process side: answers the engine's vault requests with safeStorage. Returns the receive function. */
export function serveSecretVault(storage: SafeStorageLike, post: (message: VaultMessage) => void, platform: NodeJS.Platform = process.platform): (message: unknown) => boolean {
  const vault = keychain(storage, platform)
  return (message) => {
    if (!isVaultMessage(message) || !('op' in message)) return isVaultMessage(message)
    const { id } = message
    const answer: Promise<string | boolean> =
      message.op === 'available' ? vault.why().then((reason) => reason ?? true) : message.op === 'encrypt' ? vault.encrypt(message.text) : vault.decrypt(message.data)
    answer.then(
      (result) => post({ [TAG]: 1, id, ok: true, result }),
      (error: unknown) => post({ [TAG]: 1, id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    )
    return true
  }
}

// ---------- where the ciphertext lives ----------

interface Entry {
  /** The coldkey's SS58 address when remembered: a replaced coldkey never gets an old password. */
  readonly address: string
  readonly ciphertext: string
  readonly savedAt: number
}

/**
 * Remembered passwords as OS-keychain ciphertext in one JSON file (mode 0600) next to the
 * database, keyed by the coldkey file's absolute path. The plaintext never touches disk.
 */
export class RememberedPasswords {
  constructor(private readonly file: string) {}

  private read(): Record<string, Entry> {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, Entry>) : {}
    } catch {
      return {}
    }
  }

  private write(all: Record<string, Entry>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const tmp = `${this.file}.${crypto.randomBytes(4).toString('hex')}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 })
    fs.renameSync(tmp, this.file)
  }

  get(coldkeyPath: string, address: string): string | undefined {
    const e = this.read()[path.resolve(coldkeyPath)]
    return e && e.address === address ? e.ciphertext : undefined
  }

  has(coldkeyPath: string): boolean {
    return path.resolve(coldkeyPath) in this.read()
  }

  set(coldkeyPath: string, address: string, ciphertext: string): void {
    const all = this.read()
    all[path.resolve(coldkeyPath)] = { address, ciphertext, savedAt: Date.now() }
    this.write(all)
  }

  /** Removes one entry (or every entry with no argument); returns the paths removed. */
  delete(coldkeyPath?: string): string[] {
    const all = this.read()
    const keys = coldkeyPath === undefined ? Object.keys(all) : [path.resolve(coldkeyPath)].filter((k) => k in all)
    for (const k of keys) delete all[k]
    if (keys.length > 0) this.write(all)
    return keys
  }
}
