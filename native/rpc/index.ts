// Environment-neutral RPC core (no node:*, no DOM): safe for the renderer to import.
export * from './protocol'
export * from './transport'
export * from './client'
export * from './server'
export * from './transports/inproc'
export * from './transports/mux'
export * from './transports/json-frames'
export * from './transports/preload-bridge'
