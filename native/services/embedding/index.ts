export * from './service'
export { Embedder } from './runtime/embedder'
export { formatBytes } from './models/model-manager'
