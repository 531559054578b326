import { sentence, translateErrors } from '../../base'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { checkAddress, sr25519Sign } from '@polkadot/util-crypto'
import { EXISTENTIAL_DEPOSIT_RAO, EngineError, REVEAL_TTL_MS, formatPrice, formatTao, passwordStrength } from '../../contract'
import type { ActivityEntry, Estimate, EventName, EventPayload, ExtrinsicEvent, Handlers, KeyRole, RevealedMnemonic, WalletBalances, WalletCall, WalletList, WalletSummary } from '../../contract'
import type { Logger } from '../../platform/logging'
import type { Store } from '../../platform/store'
import { WalletActivityTable } from './activity-table'
import type { NewActivity } from './activity-table'
import { CHAIN_NOT_CONFIGURED } from './chain-port'
import type { ExtrinsicOutcome, WalletChainPort, WalletChainSource } from './chain-port'
import type { Signer } from '../../bittensor/keys/signer'
import { COMMON_PASSWORD_PROBLEM, isCommonPassword } from './common-passwords'
import { explainStakeRefusal, priceCall, slippageSetting } from './stake-price'
import { envPasswordFor, envPasswordVariable } from '../../bittensor/keys/env-password'
import { RememberedPasswords } from '../../platform/secrets/secret-vault'
import type { SecretVault } from '../../platform/secrets/secret-vault'
import { BTCLI_KDF, FERNET_ADVICE, KeyfileEncryptionError, ansibleVaultDecrypt, detectFormat, passwordBytes } from '../../bittensor/keys/encryption'
import type { KdfParams } from '../../bittensor/keys/encryption'
import { naclDecrypt, naclEncrypt } from '../../bittensor/keys/kdf-client'
import type { KdfProgress } from '../../bittensor/keys/kdf-client'
import { parseKeyfileJson, publicKeyfileJson, secretKeyfileJson } from '../../bittensor/keys/keyfile'
import { readKeyfileBytes } from '../../bittensor/keys/read-keyfile'
import { KeyError, generateMnemonic, keyFromMnemonic, ss58, wipe } from '../../bittensor/keys/keys'
import type { KeyMaterial, MnemonicLength } from '../../bittensor/keys/keys'
import { WalletFsError, checkName, defaultWalletsDir, expandHome, listWallets, readWallet, walletPaths, writeKeyfile } from '../../bittensor/keys/wallet-fs'
import type { KeyfileInfo, WalletInfo } from '../../bittensor/keys/wallet-fs'

const DIRECTORY_SETTING = 'wallet.directory'
const CHECKS_PER_PHRASE = 3

export interface WalletServiceOptions {
  readonly store: Store
  readonly log: Logger
  readonly fire: <E extends EventName>(event: E, payload: EventPayload<E>) => void
  /** Overrides the stored/default wallets folder (CLI --wallets-dir). */
  readonly directory?: string
  /**
   * TESTS ONLY. Files written with anything but BTCLI_KDF cannot be read by btcli, so nothing
   * outside tests passes this (createEngine does not accept it).
   */
  readonly insecureKdfForTests?: KdfParams
  /** The chain for balances, stake, transfers and staking (absent: those report what is missing). */
  readonly chain?: WalletChainSource
  /** Desktop app only: the OS keychain for "remember password". Never given in headless mode. */
  readonly vault?: SecretVault
  /** Where btcli's BT_PW_* password variables are read from (default: process.env). */
  readonly env?: NodeJS.ProcessEnv
}

interface Unlocked {
  readonly key: KeyMaterial
  readonly address: string
  readonly until: number
  readonly timer: NodeJS.Timeout
}

interface PendingReveal {
  readonly wallet: string
  phrases: { role: KeyRole; name: string; words: string[] }[] | undefined
  checks: { role: KeyRole; position: number; word: string }[]
  readonly expires: number
}

const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex')

/** Maps a core error to what crosses the boundary. */
export function toEngineError(error: unknown): unknown {
  if (error instanceof EngineError) return error
  if (error instanceof KeyfileEncryptionError) {
    const code = { WRONG_PASSWORD: 'WRONG_PASSWORD', CORRUPT: 'BAD_REQUEST', UNSUPPORTED: 'BAD_REQUEST', OUT_OF_MEMORY: 'OUT_OF_MEMORY', EMPTY_PASSWORD: 'BAD_REQUEST' } as const
    return new EngineError(code[error.code], error.message)
  }
  if (error instanceof WalletFsError) {
    const code = { BAD_NAME: 'BAD_REQUEST', EXISTS: 'ALREADY_EXISTS', NOT_FOUND: 'NOT_FOUND', IO: 'INTERNAL' } as const
    return new EngineError(code[error.code], error.message)
  }
  if (error instanceof KeyError) return new EngineError('BAD_REQUEST', error.message)
  return error
}

