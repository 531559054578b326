export { createEngine } from './create-engine'
export type { Engine, EngineOptions } from './create-engine'
export { resolveHome, databasePath, APP_NAME } from './paths'
export { packageRoot, packageVersion } from './version'
// The desktop shell serves electron-updater to the engine's update service (electron/main/updates.ts).
export { ElectronUpdaterDriver, RemoteUpdateDriver, isUpdaterMessage, serveUpdateDriver } from '../updater'
export type { DesktopShell, UpdaterMessage } from '../updater'
// The desktop shell serves Electron safeStorage to the wallet's "remember password" (electron/main/secret-vault.ts).
export { serveSecretVault } from '../wallet/secret-vault'
export type { SafeStorageLike, VaultMessage } from '../wallet/secret-vault'
export { installCrashGuards } from './crash-guards'
