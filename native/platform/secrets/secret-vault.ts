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
    try {
      return (await this.request({ op: 'available' })) === true
    } catch {
      return false
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

/** What the main process must provide: Electron's safeStorage has exactly this shape. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
}

/** Main-process side: answers the engine's vault requests with safeStorage. Returns the receive function. */
export function serveSecretVault(storage: SafeStorageLike, post: (message: VaultMessage) => void): (message: unknown) => boolean {
  return (message) => {
    if (!isVaultMessage(message) || !('op' in message)) return isVaultMessage(message)
    const { id } = message
    try {
      let result: string | boolean
      if (message.op === 'available') result = storage.isEncryptionAvailable()
      else if (!storage.isEncryptionAvailable()) throw new Error('The OS keychain is not available to TaoDesk (on Linux, a Secret Service keyring such as GNOME Keyring or KWallet is needed).')
      else if (message.op === 'encrypt') result = storage.encryptString(message.text).toString('base64')
      else result = storage.decryptString(Buffer.from(message.data, 'base64'))
      post({ [TAG]: 1, id, ok: true, result })
    } catch (error) {
      post({ [TAG]: 1, id, ok: false, error: error instanceof Error ? error.message : String(error) })
    }
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