/**
 * Wallets in the engine: reads and writes btcli's files, keeps unlocked coldkeys in memory for
 * a chosen time and wipes them. Everything it returns is public (names, addresses, public keys),
 * except `revealMnemonic`, the single-use reveal of a phrase it has just generated.
 */
export class WalletService {
  private readonly activityTable: WalletActivityTable
  private readonly unlocked = new Map<string, Unlocked>()
  private readonly reveals = new Map<string, PendingReveal>()
  private readonly kdf: KdfParams
  private directoryOverride: string | undefined
  private readonly remembered: RememberedPasswords
  private vaultAvailable = false
  private vaultUnavailableReason: string | null = null
  private readonly inFlight = new Set<Promise<unknown>>()

  constructor(private readonly o: WalletServiceOptions) {
    this.activityTable = new WalletActivityTable(o.store.db)
    this.kdf = o.insecureKdfForTests ?? BTCLI_KDF
    this.directoryOverride = o.directory ? path.resolve(expandHome(o.directory)) : undefined
    this.remembered = new RememberedPasswords(path.join(path.dirname(o.store.file), 'wallet-remembered.json'))
    if (o.vault) {
      void o.vault.whyUnavailable().then((reason) => {
        this.vaultAvailable = reason === null
        this.vaultUnavailableReason = reason
        this.changed()
      })
    }
  }

  directory(): string {
    if (this.directoryOverride) return this.directoryOverride
    const stored = this.o.store.settings.readAll()[DIRECTORY_SETTING]
    return typeof stored === 'string' && stored ? stored : defaultWalletsDir()
  }

  setDirectory(dir: string): WalletList {
    const resolved = path.resolve(expandHome(dir.trim()))
    if (fs.existsSync(resolved) && !fs.statSync(resolved).isDirectory()) throw new EngineError('BAD_REQUEST', `${resolved} is a file, not a folder.`)
    this.lockAll()
    this.directoryOverride = undefined
    this.o.store.settings.writeMany({ [DIRECTORY_SETTING]: resolved })
    const list = this.list()
    this.record({ wallet: '*', kind: 'directory-changed', message: `Wallets folder set to ${resolved} (${list.wallets.length} wallets)` })
    this.o.fire('wallet.changed', list)
    return list
  }

  list(): WalletList {
    const directory = this.directory()
    return { directory, wallets: listWallets(directory).map((w) => this.summary(w)), rememberAvailable: this.vaultAvailable, rememberUnavailableReason: this.vaultUnavailableReason }
  }

  get(name: string): WalletSummary {
    return this.summary(readWallet(this.directory(), checkName(name, 'wallet')))
  }

  private summary(w: WalletInfo): WalletSummary {
    const key = (k: KeyfileInfo) => ({ address: k.address, publicKey: k.publicKey, format: k.format, problem: k.format === 'fernet' ? FERNET_ADVICE : k.problem })
    const u = this.unlocked.get(w.name)
    return {
      name: w.name,
      path: w.path,
      coldkey: key(w.coldkey),
      hotkeys: w.hotkeys.map((h) => ({ name: h.name, ...key(h) })),
      unlockedUntil: u ? u.until : null,
      remembered: this.o.vault !== undefined && this.remembered.has(path.join(w.path, 'coldkey')),
    }
  }

  private changed(): void {
    try {
      this.o.fire('wallet.changed', this.list())
    } catch (error) {
      this.o.log.warn('Could not list wallets after a change', { error: String(error) })
    }
  }

  private record(a: NewActivity): ActivityEntry {
    const entry = this.activityTable.record(a)
    this.o.fire('wallet.activity', entry)
    return entry
  }

  activity(name: string | undefined, limit: number): ActivityEntry[] {
    return this.activityTable.list(name, limit)
  }

  private checkNewPassword(password: string): void {
    const strength = passwordStrength(password.trim())
    if (!strength.ok) throw new EngineError('BAD_REQUEST', `The password is too weak: ${strength.problems.join(' ')}`)
    if (isCommonPassword(password)) throw new EngineError('BAD_REQUEST', `The password is too weak: ${COMMON_PASSWORD_PROBLEM}`)
  }

  private async writeColdkey(walletsDir: string, name: string, key: KeyMaterial, password: string, overwrite: boolean): Promise<void> {
    const p = walletPaths(walletsDir, name)
    if (!overwrite && (fs.existsSync(p.coldkey) || fs.existsSync(p.coldkeypub))) {
      throw new WalletFsError('EXISTS', `Wallet "${name}" already has a coldkey in ${p.dir}. Pick another name, or regenerate with overwrite if you really mean to replace it.`)
    }
    const plaintext = new TextEncoder().encode(secretKeyfileJson(key))
    const sealed = await naclEncrypt(password, plaintext, { params: this.kdf })
    plaintext.fill(0)
    writeKeyfile(p.coldkey, sealed, overwrite)
    writeKeyfile(p.coldkeypub, publicKeyfileJson(key.publicKey), true)
  }

