import { AxonHttpError } from '../../bittensor/axon/axon-server'
import type { AxonAnswer, AxonCall, AxonRoute, BlacklistConfig, RouteCall } from '../../bittensor/axon/axon-server'
import { embeddingFailure } from './embedding-failure'
import { NonFiniteValueError, resultsJson } from './results-json'
import { ResultsSerializerPool } from './results-pool'
import { TEXT_EMBEDDING_REQUIRED_FIELDS, TEXT_EMBEDDING_SYNAPSE, TextEmbeddingBody, isNewerVersion } from './synapse'

/**
 * `POST /TextEmbeddingSynapse` on a miner's axon (spec §1.2, §4): validates the synapse, waits
 * for a compute slot, embeds the texts within the caller's deadline and prints `results`. The
 * same embedding steps serve the OpenAI-shaped btauth/1 route (openai-route.ts) through `embed`.
 */

/** Computes embeddings. Must honour `signal` (stop work when the request is abandoned). */
export interface Embedder {
  /** Human-readable provider/model name for status displays, e.g. "onnx:bge-large-en-v1.5". */
  readonly name: string
  /** One row per text, each exactly `dimensions` long, in input order. */
  embed(texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<ArrayLike<number>[]>
}

/** The OpenKaito reference miner's blacklist defaults (spec §3). */
export const OPENKAITO_BLACKLIST: BlacklistConfig = { allowNonRegistered: false, forceValidatorPermit: false, minStake: 1000 }

export interface TextEmbeddingLimits {
  readonly maxTexts: number
  readonly maxDimensions: number
}

export const DEFAULT_TEXT_EMBEDDING_LIMITS: TextEmbeddingLimits = { maxTexts: 4096, maxDimensions: 8192 }

/** What one request cost, for the axon's request records. */
export interface TextEmbeddingWork {
  texts: number
  dimensions: number | null
  inferenceMs: number
  /** Printing the `results` JSON (in a results worker, or in this thread in 'main-thread' mode). */
  serializeMs: number
}

export function newTextEmbeddingWork(): TextEmbeddingWork {
  return { texts: 0, dimensions: null, inferenceMs: 0, serializeMs: 0 }
}

export interface TextEmbeddingRouteOptions {
  readonly embedder: Embedder
  readonly limits?: Partial<TextEmbeddingLimits>
  /**
   * Where the `results` JSON (256 x 1024 numbers: tens of ms of CPU) is printed. 'worker'
   * (default): in results worker threads, so the engine's event loop stays responsive.
   * 'main-thread': the former in-thread path, kept for the bench's before/after comparison.
   * Both print the same bytes.
   */
  readonly resultsSerialization?: 'worker' | 'main-thread'
  /** Results worker threads (default: one per core, at most 2). */
  readonly resultsWorkers?: number
  readonly onWarning?: (message: string) => void
}

export class TextEmbeddingRoute implements AxonRoute<TextEmbeddingWork> {
  readonly name = TEXT_EMBEDDING_SYNAPSE
  readonly requiredFields = TEXT_EMBEDDING_REQUIRED_FIELDS
  private readonly limits: TextEmbeddingLimits
  private readonly results: ResultsSerializerPool | null

  constructor(private readonly options: TextEmbeddingRouteOptions) {
    this.limits = { ...DEFAULT_TEXT_EMBEDDING_LIMITS, ...options.limits }
    this.results = options.resultsSerialization === 'main-thread' ? null : new ResultsSerializerPool({ workers: options.resultsWorkers, onWarning: options.onWarning })
  }

  /** Where `results` JSON is printed, and how many responses each place printed. */
  get resultsSerialization(): { mode: 'worker' | 'main-thread'; worker: number; inThread: number; fallbackReason: string | null } {
    if (!this.results) return { mode: 'main-thread', worker: 0, inThread: 0, fallbackReason: null }
    return { mode: 'worker', ...this.results.done, fallbackReason: this.results.fallbackReason }
  }

  /** Loads the results workers now, not on the first validator request. */
  warm(): void {
    this.results?.warm()
  }

  async close(): Promise<void> {
    await this.results?.close()
  }

