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
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { NonFiniteValueError, resultsJsonBytes } from './results-json'
import type { ResultsReply, ResultsRequest } from './results-worker'

const BUNDLED_NAME = 'axon-results-worker.js'

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/axon-results-worker.js in the bundle. */
export function resultsWorkerEntry(base: string = import.meta.url): { script: string | URL; eval: boolean } {
  const here = fileURLToPath(base)
  if (here.endsWith('.ts')) {
    // Source checkout: Node 20 does not apply --import hooks to a worker entry, so register tsx inside it.
    const entry = pathToFileURL(path.join(path.dirname(here), 'results-worker.ts')).href
    const script = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}) }).catch((e) => { console.error(e); process.exit(1) })`
    return { script, eval: true }
  }
  // Bundled: this code may sit in out/main/ or in a shared chunk under out/main/chunks/.
  for (const dir of [path.dirname(here), path.dirname(path.dirname(here))]) {
    const file = path.join(dir, BUNDLED_NAME)
    if (fs.existsSync(file)) return { script: pathToFileURL(file), eval: false }
  }
  throw new Error(`The axon results worker script (${BUNDLED_NAME}) was not found next to ${here}. Rebuild TaoDesk.`)
}

/** Two workers where there are two cores: one request's JSON never waits behind another's. */
export function defaultResultsWorkers(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()))
}

/** A worker died or the pool closed while a job was pending. */
export class ResultsWorkerFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResultsWorkerFailure'
  }
}

export interface ResultsPoolOptions {
  /** Worker threads (default: one per core, at most 2). */
  readonly workers?: number
  readonly onWarning?: (message: string) => void
  /** For tests: where the worker entry is. */
  readonly entry?: () => { script: string | URL; eval: boolean }
}

interface Job {
  readonly id: number
  readonly rows: readonly ArrayLike<number>[]
  readonly dims: number
  readonly normalized: boolean
  readonly resolve: (bytes: Buffer) => void
  readonly reject: (error: Error) => void
}

interface Slot {
  worker: Worker | null
  ready: boolean
  job: Job | null
}

export class ResultsSerializerPool {
  readonly size: number
  private readonly slots: Slot[]
  private readonly queue: Job[] = []
  private nextId = 1
  private closed = false
  /** Set when workers cannot start: jobs are then serialized in this thread. */
  private unavailable: string | null = null
  private draining = false
  /** Jobs finished by a worker and in this thread (fallback): for tests and diagnostics. */
  readonly done = { worker: 0, inThread: 0 }

  constructor(private readonly options: ResultsPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? defaultResultsWorkers()))
    this.slots = Array.from({ length: this.size }, () => ({ worker: null, ready: false, job: null }))
  }

  /** Why the workers are not used, if they are not. */
  get fallbackReason(): string | null {
    return this.unavailable
  }

  /** Starts the workers now (they take a moment to load) instead of on the first job. */
  warm(): void {
    if (this.closed || this.unavailable) return
    for (const slot of this.slots) if (!slot.worker) this.spawn(slot)
  }

  /**
   * The `results` JSON of `rows` (each `dims` long; the caller checks shapes) as ASCII bytes
   * (resultsJsonBytes: byte-identical to `resultsJson()`). Rejects with NonFiniteValueError for NaN/Infinity input,
   * with ResultsWorkerFailure if a worker dies mid-job or the pool is closed.
   * `rows` are read (packed) when a worker takes the job, so the caller must not change them
   * until the promise settles; they are never transferred.
   */
  serialize(rows: readonly ArrayLike<number>[], dims: number, normalized: boolean): Promise<Buffer> {
    if (this.closed) return Promise.reject(new ResultsWorkerFailure('The results serializer is closed.'))
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, rows, dims, normalized, resolve, reject })
      this.dispatch()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.reject(new ResultsWorkerFailure('The results serializer was closed.'))
    await Promise.all(
      this.slots.map(async (s) => {
        const w = s.worker
        s.worker = null
        s.job?.reject(new ResultsWorkerFailure('The results serializer was closed.'))
        s.job = null
        if (w) await w.terminate().catch(() => undefined)
      }),
    )
  }

  private dispatch(): void {
    if (this.unavailable) return this.drainInThread()
    for (const slot of this.slots) {
      if (this.queue.length === 0) return
      if (slot.job) continue
      if (!slot.worker) this.spawn(slot)
      if (!slot.ready) continue
      this.send(slot, this.queue.shift() as Job)
    }
  }

  private send(slot: Slot, job: Job): void {
    const worker = slot.worker as Worker
    slot.job = job
    worker.ref()
    // Pack into one fresh matrix whose memory moves to the worker. float32 rows (every real
    // model) pack as float32; anything else as float64, so values reach the worker unchanged.
    const count = job.rows.length
    const allFloat32 = job.rows.every((r) => r instanceof Float32Array)
    const data = allFloat32 ? new Float32Array(count * job.dims) : new Float64Array(count * job.dims)
    for (let i = 0; i < count; i++) data.set(job.rows[i]!, i * job.dims)
    const msg: ResultsRequest = { id: job.id, data, count, dims: job.dims, normalized: job.normalized }
    worker.postMessage(msg, [data.buffer as ArrayBuffer])
  }

  private spawn(slot: Slot): void {
    let worker: Worker
    try {
      const entry = (this.options.entry ?? resultsWorkerEntry)()
      worker = new Worker(entry.script, { eval: entry.eval, stdout: false, stderr: false })
    } catch (error) {
      this.giveUp(error instanceof Error ? error.message : String(error))
      return
    }
    slot.worker = worker
    slot.ready = false
    worker.unref() // an idle worker does not keep the process alive
    // The worker has loaded its modules once it answers the ping; until then no job is sent to
    // it, so a worker that cannot start loses nothing (its jobs run in this thread instead).
    worker.on('message', (msg: ResultsReply | { ready: true }) => {
      if ('ready' in msg) {
        slot.ready = true
        this.dispatch()
        return
      }
      const job = slot.job
      if (!job || job.id !== msg.id) return
      slot.job = null
      worker.unref()
      this.done.worker++
      if (msg.ok) job.resolve(Buffer.from(msg.json.buffer, msg.json.byteOffset, msg.json.byteLength))
      else if (msg.row !== null) job.reject(new NonFiniteValueError(msg.row))
      else job.reject(new ResultsWorkerFailure(`Serializing the results failed in the worker: ${msg.message}`))
      this.dispatch()
    })
    const fail = (error: Error): void => {
      if (slot.worker !== worker) return
      const wasReady = slot.ready
      slot.worker = null
      slot.ready = false
      const job = slot.job
      slot.job = null
      if (this.closed) return
      if (job) job.reject(new ResultsWorkerFailure(`The results worker stopped while serializing: ${error.message}`))
      if (!wasReady) this.giveUp(error.message)
      else this.dispatch()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)))
    worker.postMessage({ ping: true })
  }

  private giveUp(reason: string): void {
    if (this.unavailable) return
    this.unavailable = reason
    this.options.onWarning?.(`Axon results worker threads could not start (${reason}); serializing responses in the engine's main thread instead.`)
    for (const s of this.slots) {
      void s.worker?.terminate().catch(() => undefined)
      s.worker = null
    }
    this.drainInThread()
  }

  /** Fallback: serialize queued jobs here, one per macrotask so other requests get a turn between them. */
  private drainInThread(): void {
    if (this.draining) return
    this.draining = true
    const step = (): void => {
      const job = this.queue.shift()
      if (!job) {
        this.draining = false
        return
      }
      this.done.inThread++
      try {
        job.resolve(resultsJsonBytes(job.rows, job.dims, job.normalized))
      } catch (error) {
        job.reject(error instanceof Error ? error : new Error(String(error)))
      }
      setImmediate(step)
    }
    setImmediate(step)
  }
}