  private async writeHotkey(walletsDir: string, name: string, hotkey: string, key: KeyMaterial, password: string | undefined, overwrite: boolean): Promise<void> {
    const p = walletPaths(walletsDir, name)
    if (!overwrite && (fs.existsSync(p.hotkey(hotkey)) || fs.existsSync(p.hotkeypub(hotkey)))) {
      throw new WalletFsError('EXISTS', `Wallet "${name}" already has a hotkey "${hotkey}". Pick another hotkey name.`)
    }
    const plaintext = new TextEncoder().encode(secretKeyfileJson(key))
    const data = password ? await naclEncrypt(password, plaintext, { params: this.kdf }) : plaintext
    writeKeyfile(p.hotkey(hotkey), data, overwrite)
    plaintext.fill(0)
    writeKeyfile(p.hotkeypub(hotkey), publicKeyfileJson(key.publicKey), true)
  }

  private newReveal(wallet: string, phrases: { role: KeyRole; name: string; words: string[] }[]): string {
    this.sweepReveals()
    const checks: PendingReveal['checks'] = []
    for (const phrase of phrases) {
      const positions = new Set<number>()
      while (positions.size < Math.min(CHECKS_PER_PHRASE, phrase.words.length)) positions.add(crypto.randomInt(1, phrase.words.length + 1))
      for (const position of [...positions].sort((a, b) => a - b)) checks.push({ role: phrase.role, position, word: phrase.words[position - 1]! })
    }
    const token = crypto.randomBytes(32).toString('hex')
    this.reveals.set(sha256(token), { wallet, phrases, checks, expires: Date.now() + REVEAL_TTL_MS })
    return token
  }

  private sweepReveals(): void {
    const now = Date.now()
    for (const [k, r] of this.reveals) if (r.expires < now) this.reveals.delete(k)
  }

  async create(p: { name: string; hotkey: string; words: MnemonicLength; password: string }): Promise<{ wallet: WalletSummary; revealToken: string }> {
    const name = checkName(p.name, 'wallet')
    const hotkey = checkName(p.hotkey, 'hotkey')
    this.checkNewPassword(p.password)
    const dir = this.directory()
    const paths = walletPaths(dir, name)
    if (fs.existsSync(paths.coldkey) || fs.existsSync(paths.coldkeypub)) {
      throw new WalletFsError('EXISTS', `A wallet named "${name}" already exists in ${dir}. Pick another name.`)
    }
    const coldMnemonic = generateMnemonic(p.words)
    const hotMnemonic = generateMnemonic(p.words)
    const cold = keyFromMnemonic(coldMnemonic)
    const hot = keyFromMnemonic(hotMnemonic)
    try {
      await this.writeColdkey(dir, name, cold, p.password, false)
      await this.writeHotkey(dir, name, hotkey, hot, undefined, false)
    } finally {
      wipe(cold)
      wipe(hot)
    }
    this.o.log.info('Wallet created', { wallet: name, hotkey, coldkey: ss58(cold.publicKey) })
    this.record({ wallet: name, kind: 'created', message: `Created wallet "${name}" with hotkey "${hotkey}"`, address: ss58(cold.publicKey) })
    const revealToken = this.newReveal(name, [
      { role: 'coldkey', name, words: coldMnemonic.split(' ') },
      { role: 'hotkey', name: hotkey, words: hotMnemonic.split(' ') },
    ])
    this.changed()
    return { wallet: this.get(name), revealToken }
  }

  async newHotkey(p: { name: string; hotkey: string; words: MnemonicLength; password?: string }): Promise<{ wallet: WalletSummary; revealToken: string }> {
    const name = checkName(p.name, 'wallet')
    const hotkey = checkName(p.hotkey, 'hotkey')
    const dir = this.directory()
    readWallet(dir, name)
    if (p.password !== undefined) this.checkNewPassword(p.password)
    const mnemonic = generateMnemonic(p.words)
    const key = keyFromMnemonic(mnemonic)
    try {
      await this.writeHotkey(dir, name, hotkey, key, p.password, false)
    } finally {
      wipe(key)
    }
    this.record({ wallet: name, kind: 'hotkey-added', message: `Added hotkey "${hotkey}"${p.password ? ' (encrypted)' : ''}`, address: ss58(key.publicKey) })
    const revealToken = this.newReveal(name, [{ role: 'hotkey', name: hotkey, words: mnemonic.split(' ') }])
    this.changed()
    return { wallet: this.get(name), revealToken }
  }