  async handle(call: AxonCall<TextEmbeddingWork>): Promise<AxonAnswer> {
    const body = TextEmbeddingBody.safeParse(call.json)
    if (!body.success) {
      const issue = body.error.issues[0]
      throw new AxonHttpError(400, `Invalid ${TEXT_EMBEDDING_SYNAPSE} body: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'not a synapse'}`)
    }
    const { texts, dimensions, normalized, version } = body.data
    if (isNewerVersion(version)) {
      call.warn('A validator runs a newer OpenKaito version than this miner implements', { version, hotkey: call.caller })
    }
    return { echo: body.data, results: await this.embed(call, texts, dimensions, normalized) }
  }

  /** The model's name, for answers that carry one. */
  get modelName(): string {
    return this.options.embedder.name
  }

  /**
   * The work of one call, whatever the wire: checks the limits, waits for a compute slot, embeds
   * within the caller's deadline and prints the rows as a JSON array of arrays.
   */
  async embed(call: RouteCall<TextEmbeddingWork>, texts: readonly string[], dimensions: number, normalized: boolean): Promise<Buffer | string> {
    call.work.texts = texts.length
    call.work.dimensions = dimensions
    if (texts.length > this.limits.maxTexts) throw new AxonHttpError(413, `Too many texts: ${texts.length} (this miner accepts at most ${this.limits.maxTexts} per request).`)
    if (dimensions > this.limits.maxDimensions) throw new AxonHttpError(400, `dimensions ${dimensions} is too large (at most ${this.limits.maxDimensions}).`)
    const release = await call.acquireSlot()
    let rows: ArrayLike<number>[]
    const inferStart = performance.now()
    try {
      rows = await this.embedWithDeadline(texts, dimensions, call)
    } finally {
      call.work.inferenceMs = performance.now() - inferStart
      release()
    }
    const serializeStart = performance.now()
    const results = await this.serializeResults(rows, texts.length, dimensions, normalized)
    call.work.serializeMs = performance.now() - serializeStart
    return results
  }

  private async embedWithDeadline(texts: readonly string[], dims: number, call: RouteCall<TextEmbeddingWork>): Promise<ArrayLike<number>[]> {
    if (texts.length === 0) return []
    const { abort, timeoutS } = call
    const remaining = call.deadline - performance.now()
    if (remaining <= 0) throw new AxonHttpError(408, `Response timeout after: ${timeoutS}s`)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort(new Error('deadline'))
        reject(new AxonHttpError(408, `Response timeout after: ${timeoutS}s`))
      }, remaining)
    })
    try {
      return await Promise.race([this.options.embedder.embed(texts, dims, abort.signal), timeout])
    } catch (error) {
      if (error instanceof AxonHttpError) throw error
      if (abort.signal.aborted) throw new AxonHttpError(408, `Request abandoned: ${String((abort.signal.reason as Error | undefined)?.message ?? 'aborted')}`)
      const failure = embeddingFailure(error)
      if (failure.status === 500) call.warn('The embedding model failed on a request', { error: error instanceof Error ? error.message : String(error), texts: texts.length })
      throw new AxonHttpError(failure.status, failure.message, failure.headers)
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Checks the embedder's output shape here, then prints the `results` JSON: in a results
   * worker by default (bytes come back ready to send), or in this thread in 'main-thread' mode
   * (the former path, for comparison). Both normalize and round identically (results-json.ts).
   */
  private async serializeResults(rows: ArrayLike<number>[], count: number, dims: number, normalized: boolean): Promise<Buffer | string> {
    if (!Array.isArray(rows) || rows.length !== count) {
      throw new AxonHttpError(500, `Embedding failed: the model returned ${Array.isArray(rows) ? rows.length : 'no'} rows for ${count} texts`)
    }
    for (const row of rows) {
      if (row.length !== dims) throw new AxonHttpError(500, `Embedding failed: the model returned ${row.length} dimensions, the validator asked for ${dims}`)
    }
    try {
      return this.results ? await this.results.serialize(rows, dims, normalized) : resultsJson(rows, dims, normalized)
    } catch (error) {
      if (error instanceof NonFiniteValueError) throw new AxonHttpError(500, `Embedding failed: the model returned a non-finite value for text ${error.row}`)
      throw error
    }
  }
}
