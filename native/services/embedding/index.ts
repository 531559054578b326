export * from './service'
export { Embedder } from './runtime/embedder'
