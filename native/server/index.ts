export { startHeadlessServer, UnsafeBindError, RPC_PATH } from './headless-server'
export type { HeadlessServer, HeadlessServerOptions } from './headless-server'
export * from './auth'
export { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './security-headers'
