/**
 * A small pool of scoring worker threads (score-worker.ts), one per core up to 4, started on
 * first use. Each job is one miner's raw response body: its ArrayBuffer is transferred to the
 * worker (no copy), which parses, validates and scores it and sends back a few numbers. The
 * engine's main thread never parses or multiplies 10 MB answers.
 *
 * If the workers cannot start at all (a broken install), scoring still happens, in this thread,
 * and `onWarning` says so. A worker that dies in the middle of a job fails that job with a
 * ScoringFailure (and is replaced for the next one).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { BodyScore, ScoreTask } from './infonce'
import { scoreBody } from './score-body'
import type { ScoreReply, ScoreRequest } from './score-protocol'

const BUNDLED_NAME = 'validator-score-worker.js'

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/validator-score-worker.js in the bundle. */
export function scoreWorkerEntry(base: string = import.meta.url): { script: string | URL; eval: boolean } {
  const here = fileURLToPath(base)
  if (here.endsWith('.ts')) {
    // Source checkout: Node 20 does not apply --import hooks to a worker entry, so register tsx inside it.
    const entry = pathToFileURL(path.join(path.dirname(here), 'score-worker.ts')).href
    const script = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}) }).catch((e) => { console.error(e); process.exit(1) })`
    return { script, eval: true }
  }
  // Bundled: this code may sit in out/main/ or in a shared chunk under out/main/chunks/.
  for (const dir of [path.dirname(here), path.dirname(path.dirname(here))]) {
    const file = path.join(dir, BUNDLED_NAME)
    if (fs.existsSync(file)) return { script: pathToFileURL(file), eval: false }
  }
  throw new Error(`The scoring worker script (${BUNDLED_NAME}) was not found next to ${here}. Rebuild TaoDesk.`)
}

/** One worker per core, at most 4 (scoring one round is a few hundred ms of CPU in total). */
export function defaultScoringWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()))
}

export class ScoringFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ScoringFailure'
  }
}

export interface TimedBodyScore extends BodyScore {
  /** Milliseconds spent parsing and scoring (in the worker, or in-thread on fallback). */
  readonly ms: number
  readonly where: 'worker' | 'in-thread'
}

interface Job {
  readonly id: number
  readonly body: Uint8Array
  readonly task: ScoreTask
  readonly resolve: (r: TimedBodyScore) => void
  readonly reject: (e: Error) => void
}

interface Slot {
  worker: Worker | null
  ready: boolean
  job: Job | null
}

export interface ScoringPoolOptions {
  /** Worker threads (default: one per core, at most 4). */
  readonly workers?: number
  readonly onWarning?: (message: string) => void
  /** For tests: where the worker entry is. */
  readonly entry?: () => { script: string | URL; eval: boolean }
}

export class ScoringPool {
  readonly size: number
  private readonly slots: Slot[]
  private readonly queue: Job[] = []
  private nextId = 1
  private closed = false
  /** Set when workers cannot start: jobs are then scored in this thread. */
  private unavailable: string | null = null
  private draining = false

  constructor(private readonly options: ScoringPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? defaultScoringWorkers()))
    this.slots = Array.from({ length: this.size }, () => ({ worker: null, ready: false, job: null }))
  }

  /** Why the workers are not used, if they are not. */
  get fallbackReason(): string | null {
    return this.unavailable
  }

  /**
   * Parses, validates and scores one response body. The body's memory moves to the worker:
   * do not use `body` afterwards. Rejects only with ScoringFailure (a worker died mid-job) or
   * when the pool is closed; miner input never makes it reject.
   */
  score(body: Uint8Array, task: ScoreTask): Promise<TimedBodyScore> {
    if (this.closed) return Promise.reject(new ScoringFailure('The scoring pool is closed.'))
    return new Promise<TimedBodyScore>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, body, task, resolve, reject })
      this.dispatch()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.reject(new ScoringFailure('The scoring pool was closed.'))
    await Promise.all(
      this.slots.map(async (s) => {
        const w = s.worker
        s.worker = null
        s.job?.reject(new ScoringFailure('The scoring pool was closed.'))
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
      const job = this.queue.shift() as Job
      this.send(slot, job)
    }
  }

  private send(slot: Slot, job: Job): void {
    const worker = slot.worker as Worker
    slot.job = job
    worker.ref()
    // Transfer the body's memory. A view into a bigger buffer (Node's pooled small Buffers) is
    // copied first, so that transferring never detaches memory that someone else uses.
    const whole = job.body.byteOffset === 0 && job.body.byteLength === job.body.buffer.byteLength && job.body.buffer instanceof ArrayBuffer
    const body = whole ? job.body : job.body.slice()
    const msg: ScoreRequest = { id: job.id, body, task: plainTask(job.task) }
    worker.postMessage(msg, [body.buffer as ArrayBuffer])
  }

  private spawn(slot: Slot): void {
    let worker: Worker
    try {
      const entry = (this.options.entry ?? scoreWorkerEntry)()
      worker = new Worker(entry.script, { eval: entry.eval, stdout: false, stderr: false })
    } catch (error) {
      this.giveUp(error instanceof Error ? error.message : String(error))
      return
    }
    slot.worker = worker
    slot.ready = false
    // The worker has loaded its modules once the first message can be answered; until then
    // nothing is transferred to it, so a worker that cannot start loses no answer.
    worker.on('message', (msg: ScoreReply | { ready: true }) => {
      if ('ready' in msg) {
        slot.ready = true
        this.dispatch()
        if (!slot.job) worker.unref() // an idle worker does not keep the process alive
        return
      }
      const job = slot.job
      if (!job || job.id !== msg.id) return
      slot.job = null
      worker.unref()
      if (msg.ok) job.resolve({ ...msg.result, ms: msg.ms, where: 'worker' })
      else job.reject(new ScoringFailure(`Scoring failed in the worker: ${msg.message}`))
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
      if (job) job.reject(new ScoringFailure(`The scoring worker stopped while scoring: ${error.message}`))
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
    this.options.onWarning?.(`Scoring worker threads could not start (${reason}); scoring in the engine's main thread instead.`)
    for (const s of this.slots) {
      void s.worker?.terminate().catch(() => undefined)
      s.worker = null
    }
    this.drainInThread()
  }

  /** Fallback: score queued jobs here, one per macrotask so the engine stays responsive between them. */
  private drainInThread(): void {
    if (this.draining) return
    this.draining = true
    const step = (): void => {
      const job = this.queue.shift()
      if (!job) {
        this.draining = false
        return
      }
      const t0 = performance.now()
      try {
        job.resolve({ ...scoreBody(job.body, job.task), ms: performance.now() - t0, where: 'in-thread' })
      } catch (error) {
        job.reject(new ScoringFailure(`Scoring failed: ${error instanceof Error ? error.message : String(error)}`))
      }
      setImmediate(step)
    }
    setImmediate(step)
  }
}

/** Only plain data crosses the thread boundary. */
function plainTask(t: ScoreTask): ScoreTask {
  return {
    textCount: t.textCount,
    dimensions: t.dimensions,
    normalized: t.normalized,
    qIdx: Array.from(t.qIdx),
    aIdx: Array.from(t.aIdx),
    ...(t.temperature !== undefined ? { temperature: t.temperature } : {}),
    ...(t.rejectDegenerate !== undefined ? { rejectDegenerate: t.rejectDegenerate } : {}),
  }
}
