import { WorkerThread, workerEntry } from '../../../platform/workers'
import type { DistributiveOmit, WorkerEntry } from '../../../platform/workers'
import { workerDevices } from './device-plan'
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
  /** Settles when the request in flight has been answered (or the worker stopped). */
  private settled: Promise<unknown> = Promise.resolve()

  constructor(onCrash: (error: Error) => void) {
    this.thread = new WorkerThread(inferenceWorkerEntry(), { stoppedError: stopped, onStop: (reason) => onCrash(reason) })
  }

  /** Alive and not running a request. */
  get idle(): boolean {
    return !this.thread.busy && !this.thread.stopped
  }

  async request(msg: DistributiveOmit<WorkerRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    const pending = this.thread.request(msg, transfer)
    this.settled = pending.catch(() => undefined)
    const reply = await pending
    if (reply.type === 'error') throw new WorkerFailure(reply.message, reply.kind)
    return reply
  }

  /**
   * Stops the worker without aborting the process: onnxruntime-node faults (an uncaught
   * `Napi::Error`, the whole process aborts) when a thread is terminated while a session runs, so
   * the run in flight is let finish and the session released first. A stopped worker just ends.
   */
  async retire(): Promise<void> {
    await this.settled
    if (!this.thread.stopped) await this.request({ type: 'unload' }).catch(() => undefined)
    await this.thread.terminate()
  }

  /** Lets the process exit while a retiring worker still waits for its run. */
  unref(): void {
    this.thread.unref()
  }
}

/** How long dispose() waits for runs in flight before it returns and leaves them to finish alone. */
export const DISPOSE_WAIT_MS = 120_000

export interface PoolOptions {
  readonly onnxFile: string
  readonly pooling: Pooling
  readonly candidates: readonly ProviderCandidate[]
  /** Worker count for the provider the first worker settled on (GPU: 1; CPU: several small ones). */
  readonly workers: number | ((provider: Provider) => number)
  readonly intraOpThreads: number | ((provider: Provider) => number)
  /** Model file per provider where it differs from `onnxFile` (fp16 on CUDA). */
  readonly fileFor?: Partial<Record<Provider, string>>
  /** CUDA device ids, one worker (session) per GPU when CUDA is used. */
  readonly cudaDevices?: readonly number[]
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
      const load = { type: 'load', onnxFile: options.onnxFile, fileFor: options.fileFor, pooling: options.pooling } as const
      const loaded = (await first.request({ ...load, candidates: options.candidates, intraOpThreads: threadsFor('cpu'), deviceId: options.cudaDevices?.[0] })) as LoadedReply
      pool.info = loaded
      pool.threads = threadsFor(loaded.provider)
      const count = typeof options.workers === 'function' ? options.workers(loaded.provider) : options.workers
      const devices = workerDevices(loaded.provider, count, options.cudaDevices)
      const only = options.candidates.map((c) => ({ provider: c.provider, skipReason: c.provider === loaded.provider ? null : 'not used' }))
      const rest = devices.slice(1).map((deviceId) => ({ deviceId, worker: new InferenceWorker((e) => pool.onCrash(e)) }))
      pool.workers.push(...rest.map((r) => r.worker))
      await Promise.all(rest.map(({ worker, deviceId }) => worker.request({ ...load, candidates: only, intraOpThreads: pool.threads, deviceId })))
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

  /**
   * Frees every worker once its run in flight (at most one sub-batch each) has finished; the
   * batcher has already failed the requests waiting. A run that does not end within `waitMs` (a
   * hung GPU driver) does not hold the caller: its worker is retired in the background.
   */
  async dispose(waitMs = DISPOSE_WAIT_MS): Promise<void> {
    const workers = this.workers.splice(0)
    let timer: NodeJS.Timeout | undefined
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const w of workers) w.unref()
        resolve()
      }, waitMs)
    })
    await Promise.race([Promise.all(workers.map((w) => w.retire())), waited])
    clearTimeout(timer)
  }
}
