/**
 * One worker thread with request/reply bookkeeping: every request gets an id, the worker answers
 * with the same id (serve.ts does that side), and a worker that stops fails every request still
 * waiting for an answer.
 *
 * The worker also answers a ping sent at start. The answer means its modules loaded, so a pool
 * can hold jobs back until then and lose nothing when a worker cannot start at all.
 */
import type { ResourceLimits, Transferable } from 'node:worker_threads'
import { Worker } from 'node:worker_threads'
import type { WorkerEntry } from './entry'

/** Omit over each member of a union (a plain Omit would merge the members). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** Every request and reply carries the id that pairs them. */
export interface Tagged {
  readonly id: number
}

export const READY_PING = { ping: true } as const
export const READY_ANSWER = { ready: true } as const

export interface WorkerThreadOptions {
  /** The error that requests still waiting get when the worker stops (crash, exit, failed start). */
  readonly stoppedError: (reason: Error) => Error
  /** The worker answered the ping: its modules loaded. */
  readonly onReady?: () => void
  /** The worker stopped by itself (not through terminate()); `wasReady`: it had answered the ping. */
  readonly onStop?: (reason: Error, wasReady: boolean) => void
  readonly resourceLimits?: ResourceLimits
}

interface Pending<Reply> {
  readonly resolve: (reply: Reply) => void
  readonly reject: (error: Error) => void
}

export class WorkerThread<Req extends Tagged, Reply extends Tagged> {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending<Reply>>()
  private nextId = 1
  private isReady = false
  /** Why the worker stopped, once it has. */
  private stoppedBy: Error | null = null

  /** Throws if the worker cannot even be created (a bad entry). */
  constructor(
    entry: WorkerEntry,
    private readonly options: WorkerThreadOptions,
  ) {
    this.worker = new Worker(entry.script, {
      eval: entry.eval,
      stdout: false,
      stderr: false,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    })
    this.worker.on('message', (msg: Reply | typeof READY_ANSWER) => {
      if ('ready' in msg) {
        this.isReady = true
        options.onReady?.()
        return
      }
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      p.resolve(msg)
    })
    this.worker.on('error', (error) => this.stop(error, true))
    this.worker.on('exit', (code) => this.stop(new Error(`exit code ${code}`), true))
    this.worker.postMessage(READY_PING)
  }

  get ready(): boolean {
    return this.isReady
  }

  get stopped(): Error | null {
    return this.stoppedBy
  }

  /** Requests are waiting for their answers. */
  get busy(): boolean {
    return this.pending.size > 0
  }

  /** Free for a job: loaded, alive and not answering another request. */
  get idle(): boolean {
    return this.isReady && !this.stoppedBy && this.pending.size === 0
  }

  /** Sends `message` (its `transfer` list moves, not copied) and waits for the worker's answer. */
  request(message: DistributiveOmit<Req, 'id'>, transfer: readonly Transferable[] = []): Promise<Reply> {
    if (this.stoppedBy) return Promise.reject(this.options.stoppedError(this.stoppedBy))
    const id = this.nextId++
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ ...message, id }, transfer)
    })
  }

  /** Keeps the process alive while this worker runs (Node's default). */
  ref(): void {
    this.worker.ref()
  }

  /** An idle worker does not keep the process alive. */
  unref(): void {
    this.worker.unref()
  }

  /** Stops the worker; requests still waiting fail with `pendingError` (default: the stopped error). */
  async terminate(pendingError?: Error): Promise<void> {
    this.stop(new Error('terminated'), false, pendingError)
    await this.worker.terminate().catch(() => undefined)
  }

  private stop(reason: Error, unexpected: boolean, pendingError?: Error): void {
    if (this.stoppedBy) return
    this.stoppedBy = reason
    const error = pendingError ?? this.options.stoppedError(reason)
    for (const p of this.pending.values()) p.reject(error)
    this.pending.clear()
    if (unexpected) this.options.onStop?.(reason, this.isReady)
  }
}
