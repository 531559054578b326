import os from 'node:os'
/**
 * A fixed number of worker threads (thread.ts) taking jobs from one queue, started on first use.
 * Each job is encoded for the worker only when a worker takes it, so what the job transfers
 * moves exactly once, to the worker that runs it.
 *
 * A worker takes jobs once it has answered the ready ping. One that dies mid-job fails that job
 * (`stopped` message) and is replaced for the next one. If a worker cannot start at all (a broken
 * install), the pool gives up on threads: with `inThread` it runs the jobs in this thread, one
 * per macrotask, and `onWarning` says so once; without it, jobs fail.
 */
import type { Transferable } from 'node:worker_threads'
import type { WorkerEntry } from './entry'
import type { DistributiveOmit, Tagged } from './thread'
import { WorkerThread } from './thread'

/** What the pool says, through `failure`, when a job cannot get an answer. */
export interface PoolMessages {
  /** A job submitted after close(). */
  readonly closed: string
  /** A job still queued or running when close() was called. */
  readonly closing: string
  /** A job whose worker stopped while running it. */
  readonly stopped: (reason: string) => string
  /** The warning when worker threads cannot start. */
  readonly unavailable: (reason: string) => string
}

/** A job as a request: `transfer` lists memory that moves to the worker instead of being copied. */
export interface Encoded<Req extends Tagged> {
  readonly message: DistributiveOmit<Req, 'id'>
  readonly transfer?: readonly Transferable[]
}

export interface ThreadPoolOptions<Job, Result, Req extends Tagged, Reply extends Tagged> {
  readonly workers: number
  /** Called each time a worker is started (tests point it elsewhere). */
  readonly entry: () => WorkerEntry
  /** The request for a job, built when a worker takes it. */
  readonly encode: (job: Job) => Encoded<Req>
  /** The job's result from the worker's reply; throws for a failed job. */
  readonly decode: (reply: Reply) => Result
  /** Runs a job in this thread when workers cannot start; throws for a failed job. */
  readonly inThread?: (job: Job) => Result
  /** The error class of this pool's failures. */
  readonly failure: (message: string) => Error
  readonly messages: PoolMessages
  readonly onWarning?: (message: string) => void
}

interface Queued<Job, Result> {
  readonly job: Job
  readonly resolve: (result: Result) => void
  readonly reject: (error: Error) => void
}

export class ThreadPool<Job, Result, Req extends Tagged, Reply extends Tagged> {
  readonly size: number
  private readonly threads: (WorkerThread<Req, Reply> | null)[]
  private readonly queue: Queued<Job, Result>[] = []
  private closed = false
  /** Set when workers cannot start: jobs then run in this thread (or fail). */
  private unavailable: string | null = null
  private draining = false
  /** Jobs answered by a worker and run in this thread (fallback): for tests and diagnostics. */
  readonly done = { worker: 0, inThread: 0 }

  constructor(private readonly options: ThreadPoolOptions<Job, Result, Req, Reply>) {
    this.size = Math.max(1, Math.floor(options.workers))
    this.threads = Array.from({ length: this.size }, () => null)
  }

  /** Why the workers are not used, if they are not. */
  get fallbackReason(): string | null {
    return this.unavailable
  }

  /** Starts the workers now (they take a moment to load) instead of on the first job. */
  warm(): void {
    if (this.closed || this.unavailable) return
    for (let i = 0; i < this.size; i++) if (!this.threads[i]) this.spawn(i)
  }

  run(job: Job): Promise<Result> {
    if (this.closed) return Promise.reject(this.options.failure(this.options.messages.closed))
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ job, resolve, reject })
      this.dispatch()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const error = this.options.failure(this.options.messages.closing)
    for (const q of this.queue.splice(0)) q.reject(error)
    await Promise.all(this.takeThreads().map((t) => t?.terminate(error)))
  }

  private dispatch(): void {
    if (this.unavailable) return this.drainInThread()
    for (let i = 0; i < this.size && this.queue.length > 0 && !this.unavailable; i++) {
      const thread = this.threads[i] ?? this.spawn(i)
      if (thread?.idle) this.send(thread, this.queue.shift()!)
    }
  }

  private send(thread: WorkerThread<Req, Reply>, queued: Queued<Job, Result>): void {
    let request: Encoded<Req>
    try {
      request = this.options.encode(queued.job)
    } catch (error) {
      queued.reject(asError(error))
      return
    }
    thread.ref()
    thread.request(request.message, request.transfer).then(
      (reply) => {
        this.done.worker++
        settle(queued, () => this.options.decode(reply))
        this.afterJob(thread)
      },
      (error: unknown) => {
        queued.reject(asError(error))
        this.afterJob(thread)
      },
    )
  }

  private afterJob(thread: WorkerThread<Req, Reply>): void {
    if (!thread.busy) thread.unref()
    this.dispatch()
  }

  private spawn(index: number): WorkerThread<Req, Reply> | null {
    let thread: WorkerThread<Req, Reply>
    try {
      thread = new WorkerThread<Req, Reply>(this.options.entry(), {
        stoppedError: (reason) => this.options.failure(this.options.messages.stopped(reason.message)),
        onReady: () => {
          this.dispatch()
          if (!thread.busy) thread.unref()
        },
        onStop: (reason, wasReady) => {
          if (this.threads[index] === thread) this.threads[index] = null
          if (this.closed) return
          // One that loaded and then died is replaced; one that never loaded means none will.
          if (wasReady) this.dispatch()
          else this.giveUp(reason.message)
        },
      })
    } catch (error) {
      this.giveUp(asError(error).message)
      return null
    }
    // Loading keeps the process alive only while jobs wait for it.
    if (this.queue.length === 0) thread.unref()
    this.threads[index] = thread
    return thread
  }

  /** Empties the slots, returning what was in them. */
  private takeThreads(): (WorkerThread<Req, Reply> | null)[] {
    const threads = [...this.threads]
    this.threads.fill(null)
    return threads
  }

  private giveUp(reason: string): void {
    if (this.unavailable) return
    this.unavailable = reason
    this.options.onWarning?.(this.options.messages.unavailable(reason))
    for (const t of this.takeThreads()) void t?.terminate()
    this.drainInThread()
  }

  /** Fallback: queued jobs run here, one per macrotask so other work gets a turn between them. */
  private drainInThread(): void {
    const inThread = this.options.inThread
    if (!inThread) {
      const error = this.options.failure(this.options.messages.unavailable(this.unavailable ?? 'unknown'))
      for (const q of this.queue.splice(0)) q.reject(error)
      return
    }
    if (this.draining) return
    this.draining = true
    const step = (): void => {
      const queued = this.queue.shift()
      if (!queued) {
        this.draining = false
        return
      }
      this.done.inThread++
      settle(queued, () => inThread(queued.job))
      setImmediate(step)
    }
    setImmediate(step)
  }
}

function settle<Job, Result>(queued: Queued<Job, Result>, result: () => Result): void {
  try {
    queued.resolve(result())
  } catch (error) {
    queued.reject(asError(error))
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

/** One worker per core, at most `max` (and at least one). */
export function workersPerCore(max: number): number {
  return Math.max(1, Math.min(max, os.availableParallelism()))
}
