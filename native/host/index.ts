export { createEngine } from './create-engine'
export type { Engine, EngineOptions } from './create-engine'
export { resolveHome, databasePath, APP_NAME } from './paths'
export { packageRoot, packageVersion } from './version'
