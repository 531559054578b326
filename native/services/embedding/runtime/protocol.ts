import type { Pooling } from './pooling'
import type { Provider, ProviderAttempt, ProviderCandidate } from './providers'

/** Messages between the engine and an inference worker. */
export interface LoadRequest {
  readonly type: 'load'
  readonly id: number
  readonly onnxFile: string
  /** Another file for some providers (fp16 on CUDA; device-plan.ts); `onnxFile` otherwise. */
  readonly fileFor?: Partial<Record<Provider, string>>
  /** CUDA device of this worker's session (one worker per GPU). */
  readonly deviceId?: number
  readonly candidates: readonly ProviderCandidate[]
  readonly intraOpThreads: number
  readonly pooling: Pooling
}

export interface RunRequest {
  readonly type: 'run'
  readonly id: number
  /** Row-major [batch, seq] token ids, 0-padded. */
  readonly ids: Int32Array
  readonly lengths: Int32Array
  readonly batch: number
  readonly seq: number
}

/** Releases the session (its native memory) before the worker is terminated. */
export interface UnloadRequest {
  readonly type: 'unload'
  readonly id: number
}

export type WorkerRequest = LoadRequest | RunRequest | UnloadRequest

export interface LoadedReply {
  readonly type: 'loaded'
  readonly id: number
  readonly provider: Provider
  /** The model file the session runs (fp16 or not). */
  readonly onnxFile: string
  readonly attempts: readonly ProviderAttempt[]
  readonly dimension: number
  readonly inputNames: readonly string[]
}

export interface ResultReply {
  readonly type: 'result'
  readonly id: number
  /** [batch, dimension], L2-normalised. */
  readonly vectors: Float32Array
  readonly dimension: number
}

export interface ErrorReply {
  readonly type: 'error'
  readonly id: number
  readonly message: string
  readonly kind: 'model' | 'nonfinite' | 'internal'
}

export interface UnloadedReply {
  readonly type: 'unloaded'
  readonly id: number
}

export type WorkerReply = LoadedReply | ResultReply | UnloadedReply | ErrorReply
