/**
 * Where the validator keeps its LLM API key, Hugging Face token and OpenAI key: never in the database.
 *
 * One JSON file, `<home>/secrets.json`, written atomically (temporary file + rename) with mode
 * 0600. In the desktop app each value is first encrypted by the OS keychain (Electron
 * safeStorage in the main process, the engine's {@link SecretVault}), so the file holds only
 * ciphertext. Headless, or where the OS has no keychain (Linux without a Secret Service), the
 * value is stored as is, in that file only its owner can read; the settings screen says which.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Logger } from '../../platform/logging'
import type { SecretVault } from '../../platform/secrets/secret-vault'

export interface ValidatorSecrets {
  llmApiKey?: string
  hfToken?: string
  /** For the dashboard's OpenAI baselines. */
  openAiApiKey?: string
}

export interface SecretsStore {
  load(): Promise<ValidatorSecrets>
  save(secrets: ValidatorSecrets): Promise<void>
  /** Where the secrets are kept, in words for the settings screen. */
  where(): string
}

const KEYS = ['llmApiKey', 'hfToken', 'openAiApiKey'] as const
type Entry = { readonly plain: string } | { readonly keychain: string }
interface SecretsFile {
  version: 1
  /** `validator.llmApiKey`, `validator.hfToken` (other domains may add their own keys). */
  entries: Record<string, Entry>
}

/** Kept in this process only (tests, and engines started without a home). */
export class MemorySecretsStore implements SecretsStore {
  private secrets: ValidatorSecrets = {}
  async load(): Promise<ValidatorSecrets> {
    return { ...this.secrets }
  }
  async save(secrets: ValidatorSecrets): Promise<void> {
    this.secrets = { ...secrets }
  }
  where(): string {
    return 'kept in memory only (this engine has no secrets file); set them again after a restart'
  }
}

export class FileSecretsStore implements SecretsStore {
  /** Whether the last load or save used the OS keychain (null before either). */
  private keychain: boolean | null = null

  constructor(
    readonly file: string,
    private readonly vault?: SecretVault,
    private readonly log?: Logger,
  ) {}

  where(): string {
    if (this.keychain) return `encrypted by the OS keychain; the ciphertext is stored in ${this.file}, readable only by your user`
    const keychainNote = this.vault && this.keychain === false ? ' (the OS keychain is not available, so they are not encrypted)' : ''
    return `stored in ${this.file}, readable only by your user${keychainNote}`
  }

  private read(): SecretsFile {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} }
      throw error
    }
    const parsed = JSON.parse(text) as Partial<SecretsFile> | null
    if (!parsed || typeof parsed !== 'object' || typeof parsed.entries !== 'object' || parsed.entries === null) {
      throw new Error(`${this.file} is not a TaoDesk secrets file.`)
    }
    return { version: 1, entries: parsed.entries }
  }

  private write(all: SecretsFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.${crypto.randomBytes(4).toString('hex')}.tmp`
    try {
      fs.writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600, flag: 'wx' })
      fs.renameSync(tmp, this.file)
    } catch (error) {
      fs.rmSync(tmp, { force: true })
      throw error
    }
    // A file created by an older version or by hand keeps its mode through rename's target: fix it.
    if (process.platform !== 'win32') fs.chmodSync(this.file, 0o600)
  }

  private async useKeychain(): Promise<boolean> {
    this.keychain = this.vault ? await this.vault.isAvailable() : false
    return this.keychain
  }

  async load(): Promise<ValidatorSecrets> {
    const { entries } = this.read()
    const out: ValidatorSecrets = {}
    let sawKeychain = false
    for (const key of KEYS) {
      const e = entries[`validator.${key}`]
      if (!e) continue
      if ('plain' in e && typeof e.plain === 'string') out[key] = e.plain
      else if ('keychain' in e && typeof e.keychain === 'string') {
        sawKeychain = true
        if (!this.vault) {
          this.log?.warn('A validator secret is encrypted by the desktop app’s OS keychain; this engine cannot read it. Set it again here, or run the desktop app.', { key })
          continue
        }
        try {
          out[key] = await this.vault.decrypt(e.keychain)
        } catch (error) {
          this.log?.warn('The OS keychain could not decrypt a validator secret; set it again in the validator settings.', { key, error: String(error) })
        }
      }
    }
    if (sawKeychain && this.vault) this.keychain = true
    else await this.useKeychain()
    return out
  }

  async save(secrets: ValidatorSecrets): Promise<void> {
    const keychain = await this.useKeychain()
    const all = this.read()
    for (const key of KEYS) {
      const value = secrets[key]
      const name = `validator.${key}`
      if (!value) delete all.entries[name]
      else all.entries[name] = keychain ? { keychain: await this.vault!.encrypt(value) } : { plain: value }
    }
    this.write(all)
  }
}