  revealMnemonic(token: string): RevealedMnemonic {
    this.sweepReveals()
    const pending = this.reveals.get(sha256(token))
    if (!pending || !pending.phrases) {
      throw new EngineError('NOT_FOUND', 'This recovery phrase was already shown (it is shown once) or the link expired. If you did not write it down, create the wallet again or keep using it and back up the coldkey file.')
    }
    const phrases = pending.phrases
    pending.phrases = undefined
    return { wallet: pending.wallet, phrases, checks: pending.checks.map(({ role, position }) => ({ role, position })) }
  }

  confirmBackup(token: string, answers: readonly { role: KeyRole; position: number; word: string }[]): { confirmed: boolean; wrong: { role: KeyRole; position: number }[] } {
    this.sweepReveals()
    const key = sha256(token)
    const pending = this.reveals.get(key)
    if (!pending) throw new EngineError('NOT_FOUND', 'There is no backup check pending for this token (it expired or was completed).')
    const wrong = pending.checks
      .filter((c) => {
        const answer = answers.find((a) => a.role === c.role && a.position === c.position)
        return !answer || answer.word.trim().toLowerCase() !== c.word
      })
      .map(({ role, position }) => ({ role, position }))
    if (wrong.length === 0) {
      this.reveals.delete(key)
      this.record({ wallet: pending.wallet, kind: 'backup-confirmed', message: 'Recovery phrase backup confirmed' })
    }
    return { confirmed: wrong.length === 0, wrong }
  }

  async regen(p: { name: string; role: KeyRole; hotkey: string; mnemonic: string; password?: string; overwrite: boolean }): Promise<WalletSummary> {
    const name = checkName(p.name, 'wallet')
    const dir = this.directory()
    const key = keyFromMnemonic(p.mnemonic)
    try {
      if (p.role === 'coldkey') {
        if (p.password === undefined) throw new EngineError('BAD_REQUEST', 'A coldkey is always stored encrypted: give a password.')
        this.checkNewPassword(p.password)
        this.lock(name)
        await this.writeColdkey(dir, name, key, p.password, p.overwrite)
      } else {
        const hotkey = checkName(p.hotkey, 'hotkey')
        if (p.password !== undefined) this.checkNewPassword(p.password)
        await this.writeHotkey(dir, name, hotkey, key, p.password, p.overwrite)
      }
    } finally {
      wipe(key)
    }
    const what = p.role === 'coldkey' ? 'coldkey' : `hotkey "${p.hotkey}"`
    this.record({ wallet: name, kind: 'regenerated', message: `Restored the ${what} from its recovery phrase`, address: ss58(key.publicKey) })
    this.changed()
    return this.get(name)
  }

  /** Copies btcli wallets from another folder into the current one; never overwrites. */
  importFrom(source: string): { imported: string[]; skipped: { name: string; reason: string }[] } {
    const from = path.resolve(expandHome(source.trim()))
    const to = this.directory()
    if (!fs.existsSync(from) || !fs.statSync(from).isDirectory()) throw new EngineError('NOT_FOUND', `${from} is not a folder.`)
    if (from === to) throw new EngineError('BAD_REQUEST', 'That is already the wallets folder TaoDesk uses.')
    const imported: string[] = []
    const skipped: { name: string; reason: string }[] = []
    for (const w of listWallets(from)) {
      if (fs.existsSync(path.join(to, w.name))) {
        skipped.push({ name: w.name, reason: `a wallet named "${w.name}" already exists in ${to}` })
        continue
      }
      try {
        checkName(w.name, 'wallet')
        copyTree(w.path, path.join(to, w.name))
        imported.push(w.name)
        this.record({ wallet: w.name, kind: 'imported', message: `Imported from ${from}`, address: w.coldkey.address })
      } catch (error) {
        skipped.push({ name: w.name, reason: error instanceof Error ? error.message : String(error) })
      }
    }
    this.changed()
    return { imported, skipped }
  }

