/**
 * Loads a wallet hotkey (btcli layout, spec §5) into an sr25519 signer for the miner's axon, the
 * validator's dendrite and the chain client. Hotkeys are plaintext by default (btcli and the
 * TaoDesk wallet write them so); an encrypted one is opened with btcli's `BT_PW_…` environment
 * password. The secret stays in this process only while the signer is in use: `dispose()` wipes it.
 */
import fs from 'node:fs'
import { sr25519Sign } from '@polkadot/util-crypto'
import { EngineError } from '../../contract'
import type { Signer } from './signer'
import { FERNET_ADVICE, KeyfileEncryptionError, ansibleVaultDecrypt, detectFormat, passwordBytes } from './encryption'
import { envPasswordFor, envPasswordVariable } from './env-password'
import { naclDecrypt } from './kdf-client'
import { parseKeyfileJson } from './keyfile'
import { readKeyfileBytes } from './read-keyfile'
import { ss58, wipe } from './keys'
import type { KeyMaterial } from './keys'
import { checkName, walletPaths } from './wallet-fs'

/**
 * What a running miner or validator signs with: a Signer (its `sign` throws once disposed) for
 * the axon, the dendrite and the chain client alike.
 */
export interface WalletHotkey extends Signer {
  readonly wallet: string
  readonly hotkey: string
  /** Wipes the secret key from memory. */
  dispose(): void
}

export interface LoadHotkeyOptions {
  /** The wallets folder (WalletService.directory()). */
  readonly walletsDir: string
  readonly wallet: string
  readonly hotkey: string
  /** Looked up for `BT_PW_<keyfile path>` when the hotkey is encrypted (default process.env). */
  readonly env?: NodeJS.ProcessEnv
  /** A password given directly (tests, prompts); wins over the environment. */
  readonly password?: string
}

/** Reads, decrypts when needed, and checks a hotkey keyfile; EngineError with advice on any problem. */
export async function loadWalletHotkey(o: LoadHotkeyOptions): Promise<WalletHotkey> {
  // Names become paths: "../x" must never reach a file outside the wallet's hotkeys folder.
  try {
    checkName(o.wallet, 'wallet')
    checkName(o.hotkey, 'hotkey')
  } catch (error) {
    throw new EngineError('INVALID_PARAMS', error instanceof Error ? error.message : String(error))
  }
  const paths = walletPaths(o.walletsDir, o.wallet)
  const file = paths.hotkey(o.hotkey)
  const data = readKeyfileBytes(
    file,
    `Hotkey "${o.hotkey}" of wallet "${o.wallet}"`,
    `Wallet "${o.wallet}" has no hotkey "${o.hotkey}" (${file}). Create or restore it on the Wallet page (or \`taodesk wallet new-hotkey\`), or pick another with --wallet/--hotkey.`,
  )
  if (data.length === 0) throw new EngineError('BAD_REQUEST', `The hotkey file ${file} is empty. Restore the hotkey from its recovery phrase.`)
  const format = detectFormat(data)
  let plaintext: Uint8Array
  if (format === 'plaintext') plaintext = Uint8Array.from(data)
  else if (format === 'fernet') throw new EngineError('BAD_REQUEST', FERNET_ADVICE)
  else {
    let password = o.password
    if (password === undefined) {
      try {
        password = envPasswordFor(file, o.env ?? process.env)
      } catch (error) {
        throw new EngineError('BAD_REQUEST', error instanceof Error ? error.message : String(error))
      }
    }
    if (password === undefined) {
      throw new EngineError(
        'LOCKED',
        `The hotkey "${o.hotkey}" of wallet "${o.wallet}" is encrypted. Set ${envPasswordVariable(file)} as btcli does, or restore the hotkey unencrypted (hotkeys sign every request, so btcli stores them unencrypted by default).`,
      )
    }
    try {
      plaintext = format === 'nacl' ? await naclDecrypt(password, data) : ansibleVaultDecrypt(data, passwordBytes(password))
    } catch (error) {
      if (error instanceof KeyfileEncryptionError && error.code === 'WRONG_PASSWORD') {
        throw new EngineError('WRONG_PASSWORD', `The password does not open the hotkey "${o.hotkey}" of wallet "${o.wallet}".`)
      }
      throw new EngineError('BAD_REQUEST', `The hotkey file ${file} could not be decrypted: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  let key: KeyMaterial
  try {
    const parsed = parseKeyfileJson(new TextDecoder().decode(plaintext), `The hotkey file ${file}`)
    if (!parsed.key) throw new EngineError('BAD_REQUEST', `The hotkey file ${file} holds only a public key; restore the hotkey from its recovery phrase to sign with it.`)
    key = { publicKey: parsed.key.publicKey, secretKey: parsed.key.secretKey }
    parsed.key.seed?.fill(0)
  } catch (error) {
    if (error instanceof EngineError) throw error
    throw new EngineError('BAD_REQUEST', error instanceof Error ? error.message : String(error))
  } finally {
    plaintext.fill(0)
  }
  const address = ss58(key.publicKey)
  const pubFile = paths.hotkeypub(o.hotkey)
  if (fs.existsSync(pubFile)) {
    try {
      const pub = parseKeyfileJson(fs.readFileSync(pubFile, 'utf8'), pubFile)
      if (pub.address !== address) {
        wipe(key)
        throw new EngineError('BAD_REQUEST', `The hotkey "${o.hotkey}" (${address}) does not match its public file ${pubFile} (${pub.address}). Check which file is right before mining or validating with it.`)
      }
    } catch (error) {
      if (error instanceof EngineError) throw error
      // An unreadable public file does not stop signing: the secret file is authoritative.
    }
  }
  let disposed = false
  const sign = (message: Uint8Array): Uint8Array => {
    if (disposed) throw new EngineError('LOCKED', `The hotkey "${o.hotkey}" was released; start again to sign with it.`)
    return sr25519Sign(message, key)
  }
  const walletHotkey: WalletHotkey = {
    wallet: o.wallet,
    hotkey: o.hotkey,
    address,
    publicKey: Uint8Array.from(key.publicKey),
    sign,
    dispose() {
      if (disposed) return
      disposed = true
      wipe(key)
    },
  }
  return walletHotkey
}
