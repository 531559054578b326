import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { KEY_NAME_RULE, isKeyName } from '../../contract/wallet'
import { detectFormat } from './encryption'
import type { KeyfileFormat } from './encryption'
import { parseKeyfileJson } from './keyfile'
import { hex, wipe } from './keys'

/** btcli's default wallets folder. */
export function defaultWalletsDir(): string {
  return path.join(os.homedir(), '.bittensor', 'wallets')
}

export function expandHome(p: string): string {
  if (p === '~') return os.homedir()
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(os.homedir(), p.slice(2))
  return p
}

/** Names become file names: refuse separators, dot names and odd characters (the contract's KeyName rule). */
export function checkName(name: string, what: 'wallet' | 'hotkey'): string {
  if (!isKeyName(name) || (what === 'hotkey' && name.endsWith('pub.txt'))) {
    throw new WalletFsError('BAD_NAME', `"${name}" cannot be a ${what} name: ${KEY_NAME_RULE}.`)
  }
  return name
}

export class WalletFsError extends Error {
  constructor(
    readonly code: 'BAD_NAME' | 'EXISTS' | 'NOT_FOUND' | 'IO',
    message: string,
  ) {
    super(message)
    this.name = 'WalletFsError'
  }
}

export interface WalletPaths {
  readonly dir: string
  readonly coldkey: string
  readonly coldkeypub: string
  readonly hotkeysDir: string
  hotkey(name: string): string
  hotkeypub(name: string): string
}

export function walletPaths(walletsDir: string, name: string): WalletPaths {
  const dir = path.join(walletsDir, name)
  const hotkeysDir = path.join(dir, 'hotkeys')
  return {
    dir,
    coldkey: path.join(dir, 'coldkey'),
    coldkeypub: path.join(dir, 'coldkeypub.txt'),
    hotkeysDir,
    hotkey: (h) => path.join(hotkeysDir, h),
    hotkeypub: (h) => path.join(hotkeysDir, `${h}pub.txt`),
  }
}

/**
 * Writes a keyfile with mode 0600: a temporary file in the same folder, flushed, then renamed
 * over the target, so a crash never leaves a half-written key. Refuses to replace an existing
 * file unless `overwrite`.
 */
export function writeKeyfile(file: string, data: Uint8Array | string, overwrite: boolean): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  if (!overwrite && fs.existsSync(file)) {
    throw new WalletFsError('EXISTS', `${file} already exists. Choose another name, or allow overwriting it (its current key is lost unless you have its recovery phrase).`)
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`)
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  try {
    fs.chmodSync(tmp, 0o600)
    fs.renameSync(tmp, file)
  } catch (error) {
    fs.rmSync(tmp, { force: true })
    throw error
  }
}

export interface KeyfileInfo {
  readonly file: string
  readonly exists: boolean
  readonly format: KeyfileFormat | 'missing'
  readonly address: string | null
  readonly publicKey: string | null
  readonly problem: string | null
}

export interface HotkeyInfo extends KeyfileInfo {
  readonly name: string
}

export interface WalletInfo {
  readonly name: string
  readonly path: string
  readonly coldkey: KeyfileInfo
  readonly hotkeys: readonly HotkeyInfo[]
}

function readPublic(file: string): { address: string; publicKey: string } | { problem: string } | undefined {
  if (!fs.existsSync(file)) return undefined
  try {
    const parsed = parseKeyfileJson(fs.readFileSync(file, 'utf8'), path.basename(file))
    wipe(parsed.key)
    return { address: parsed.address, publicKey: hex(parsed.publicKey) }
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) }
  }
}

/** What can be learned about a keyfile without a password. */
export function inspectKeyfile(secretFile: string, publicFile: string): KeyfileInfo {
  const exists = fs.existsSync(secretFile)
  let format: KeyfileInfo['format'] = 'missing'
  let problem: string | null = null
  let pub: { address: string; publicKey: string } | undefined
  if (exists) {
    try {
      const data = fs.readFileSync(secretFile)
      format = data.length === 0 ? 'plaintext' : detectFormat(data)
      if (data.length === 0) problem = 'The keyfile is empty.'
      else if (format === 'plaintext') {
        const p = readPublic(secretFile)
        if (p && 'problem' in p) problem = p.problem
        else pub = p
      }
    } catch (error) {
      problem = `Cannot read ${secretFile}: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  const fromPublic = readPublic(publicFile)
  if (fromPublic && 'problem' in fromPublic) problem ??= fromPublic.problem
  else if (fromPublic) {
    if (pub && pub.publicKey !== fromPublic.publicKey) problem ??= `${path.basename(publicFile)} names a different key than ${path.basename(secretFile)}.`
    pub ??= fromPublic
  }
  if (!pub && exists && !problem) problem = 'Encrypted, and no public file next to it: the address is known once it is unlocked.'
  return { file: secretFile, exists, format, address: pub?.address ?? null, publicKey: pub?.publicKey ?? null, problem }
}

function isWalletDir(dir: string): boolean {
  return ['coldkey', 'coldkeypub.txt', 'hotkeys'].some((f) => fs.existsSync(path.join(dir, f)))
}

export function readWallet(walletsDir: string, name: string): WalletInfo {
  const p = walletPaths(walletsDir, name)
  if (!fs.existsSync(p.dir) || !isWalletDir(p.dir)) throw new WalletFsError('NOT_FOUND', `There is no wallet "${name}" in ${walletsDir}.`)
  const coldkey = inspectKeyfile(p.coldkey, p.coldkeypub)
  const names = new Set<string>()
  if (fs.existsSync(p.hotkeysDir)) {
    for (const entry of fs.readdirSync(p.hotkeysDir, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue
      names.add(entry.name.endsWith('pub.txt') ? entry.name.slice(0, -'pub.txt'.length) : entry.name)
    }
  }
  const hotkeys = [...names]
    .filter(Boolean)
    .sort()
    .map((h) => ({ name: h, ...inspectKeyfile(p.hotkey(h), p.hotkeypub(h)) }))
  return { name, path: p.dir, coldkey, hotkeys }
}

/** Every wallet folder in a btcli wallets directory, sorted by name. A missing folder lists as empty. */
export function listWallets(walletsDir: string): WalletInfo[] {
  if (!fs.existsSync(walletsDir)) return []
  return fs
    .readdirSync(walletsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && isWalletDir(path.join(walletsDir, e.name)))
    .map((e) => e.name)
    .sort()
    .map((name) => readWallet(walletsDir, name))
}