  /**
   * Decrypts a coldkey into engine memory until `minutes` have passed. A wrong password leaves
   * the file untouched (it is only read). Progress of the seconds-long hashing goes out as
   * `wallet.unlockProgress` events.
   */
  async unlock(p: { name: string; password?: string; minutes: number; remember?: boolean }): Promise<{ name: string; address: string; unlockedUntil: number }> {
    const name = checkName(p.name, 'wallet')
    const paths = walletPaths(this.directory(), name)
    const data = readKeyfileBytes(paths.coldkey, `The coldkey of wallet "${name}"`, `Wallet "${name}" has no coldkey file (${paths.coldkey}); it is watch-only here.`)
    if (p.remember && !this.o.vault) {
      throw new EngineError('BAD_REQUEST', 'Remembering a password needs the desktop app and its OS keychain; TaoDesk never stores passwords when it runs headless.')
    }
    // Refused before the password is hashed: on Linux without a keyring the "keychain" is a public key.
    const keychainProblem = p.remember && p.password !== undefined ? await this.o.vault?.whyUnavailable() : null
    if (keychainProblem) throw new EngineError('BAD_REQUEST', keychainProblem)
    const format = detectFormat(data)
    const publicAddress = this.publicAddress(paths.coldkeypub)
    let password = p.password
    let source: 'typed' | 'remembered' | 'environment' = 'typed'
    if (password === undefined && format !== 'plaintext') {
      const stored = this.o.vault && publicAddress ? this.remembered.get(paths.coldkey, publicAddress) : undefined
      if (stored && this.o.vault) {
        try {
          password = await this.o.vault.decrypt(stored)
          source = 'remembered'
        } catch (error) {
          this.o.log.warn('The OS keychain could not decrypt a remembered password', { wallet: name, error: String(error) })
        }
      }
      if (password === undefined) {
        try {
          password = envPasswordFor(paths.coldkey, this.o.env ?? process.env)
        } catch (error) {
          throw new EngineError('BAD_REQUEST', error instanceof Error ? error.message : String(error))
        }
        if (password !== undefined) source = 'environment'
      }
      if (password === undefined) {
        throw new EngineError('BAD_REQUEST', `Type the coldkey password of "${name}" (or set ${envPasswordVariable(paths.coldkey)} as btcli does).`)
      }
    }
    const typed = password ?? ''
    const progress = (phase: 'deriving' | 'done' | 'failed', prog: KdfProgress, message?: string): void =>
      this.o.fire('wallet.unlockProgress', { wallet: name, phase, elapsedMs: prog.elapsedMs, estimatedMs: prog.estimatedMs, ...(message ? { message } : {}) })
    let plaintext: Uint8Array
    const started = Date.now()
    try {
      if (format === 'nacl') plaintext = await naclDecrypt(typed, data, { params: this.kdf, onProgress: (pr) => progress('deriving', pr) })
      else if (format === 'ansible') plaintext = ansibleVaultDecrypt(data, passwordBytes(typed))
      else if (format === 'fernet') throw new EngineError('BAD_REQUEST', FERNET_ADVICE)
      else plaintext = Uint8Array.from(data)
    } catch (error) {
      let mapped = toEngineError(error)
      if (source === 'remembered' && mapped instanceof EngineError && mapped.code === 'WRONG_PASSWORD') {
        this.remembered.delete(paths.coldkey)
        mapped = new EngineError('WRONG_PASSWORD', 'The remembered password no longer opens this coldkey (was it changed?), so TaoDesk forgot it. Type the password.')
      } else if (source === 'environment' && mapped instanceof EngineError && mapped.code === 'WRONG_PASSWORD') {
        mapped = new EngineError('WRONG_PASSWORD', `The password in ${envPasswordVariable(paths.coldkey)} does not open this coldkey. Fix or unset the variable.`)
      }
      const message = mapped instanceof Error ? mapped.message : String(mapped)
      progress('failed', { elapsedMs: Date.now() - started, estimatedMs: 0 }, message)
      this.record({ wallet: name, kind: 'unlock-failed', message: `Unlock failed: ${message}`, status: 'failed' })
      throw mapped
    }
    let key: KeyMaterial | undefined
    try {
      const parsed = parseKeyfileJson(new TextDecoder().decode(plaintext), `The coldkey of "${name}"`)
      if (!parsed.key) throw new KeyError(`The coldkey file of "${name}" holds no secret key (public only).`)
      // Keep only the two byte arrays (wipeable); drop the phrase and seed now.
      key = { publicKey: parsed.key.publicKey, secretKey: parsed.key.secretKey }
      parsed.key.seed?.fill(0)
      const pub = fs.existsSync(paths.coldkeypub) ? parseKeyfileJson(readKeyfileBytes(paths.coldkeypub, `coldkeypub.txt of wallet "${name}"`, '').toString('utf8'), 'coldkeypub.txt') : undefined
      if (pub && pub.address !== parsed.address) {
        throw new KeyError(`The coldkey of "${name}" (${parsed.address}) does not match its coldkeypub.txt (${pub.address}). Check which file is right before using this wallet.`)
      }
    } catch (error) {
      wipe(key)
      progress('failed', { elapsedMs: Date.now() - started, estimatedMs: 0 })
      throw toEngineError(error)
    } finally {
      plaintext.fill(0)
    }
    this.lock(name, false)
    const until = Date.now() + p.minutes * 60_000
    const timer = setTimeout(() => this.lock(name), p.minutes * 60_000)
    timer.unref()
    const address = ss58(key.publicKey)
    this.unlocked.set(name, { key, address, until, timer })
    progress('done', { elapsedMs: Date.now() - started, estimatedMs: Date.now() - started })
    this.o.log.info('Coldkey unlocked', { wallet: name, minutes: p.minutes, source })
    let rememberNote = ''
    if (p.remember && this.o.vault && password !== undefined && source === 'typed') {
      try {
        this.remembered.set(paths.coldkey, address, await this.o.vault.encrypt(password))
        rememberNote = '; password remembered in the OS keychain'
      } catch (error) {
        rememberNote = `; the password could not be remembered (${error instanceof Error ? error.message : String(error)})`
      }
    }
    const via = source === 'remembered' ? ' with the remembered password' : source === 'environment' ? ` with ${envPasswordVariable(paths.coldkey)}` : ''
    this.record({ wallet: name, kind: 'unlocked', message: `Coldkey unlocked for ${p.minutes} min${via}${rememberNote}`, address })
    this.o.fire('wallet.lockChanged', { wallet: name, unlockedUntil: until })
    return { name, address, unlockedUntil: until }
  }

