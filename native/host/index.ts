export { createEngine } from './create-engine'
export type { Engine, EngineOptions } from './create-engine'
export { resolveHome, databasePath, APP_NAME } from './paths'
export { packageRoot, packageVersion } from './version'
// The desktop shell serves electron-updater to the engine's update service (electron/main/updates.ts).
export { ElectronUpdaterDriver, RemoteUpdateDriver, isUpdaterMessage, serveUpdateDriver } from '../services/updater'
export type { DesktopShell, UpdaterMessage } from '../services/updater'
// The desktop shell serves Electron safeStorage to the wallet's "remember password" (electron/main/secret-vault.ts).
export { serveSecretVault } from '../platform/secrets/secret-vault'
export type { SafeStorageLike, VaultMessage } from '../platform/secrets/secret-vault'
export { installCrashGuards } from './crash-guards'
// The desktop shell starts the engine with the GPU runtime pack on the loader's path (electron/main/index.ts).
export { engineLaunchEnv } from '../services/embedding'
