import { EngineError } from '../../../contract/errors'

/**
 * Dynamic batching across callers. Texts of every waiting request share one pool; each
 * sub-batch starts from the longest remaining text of the oldest request and takes texts (from
 * any request, oldest first) whose length is at least `similarity` × that length, as long as
 * the padded size stays under the token budget. Length-sorted sub-batches cut padding (a
 * 256-text SN5 batch padded to its longest text costs ~3.5 padded tokens per real token).
 */
export interface BatcherOptions {
  /** Padded tokens (batch × longest) per sub-batch. */
  readonly tokenBudget: number
  readonly maxBatchSize: number
  /** Texts waiting (not yet running) across all callers before new requests are refused. */
  readonly maxQueuedTexts: number
  /** A text joins the current sub-batch only if its length ≥ similarity × the longest. */
  readonly similarity: number
  /** How many sub-batches may run at once (one per worker). */
  readonly concurrency: number
}

export const DEFAULT_BATCHER: BatcherOptions = { tokenBudget: 2048, maxBatchSize: 64, maxQueuedTexts: 4096, similarity: 0.9, concurrency: 1 }

export interface SubBatch {
  readonly ids: Int32Array
  readonly lengths: Int32Array
  readonly batch: number
  readonly seq: number
}

export type BatchRunner = (batch: SubBatch) => Promise<Float32Array>

interface Item {
  readonly request: Request
  readonly index: number
  readonly ids: Int32Array
  taken: boolean
}

interface Request {
  readonly items: Item[]
  remaining: number
  outstanding: number
  results: (Float32Array | null)[]
  dimension: number
  done: boolean
  resolve: (vectors: Float32Array[]) => void
  reject: (error: Error) => void
  cleanup: () => void
}

export interface BatcherStats {
  readonly queuedTexts: number
  readonly running: number
  readonly subBatches: number
  readonly realTokens: number
  readonly paddedTokens: number
}

export class Batcher {
  private readonly options: BatcherOptions
  private queue: Request[] = []
  private queuedTexts = 0
  private running = 0
  private stats = { subBatches: 0, realTokens: 0, paddedTokens: 0 }

  constructor(
    private readonly runner: BatchRunner,
    options: Partial<BatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_BATCHER, ...options }
  }

  getStats(): BatcherStats {
    return { queuedTexts: this.queuedTexts, running: this.running, ...this.stats }
  }

  /** Embeds pre-tokenised texts; resolves with one unit vector per text, in input order. */
  submit(tokenized: readonly Int32Array[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (tokenized.length === 0) return Promise.resolve([])
    if (signal?.aborted) return Promise.reject(cancelled(signal))
    if (this.queuedTexts + tokenized.length > this.options.maxQueuedTexts) {
      return Promise.reject(
        new EngineError('BUSY', `The embedding engine is busy (${this.queuedTexts} texts are waiting, the limit is ${this.options.maxQueuedTexts}). Try again in a moment, or send fewer texts at once.`),
      )
    }
    return new Promise<Float32Array[]>((resolve, reject) => {
      const request: Request = {
        items: [],
        remaining: tokenized.length,
        outstanding: tokenized.length,
        results: new Array<Float32Array | null>(tokenized.length).fill(null),
        dimension: 0,
        done: false,
        resolve,
        reject,
        cleanup: () => undefined,
      }
      tokenized.forEach((ids, index) => request.items.push({ request, index, ids, taken: false }))
      // Longest first inside a request: the anchor of each sub-batch is found in O(1).
      request.items.sort((a, b) => b.ids.length - a.ids.length)
      if (signal) {
        const onAbort = (): void => this.fail(request, cancelled(signal))
        signal.addEventListener('abort', onAbort, { once: true })
        request.cleanup = () => signal.removeEventListener('abort', onAbort)
      }
      this.queue.push(request)
      this.queuedTexts += tokenized.length
      this.pump()
    })
  }

  private fail(request: Request, error: Error): void {
    if (request.done) return
    request.done = true
    request.cleanup()
    this.queuedTexts -= request.remaining
    for (const item of request.items) item.taken = true
    request.remaining = 0
    this.queue = this.queue.filter((r) => r !== request)
    request.reject(error)
  }

  private pump(): void {
    while (this.running < this.options.concurrency) {
      const items = this.nextSubBatch()
      if (!items) return
      this.dispatch(items)
    }
  }

  private nextSubBatch(): Item[] | null {
    const oldest = this.queue.find((r) => r.remaining > 0)
    if (!oldest) return null
    const anchor = oldest.items.find((i) => !i.taken)!
    const longest = anchor.ids.length
    const floor = Math.ceil(longest * this.options.similarity)
    const capacity = Math.max(1, Math.min(this.options.maxBatchSize, Math.floor(this.options.tokenBudget / longest)))
    const picked: Item[] = []
    for (const request of this.queue) {
      for (const item of request.items) {
        if (picked.length >= capacity) break
        if (item.taken || item.ids.length > longest || item.ids.length < floor) continue
        picked.push(item)
      }
      if (picked.length >= capacity) break
    }
    for (const item of picked) {
      item.taken = true
      item.request.remaining--
    }
    this.queuedTexts -= picked.length
    return picked
  }

  private dispatch(items: Item[]): void {
    const seq = items.reduce((m, i) => Math.max(m, i.ids.length), 0)
    const batch = items.length
    const ids = new Int32Array(batch * seq)
    const lengths = new Int32Array(batch)
    items.forEach((item, b) => {
      ids.set(item.ids, b * seq)
      lengths[b] = item.ids.length
      this.stats.realTokens += item.ids.length
    })
    this.stats.paddedTokens += batch * seq
    this.stats.subBatches++
    this.running++
    this.runner({ ids, lengths, batch, seq }).then(
      (vectors) => {
        this.running--
        const dim = vectors.length / batch
        items.forEach((item, b) => {
          const r = item.request
          if (r.done) return
          r.results[item.index] = vectors.slice(b * dim, (b + 1) * dim)
          r.outstanding--
          if (r.outstanding === 0) {
            r.done = true
            r.cleanup()
            this.queue = this.queue.filter((q) => q !== r)
            r.resolve(r.results as Float32Array[])
          }
        })
        this.pump()
      },
      (error: unknown) => {
        this.running--
        const err = error instanceof Error ? error : new Error(String(error))
        for (const r of new Set(items.map((i) => i.request))) this.fail(r, err)
        this.pump()
      },
    )
  }

  /** Rejects everything waiting (engine shutdown, model switch). */
  close(reason: Error): void {
    for (const r of [...this.queue]) this.fail(r, reason)
  }
}

function cancelled(signal: AbortSignal): EngineError {
  const reason: unknown = signal.reason
  if (reason instanceof EngineError) return reason
  const timeout = reason instanceof Error && reason.name === 'TimeoutError'
  return new EngineError('TIMEOUT', timeout ? 'The embedding request timed out and its work was cancelled.' : 'The embedding request was cancelled.')
}
