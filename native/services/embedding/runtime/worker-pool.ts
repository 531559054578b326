import { WorkerThread, workerEntry } from '../../../platform/workers'
import type { DistributiveOmit, WorkerEntry } from '../../../platform/workers'
import type { Pooling } from './pooling'
import type { LoadedReply, WorkerReply, WorkerRequest } from './protocol'
import type { Provider, ProviderCandidate } from './providers'

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/embedding-worker.js in the bundle. */
export function inferenceWorkerEntry(): WorkerEntry {
  return workerEntry('embedding-worker', './inference-worker.ts', import.meta.url)
}

export class WorkerFailure extends Error {
  constructor(
    message: string,
    readonly kind: 'model' | 'nonfinite' | 'internal' | 'crashed',
  ) {
    super(message)
    this.name = 'WorkerFailure'
  }
}

const stopped = (reason: Error): WorkerFailure => new WorkerFailure(`The inference worker stopped: ${reason.message}`, 'crashed')

/** One inference worker thread; an error reply rejects with WorkerFailure of the worker's kind. */
class InferenceWorker {
  private readonly thread: WorkerThread<WorkerRequest, WorkerReply>

  constructor(onCrash: (error: Error) => void) {
    this.thread = new WorkerThread(inferenceWorkerEntry(), { stoppedError: stopped, onStop: (reason) => onCrash(reason) })
  }

  /** Alive and not running a request. */
  get idle(): boolean {
    return !this.thread.busy && !this.thread.stopped
  }

  async request(msg: DistributiveOmit<WorkerRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    const reply = await this.thread.request(msg, transfer)
    if (reply.type === 'error') throw new WorkerFailure(reply.message, reply.kind)
    return reply
  }

  terminate(): Promise<void> {
    return this.thread.terminate()
  }
}

export interface PoolOptions {
  readonly onnxFile: string
  readonly pooling: Pooling
  readonly candidates: readonly ProviderCandidate[]
  /** Worker count for the provider the first worker settled on (GPU: 1; CPU: several small ones). */
  readonly workers: number | ((provider: Provider) => number)
  readonly intraOpThreads: number | ((provider: Provider) => number)
}

export interface BatchInput {
  readonly ids: Int32Array
  readonly lengths: Int32Array
  readonly batch: number
  readonly seq: number
}

/** A fixed set of inference workers, each holding the same model. */
export class WorkerPool {
  private readonly workers: InferenceWorker[] = []
  info: LoadedReply | null = null
  threads = 1
  crashed: Error | null = null

  private constructor() {}

  static async start(options: PoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool()
    try {
      // The first worker probes providers; the others reuse the provider it settled on.
      const first = new InferenceWorker((e) => pool.onCrash(e))
      pool.workers.push(first)
      // Probing runs with the CPU thread count; a GPU session barely uses CPU threads anyway.
      const threadsFor = (p: Provider): number => (typeof options.intraOpThreads === 'function' ? options.intraOpThreads(p) : options.intraOpThreads)
      const loaded = (await first.request({ type: 'load', onnxFile: options.onnxFile, candidates: options.candidates, intraOpThreads: threadsFor('cpu'), pooling: options.pooling })) as LoadedReply
      pool.info = loaded
      pool.threads = threadsFor(loaded.provider)
      const count = typeof options.workers === 'function' ? options.workers(loaded.provider) : options.workers
      const only = options.candidates.map((c) => ({ provider: c.provider, skipReason: c.provider === loaded.provider ? null : 'not used' }))
      const rest = Array.from({ length: Math.max(0, count - 1) }, () => new InferenceWorker((e) => pool.onCrash(e)))
      pool.workers.push(...rest)
      await Promise.all(rest.map((w) => w.request({ type: 'load', onnxFile: options.onnxFile, candidates: only, intraOpThreads: pool.threads, pooling: options.pooling })))
      return pool
    } catch (error) {
      await pool.dispose()
      throw error
    }
  }

  get size(): number {
    return this.workers.length
  }

  private onCrash(error: Error): void {
    this.crashed ??= error
  }

  /** Runs one padded sub-batch on an idle worker; the caller ensures one is idle. */
  async run(input: BatchInput): Promise<Float32Array> {
    const worker = this.workers.find((w) => w.idle)
    if (!worker) throw this.crashed ? stopped(this.crashed) : new WorkerFailure('No idle inference worker', 'crashed')
    const reply = await worker.request({ type: 'run', ids: input.ids, lengths: input.lengths, batch: input.batch, seq: input.seq }, [input.ids.buffer as ArrayBuffer])
    if (reply.type !== 'result') throw new WorkerFailure('Unexpected reply from the inference worker', 'internal')
    return reply.vectors
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => undefined)))
    this.workers.length = 0
  }
}
