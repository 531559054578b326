import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Pooling } from './pooling'
import type { LoadedReply, WorkerReply, WorkerRequest } from './protocol'
import type { Provider, ProviderCandidate } from './providers'

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/embedding-worker.js in the bundle. */
export function workerEntry(): { script: URL | string; eval: boolean } {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) {
    // Source checkout (tsx, vitest): register tsx inside the worker, then load the TypeScript entry.
    const entry = pathToFileURL(path.join(path.dirname(here), 'inference-worker.ts')).href
    const script = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}) }).catch((e) => { console.error(e); process.exit(1) })`
    return { script, eval: true }
  }
  for (const dir of [path.dirname(here), path.dirname(path.dirname(here))]) {
    const file = path.join(dir, 'embedding-worker.js')
    if (fs.existsSync(file)) return { script: pathToFileURL(file), eval: false }
  }
  throw new Error(`The embedding worker script (embedding-worker.js) was not found next to ${here}`)
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

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

interface Pending {
  resolve: (reply: WorkerReply) => void
  reject: (error: Error) => void
}

/** One inference worker thread with request/response bookkeeping. */
class InferenceWorker {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  dead: Error | null = null
  busy = false

  constructor(onCrash: (error: Error) => void) {
    const entry = workerEntry()
    this.worker = new Worker(entry.script, { eval: entry.eval, stdout: false, stderr: false })
    this.worker.on('message', (msg: WorkerReply) => {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.type === 'error') p.reject(new WorkerFailure(msg.message, msg.kind))
      else p.resolve(msg)
    })
    const fail = (error: Error): void => {
      if (this.dead) return
      this.dead = error
      for (const p of this.pending.values()) p.reject(new WorkerFailure(`The inference worker stopped: ${error.message}`, 'crashed'))
      this.pending.clear()
      onCrash(error)
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)))
  }

  request(msg: DistributiveOmit<WorkerRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(new WorkerFailure(`The inference worker stopped: ${this.dead.message}`, 'crashed'))
    const id = this.nextId++
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ ...msg, id } as WorkerRequest, transfer)
    })
  }

  async terminate(): Promise<void> {
    this.dead ??= new Error('terminated')
    try {
      await Promise.race([this.request({ type: 'dispose' }).catch(() => undefined), new Promise((r) => setTimeout(r, 2000))])
    } finally {
      await this.worker.terminate()
    }
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
  private waiters: (() => void)[] = []
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

  get idle(): number {
    return this.workers.filter((w) => !w.busy && !w.dead).length
  }

  private onCrash(error: Error): void {
    this.crashed ??= error
    for (const w of this.waiters) w()
    this.waiters = []
  }

  /** Runs one padded sub-batch on an idle worker; the caller ensures one is idle. */
  async run(input: BatchInput): Promise<Float32Array> {
    const worker = this.workers.find((w) => !w.busy && !w.dead)
    if (!worker) throw new WorkerFailure(this.crashed ? `The inference worker stopped: ${this.crashed.message}` : 'No idle inference worker', 'crashed')
    worker.busy = true
    try {
      const reply = await worker.request({ type: 'run', ids: input.ids, lengths: input.lengths, batch: input.batch, seq: input.seq }, [input.ids.buffer as ArrayBuffer])
      if (reply.type !== 'result') throw new WorkerFailure('Unexpected reply from the inference worker', 'internal')
      return reply.vectors
    } finally {
      worker.busy = false
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => undefined)))
    this.workers.length = 0
  }
}