  private publicAddress(pubfile: string): string | null {
    try {
      return fs.existsSync(pubfile) ? parseKeyfileJson(fs.readFileSync(pubfile, 'utf8'), 'coldkeypub.txt').address : null
    } catch {
      return null
    }
  }

  /** Forgets remembered passwords (one wallet, or all). */
  forget(name: string | undefined): string[] {
    if (name === undefined) {
      const removed = this.remembered.delete()
      if (removed.length > 0) this.changed()
      return removed.map((p) => path.basename(path.dirname(p)))
    }
    const n = checkName(name, 'wallet')
    const removed = this.remembered.delete(walletPaths(this.directory(), n).coldkey)
    if (removed.length > 0) {
      this.record({ wallet: n, kind: 'locked', message: 'Remembered password removed from the OS keychain' })
      this.changed()
    }
    return removed.length > 0 ? [n] : []
  }

  // ---------- money: balances, stake, transfer, add/remove stake ----------
  private async port(): Promise<WalletChainPort> {
    if (!this.o.chain) throw new EngineError('NOT_FOUND', CHAIN_NOT_CONFIGURED)
    try {
      return await this.o.chain.port()
    } catch (error) {
      throw new EngineError('DISCONNECTED', sentence('Could not connect to the Bittensor network', error))
    }
  }

  private coldkeyAddress(w: WalletSummary): string {
    if (!w.coldkey.address) throw new EngineError('BAD_REQUEST', `The coldkey address of "${w.name}" is unknown (no readable coldkeypub.txt).`)
    return w.coldkey.address
  }

