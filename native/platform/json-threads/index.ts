export { JsonThreads, jsonWorkerEntry } from './json-threads'
export type { JsonThreadsOptions } from './json-threads'
export { JsonCodecError } from './codec'
export type { JsonErrorKind, Splice } from './codec'
