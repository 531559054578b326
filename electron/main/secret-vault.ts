import { safeStorage } from 'electron'
import { serveSecretVault } from '../../native/host'
import type { VaultMessage } from '../../native/host'

/**
 * The main-process half of "remember password": Electron's safeStorage (Keychain, DPAPI,
 * libsecret/kwallet) encrypts and decrypts for the engine, which only ever stores ciphertext.
 * Returns the handler for messages from the engine (true when the message was a vault message).
 */
export function createMainSecretVault(postToEngine: (message: VaultMessage) => void): (message: unknown) => boolean {
  return serveSecretVault(safeStorage, postToEngine)
}
