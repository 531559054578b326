import os from 'node:os'
import { EngineError } from '../../../contract/errors'
import { TokenizerPool } from '../tokenizer/tokenizer-pool'
import type { Tokenized } from '../tokenizer/tokenizer-pool'
import { WordPieceTokenizer } from '../tokenizer/wordpiece'
import type { BatcherOptions, BatcherStats } from './batcher'
import { Batcher } from './batcher'
import { modelFilesByProvider } from './device-plan'
import type { Pooling } from './pooling'
import { DimensionError, adaptDimension, nonZeroUnit } from './pooling'
import type { ProbeEnvironment, Provider, ProviderAttempt, ProviderPreference } from './providers'
import { detectEnvironment, providerCandidates } from './providers'
import { WorkerFailure, WorkerPool } from './worker-pool'

export interface EmbedderOptions {
  readonly onnxFile: string
  readonly tokenizerFile: string
  readonly pooling: Pooling
  /** Tokens per text including [CLS] and [SEP]. */
  readonly maxLength: number
  /** Widths the model was trained to be cut to (Matryoshka); null if it was not. */
  readonly matryoshkaDims?: readonly number[] | null
  /** Prepended to every text (e5 "query: ", nomic "search_query: "). */
  readonly textPrefix?: string
  readonly provider?: ProviderPreference
  /** A half-precision copy of the model, used on CUDA when `preferFp16` (default on). */
  readonly fp16File?: string | null
  readonly preferFp16?: boolean
  /** CUDA device ids of the GPUs to use, one session each (device-plan.ts `cudaDeviceIds`). */
  readonly cudaDevices?: readonly number[]
  readonly workers?: number
  readonly intraOpThreads?: number
  readonly batcher?: Partial<BatcherOptions>
  /** For tests: pretend to be another machine when choosing providers. */
  readonly probeEnvironment?: ProbeEnvironment
}

export interface EmbedOptions {
  /** Output width; defaults to the model's own. */
  readonly dimensions?: number
  readonly signal?: AbortSignal
}

export interface EmbedResult {
  readonly vectors: Float32Array[]
  readonly dimension: number
  readonly tokens: number
  readonly truncated: number
}

const GPU_PROVIDERS: readonly Provider[] = ['cuda', 'dml', 'coreml', 'webgpu']

/** A loaded model: tokenizer and inference in worker threads, dynamic batching. */
export class Embedder {
  private closed = false

  private constructor(
    readonly options: EmbedderOptions,
    private readonly tokenizer: TokenizerPool,
    private readonly pool: WorkerPool,
    private readonly batcher: Batcher,
    readonly provider: Provider,
    readonly attempts: readonly ProviderAttempt[],
    readonly dimension: number,
    /** Intra-op threads per worker. */
    readonly threads: number,
    readonly workers: number,
  ) {}

  static async load(options: EmbedderOptions): Promise<Embedder> {
    try {
      // Read here once so that a broken tokenizer file is a clear error at load, not per request.
      WordPieceTokenizer.fromFile(options.tokenizerFile)
    } catch (error) {
      throw new EngineError('MODEL_INVALID', `The model's tokenizer could not be read (${error instanceof Error ? error.message : String(error)}). Verify or re-download the model.`)
    }
    const cores = Math.max(1, os.availableParallelism())
    // CPU: two sessions share the cores (one runs while the other's results are pooled and sent;
    // on a busy machine single-threaded sessions also avoid spinning thread pools). GPU: one session.
    const workersFor = (p: Provider): number => Math.max(1, options.workers ?? (GPU_PROVIDERS.includes(p) ? 1 : Math.min(2, cores)))
    const threadsFor = (p: Provider): number => Math.max(1, options.intraOpThreads ?? Math.max(1, Math.floor(cores / workersFor(p))))
    const candidates = providerCandidates(options.provider ?? 'auto', options.probeEnvironment ?? detectEnvironment())
    let pool: WorkerPool
    try {
      const fileFor = modelFilesByProvider(
        candidates.map((c) => c.provider),
        { fp32File: options.onnxFile, fp16File: options.fp16File ?? null, preferFp16: options.preferFp16 ?? true },
      )
      pool = await WorkerPool.start({ onnxFile: options.onnxFile, fileFor, cudaDevices: options.cudaDevices, pooling: options.pooling, candidates, workers: workersFor, intraOpThreads: threadsFor })
    } catch (error) {
      if (error instanceof WorkerFailure && error.kind === 'model') throw new EngineError('MODEL_INVALID', error.message)
      throw new EngineError('INTERNAL', `The inference engine could not start: ${error instanceof Error ? error.message : String(error)}`)
    }
    const info = pool.info!
    const gpu = GPU_PROVIDERS.includes(info.provider)
    const batcher = new Batcher((b) => pool.run(b), {
      concurrency: pool.size,
      ...(gpu ? { tokenBudget: 16_384, maxBatchSize: 256 } : {}),
      ...options.batcher,
    })
    const tokenizer = new TokenizerPool({ tokenizerFile: options.tokenizerFile, maxLength: options.maxLength, ...(options.textPrefix ? { prefix: options.textPrefix } : {}) })
    tokenizer.warm()
    return new Embedder(options, tokenizer, pool, batcher, info.provider, info.attempts, info.dimension, pool.threads, pool.size)
  }

  /** The model file the sessions run (the fp16 copy on CUDA, when there is one). */
  get onnxFile(): string {
    return this.pool.info?.onnxFile ?? this.options.onnxFile
  }

  get stats(): BatcherStats {
    return this.batcher.getStats()
  }

  /** Tokenizes in the tokenizer's worker threads (seconds of CPU for a large request). */
  tokenize(texts: readonly string[]): Promise<Tokenized> {
    return this.tokenizer.tokenize(texts)
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<EmbedResult> {
    if (this.closed) throw new EngineError('MODEL_INVALID', 'The model was unloaded; load it again.')
    if (this.pool.crashed) throw new EngineError('INTERNAL', `The inference worker stopped (${this.pool.crashed.message}); reload the model.`)
    const dimension = options.dimensions ?? this.dimension
    // Check the width before doing any work.
    try {
      adaptDimension(new Float32Array(this.dimension), dimension, this.options.matryoshkaDims ?? null)
    } catch (error) {
      if (error instanceof DimensionError) throw new EngineError('BAD_REQUEST', error.message)
      throw error
    }
    let raw: Float32Array[]
    let tokenized: Tokenized
    try {
      tokenized = await this.tokenize(texts)
      raw = await this.batcher.submit(tokenized.ids, options.signal)
    } catch (error) {
      if (error instanceof EngineError) throw error
      // Unloading closes the tokenizer too: a request caught in it waited, like one in the queue.
      if (this.closed) throw new EngineError('MODEL_INVALID', 'The model was unloaded while this request waited.')
      if (error instanceof WorkerFailure && error.kind === 'nonfinite') throw new EngineError('MODEL_INVALID', error.message)
      throw new EngineError('INTERNAL', `Embedding failed: ${error instanceof Error ? error.message : String(error)}`)
    }
    const vectors = raw.map((v) => adaptDimension(nonZeroUnit(v), dimension, this.options.matryoshkaDims ?? null))
    return { vectors, dimension, tokens: tokenized.tokens, truncated: tokenized.truncated }
  }

  async dispose(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.batcher.close(new EngineError('MODEL_INVALID', 'The model was unloaded while this request waited.'))
    await Promise.all([this.pool.dispose(), this.tokenizer.close()])
  }
}