  private async chainRead<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      if (error instanceof EngineError) throw error
      throw new EngineError('DISCONNECTED', sentence(`Could not read ${what} from the chain`, error))
    }
  }

  async balances(name: string): Promise<WalletBalances> {
    const w = this.get(name)
    const coldkey = this.coldkeyAddress(w)
    const port = await this.port()
    const hotkeyNames = new Map(w.hotkeys.filter((h) => h.address).map((h) => [h.address!, h.name]))
    const [free, stakes] = await Promise.all([
      this.chainRead('the balance', () => port.freeBalance(coldkey)),
      this.chainRead('the stake', () => port.stakes(coldkey, [...hotkeyNames.keys()])),
    ])
    return {
      wallet: w.name,
      network: port.info.network,
      endpoint: port.info.endpoint,
      coldkey,
      free,
      stakes: stakes.map((s) => ({ ...s, hotkeyName: hotkeyNames.get(s.hotkey) ?? null })),
      readAt: Date.now(),
    }
  }

  private checkCall(call: WalletCall): void {
    const addr = call.kind === 'transfer' ? call.to : call.hotkey
    const [ok, why] = checkAddress(addr, 42)
    if (!ok) throw new EngineError('BAD_REQUEST', `${addr} is not a Bittensor address (SS58 format 42, starting with 5): ${why ?? 'invalid'}.`)
  }

  describeCall(call: WalletCall): string {
    const amount = formatTao(call.amount)
    if (call.kind === 'transfer') return `Transfer ${amount} TAO to ${call.to}`
    const limit = call.limitPrice === undefined ? '' : ` (price limit ${call.kind === 'stake' ? 'at most' : 'at least'} ${formatPrice(call.limitPrice)})`
    if (call.kind === 'stake') return `Stake ${amount} TAO to hotkey ${call.hotkey} on subnet ${call.netuid}${limit}`
    return `Unstake ${amount} alpha from hotkey ${call.hotkey} on subnet ${call.netuid}${limit}`
  }

  /** The slippage tolerance of stakes and unstakes (settings `stakeSlippagePercent`, default 0.5 %). */
  slippagePercent(): number {
    return slippageSetting(this.o.store.settings.readAll())
  }

  /** The call with its limit price (a stake or unstake without one gets the current price ± the tolerance). */
  private priced(port: WalletChainPort, call: WalletCall, slippagePercent = this.slippagePercent()) {
    return this.chainRead('the alpha price', () => priceCall(port, call, slippagePercent))
  }

  async estimate(name: string, unpriced: WalletCall, slippagePercent?: number): Promise<Estimate> {
    this.checkCall(unpriced)
    const w = this.get(name)
    const from = this.coldkeyAddress(w)
    const port = await this.port()
    const { call, price } = await this.priced(port, unpriced, slippagePercent)
    const [fee, freeText, stakes] = await Promise.all([
      this.chainRead('the fee', () => port.estimateFee(from, call)),
      this.chainRead('the balance', () => port.freeBalance(from)),
      call.kind === 'unstake' ? this.chainRead('the stake', () => port.stakes(from, [call.hotkey])) : Promise.resolve([]),
    ])
    const free = BigInt(freeText)
    const amount = BigInt(call.amount)
    const feeRao = fee.feeRao === null ? null : BigInt(fee.feeRao)
    const outgoing = call.kind === 'unstake' ? (feeRao ?? 0n) : amount + (feeRao ?? 0n)
    let enough: boolean | null
    if (call.kind === 'unstake') {
      const staked = stakes.find((s) => s.hotkey === call.hotkey && s.netuid === call.netuid)
      enough = BigInt(staked?.alpha ?? '0') >= amount && (feeRao === null ? null : free >= feeRao) !== false
    } else {
      enough = free >= outgoing + EXISTENTIAL_DEPOSIT_RAO ? (feeRao === null ? null : true) : false
    }
    return {
      network: port.info.network,
      endpoint: port.info.endpoint,
      fee: fee.feeRao,
      note: fee.note,
      free: freeText,
      total: outgoing.toString(),
      enough,
      summary: `${this.describeCall(call)} on ${port.info.network}`,
      price,
      call,
    }
  }

  /**
   * Signs with the unlocked coldkey and submits. Returns the activity id at once; the returned
   * `done` promise settles with the outcome (the engine handler does not wait for it, the CLI does).
   */
  async submit(name: string, unpriced: WalletCall): Promise<{ id: number; done: Promise<ExtrinsicOutcome> }> {
    this.checkCall(unpriced)
    const n = checkName(name, 'wallet')
    const signer = this.coldkeySigner(n)
    const port = await this.port()
    const { call } = await this.priced(port, unpriced)
    const summary = `${this.describeCall(call)} on ${port.info.network}`
    const entry = this.record({ wallet: n, kind: call.kind, message: summary, address: signer.address, status: 'pending' })
    const base = { id: entry.id, wallet: n, kind: call.kind }
    const fire = (e: Omit<ExtrinsicEvent, 'id' | 'wallet' | 'kind'>): void => this.o.fire('wallet.extrinsic', { ...base, ...e })
    this.o.log.info('Submitting extrinsic', { wallet: n, kind: call.kind, network: port.info.network, activity: entry.id })
    const done = (async (): Promise<ExtrinsicOutcome> => {
      let outcome: ExtrinsicOutcome
      try {
        outcome = await port.submit(signer, call, (u) => fire({ stage: u.stage, ...(u.txHash ? { txHash: u.txHash } : {}), ...(u.blockHash ? { blockHash: u.blockHash } : {}) }))
      } catch (error) {
        const mapped = toEngineError(error)
        const message = mapped instanceof Error ? mapped.message : String(mapped)
        outcome = { ok: false, errorCode: mapped instanceof EngineError ? mapped.code : 'Client.Error', error: message }
      }
      const advice = outcome.ok ? undefined : explainStakeRefusal(call, outcome.errorCode)
      if (!outcome.ok && advice) outcome = { ...outcome, error: `${advice} (The chain said: ${outcome.error})` }
      if (outcome.ok) {
        fire({ stage: 'finalized', txHash: outcome.txHash, blockHash: outcome.blockHash, blockNumber: outcome.blockNumber })
        this.updateActivity(entry.id, `${summary}: finalized in block #${outcome.blockNumber} (${outcome.blockHash})`, 'ok')
        this.o.log.info('Extrinsic finalized', { wallet: n, kind: call.kind, block: outcome.blockNumber, activity: entry.id })
      } else {
        fire({ stage: 'failed', errorCode: outcome.errorCode, error: outcome.error, ...(outcome.blockHash ? { blockHash: outcome.blockHash } : {}) })
        this.updateActivity(entry.id, `${summary}: failed with ${outcome.errorCode}: ${outcome.error}`, 'failed')
        this.o.log.warn('Extrinsic failed', { wallet: n, kind: call.kind, code: outcome.errorCode, error: outcome.error, activity: entry.id })
      }
      return outcome
    })()
    this.inFlight.add(done)
    void done.finally(() => this.inFlight.delete(done))
    return { id: entry.id, done }
  }

  private updateActivity(id: number, message: string, status: ActivityEntry['status']): void {
    const updated = this.activityTable.update(id, { message, status })
    if (updated) this.o.fire('wallet.activity', updated)
  }

  /** Waits for extrinsics still in flight (engine shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight])
  }

  /** Wipes an unlocked coldkey. Returns whether it was unlocked. */
  lock(name: string, announce = true): boolean {
    const u = this.unlocked.get(name)
    if (!u) return false
    clearTimeout(u.timer)
    wipe(u.key)
    this.unlocked.delete(name)
    if (announce) {
      this.o.log.info('Coldkey locked and wiped', { wallet: name })
      this.record({ wallet: name, kind: 'locked', message: 'Coldkey locked; its key was wiped from memory', address: u.address })
      this.o.fire('wallet.lockChanged', { wallet: name, unlockedUntil: null })
    }
    return true
  }

  lockAll(): string[] {
    return [...this.unlocked.keys()].filter((n) => this.lock(n))
  }

  isUnlocked(name: string): boolean {
    return this.unlocked.has(name)
  }

  /** For the chain client: signs with an unlocked coldkey; fails clearly once it is locked. */
  coldkeySigner(name: string): Signer {
    const u = this.unlocked.get(name)
    if (!u) throw new EngineError('LOCKED', `The coldkey of "${name}" is locked. Unlock it with its password first.`)
    return {
      address: u.address,
      publicKey: Uint8Array.from(u.key.publicKey),
      sign: (message) => {
        const current = this.unlocked.get(name)
        if (current !== u) throw new EngineError('LOCKED', `The coldkey of "${name}" was locked; unlock it again.`)
        return sr25519Sign(message, { publicKey: u.key.publicKey, secretKey: u.key.secretKey })
      },
    }
  }

  dispose(): void {
    this.lockAll()
    this.reveals.clear()
  }

  handlers(): Pick<
    Handlers,
    | 'wallet.list'
    | 'wallet.get'
    | 'wallet.create'
    | 'wallet.newHotkey'
    | 'wallet.revealMnemonic'
    | 'wallet.confirmBackup'
    | 'wallet.regen'
    | 'wallet.unlock'
    | 'wallet.lock'
    | 'wallet.setDirectory'
    | 'wallet.import'
    | 'wallet.activity'
    | 'wallet.forget'
    | 'wallet.balances'
    | 'wallet.estimate'
    | 'wallet.submit'
  > {
    const guard = translateErrors(toEngineError)
    return {
      'wallet.list': guard(() => this.list()),
      'wallet.get': guard(({ name }) => this.get(name)),
      'wallet.create': guard((p) => this.create({ ...p, words: p.words as MnemonicLength })),
      'wallet.newHotkey': guard((p) => this.newHotkey({ ...p, words: p.words as MnemonicLength })),
      'wallet.revealMnemonic': guard(({ token }) => this.revealMnemonic(token)),
      'wallet.confirmBackup': guard(({ token, answers }) => this.confirmBackup(token, answers)),
      'wallet.regen': guard((p) => this.regen(p)),
      'wallet.unlock': guard((p) => this.unlock(p)),
      'wallet.lock': guard(({ name }) => ({ locked: name === undefined ? this.lockAll() : this.lock(checkName(name, 'wallet')) ? [name] : [] })),
      'wallet.setDirectory': guard(({ path: dir }) => this.setDirectory(dir)),
      'wallet.import': guard(({ path: dir }) => this.importFrom(dir)),
      'wallet.activity': guard(({ name, limit }) => this.activity(name, limit)),
      'wallet.forget': guard(({ name }) => ({ forgotten: this.forget(name) })),
      'wallet.balances': guard(({ name }) => this.balances(name)),
      'wallet.estimate': guard(({ name, call, slippagePercent }) => this.estimate(name, call, slippagePercent)),
      'wallet.submit': guard(async ({ name, call }) => ({ id: (await this.submit(name, call)).id })),
    }
  }
}

function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 })
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name)
    const dst = path.join(to, entry.name)
    if (entry.isDirectory()) copyTree(src, dst)
    else if (entry.isFile()) {
      fs.copyFileSync(src, dst, fs.constants.COPYFILE_EXCL)
      fs.chmodSync(dst, 0o600)
    }
  }
}
