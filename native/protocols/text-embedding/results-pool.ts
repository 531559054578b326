/**
 * A small pool of results worker threads (results-worker.ts) that print the `results` JSON of
 * embedding responses, so the engine's main thread never spends tens of milliseconds per
 * request formatting numbers.
 *
 * Per job the main thread only packs the rows into one contiguous typed array (a 1 MB memcpy
 * for 256 x 1024 float32) and transfers that memory to a worker; the worker transfers the JSON
 * bytes back. Nothing is serialized or copied twice. The packed copy is also what makes the
 * transfer safe: the embedder's own row buffers (which it may reuse) never move.
 *
 * If the workers cannot start at all (a broken install), jobs are serialized in this thread,
 * one per macrotask, and `onWarning` says so once. A worker that dies mid-job fails that job
 * (the axon answers 500) and is replaced for the next one.
 */
import { createThreadPool, workerEntry } from '../../platform/workers'
import type { PoolChoices, ThreadPool, WorkerEntry } from '../../platform/workers'
import { NonFiniteValueError, resultsJsonBytes } from './results-json'
import type { ResultsReply, ResultsRequest } from './results-worker'

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/axon-results-worker.js in the bundle. */
export function resultsWorkerEntry(): WorkerEntry {
  return workerEntry('axon-results-worker', './results-worker.ts', import.meta.url)
}

/** A worker died or the pool closed while a job was pending. */
export class ResultsWorkerFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResultsWorkerFailure'
  }
}

/** Worker threads default to one per core, at most 2. */
export type ResultsPoolOptions = PoolChoices

interface Job {
  readonly rows: readonly ArrayLike<number>[]
  readonly dims: number
  readonly normalized: boolean
}

export class ResultsSerializerPool {
  private readonly pool: ThreadPool<Job, Buffer, ResultsRequest, ResultsReply>

  constructor(options: ResultsPoolOptions = {}) {
    this.pool = createThreadPool(options, {
      // Two workers where there are two cores: one request's JSON never waits behind another's.
      maxWorkers: 2,
      entry: resultsWorkerEntry,
      encode: pack,
      decode: (reply) => {
        if (reply.ok) return Buffer.from(reply.json.buffer, reply.json.byteOffset, reply.json.byteLength)
        if (reply.row !== null) throw new NonFiniteValueError(reply.row)
        throw new ResultsWorkerFailure(`Serializing the results failed in the worker: ${reply.message}`)
      },
      inThread: (job) => resultsJsonBytes(job.rows, job.dims, job.normalized),
      failure: (message) => new ResultsWorkerFailure(message),
      messages: {
        closed: 'The results serializer is closed.',
        closing: 'The results serializer was closed.',
        stopped: (reason) => `The results worker stopped while serializing: ${reason}`,
        unavailable: (reason) => `Axon results worker threads could not start (${reason}); serializing responses in the engine's main thread instead.`,
      },
    })
  }

  get size(): number {
    return this.pool.size
  }

  /** Jobs finished by a worker and in this thread (fallback): for tests and diagnostics. */
  get done(): { readonly worker: number; readonly inThread: number } {
    return this.pool.done
  }

  /** Why the workers are not used, if they are not. */
  get fallbackReason(): string | null {
    return this.pool.fallbackReason
  }

  /** Starts the workers now (they take a moment to load) instead of on the first job. */
  warm(): void {
    this.pool.warm()
  }

  /**
   * The `results` JSON of `rows` (each `dims` long; the caller checks shapes) as ASCII bytes
   * (resultsJsonBytes: byte-identical to `resultsJson()`). Rejects with NonFiniteValueError for NaN/Infinity input,
   * with ResultsWorkerFailure if a worker dies mid-job or the pool is closed.
   * `rows` are read (packed) when a worker takes the job, so the caller must not change them
   * until the promise settles; they are never transferred.
   */
  serialize(rows: readonly ArrayLike<number>[], dims: number, normalized: boolean): Promise<Buffer> {
    return this.pool.run({ rows, dims, normalized })
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}

/**
 * Packs the rows into one fresh matrix whose memory moves to the worker. float32 rows (every
 * real model) pack as float32; anything else as float64, so values reach the worker unchanged.
 */
function pack(job: Job): { message: Omit<ResultsRequest, 'id'>; transfer: ArrayBuffer[] } {
  const count = job.rows.length
  const allFloat32 = job.rows.every((r) => r instanceof Float32Array)
  const data = allFloat32 ? new Float32Array(count * job.dims) : new Float64Array(count * job.dims)
  for (let i = 0; i < count; i++) data.set(job.rows[i]!, i * job.dims)
  return { message: { data, count, dims: job.dims, normalized: job.normalized }, transfer: [data.buffer as ArrayBuffer] }
}
