/**
 * Large JSON off the engine's main thread: request bodies are decoded and parsed, and answers
 * printed, in worker threads (json-worker.ts) once they pass `offThreadBytes`; smaller ones in
 * this thread (a thread hop costs more than they do). A parsed body comes back as a structured
 * clone (one copy into this thread, no decoding or parsing here); printed bytes come back
 * transferred (no copy).
 *
 * If the workers cannot start at all (a broken install), the work runs in this thread, one job
 * per macrotask, and `onWarning` says so once.
 */
import { createThreadPool, workerEntry } from '../workers'
import type { PoolChoices, ThreadPool, WorkerEntry } from '../workers'
import { JsonCodecError, parseJsonBytes, stringifyJson } from './codec'
import type { JsonReply, JsonRequest, Splice } from './codec'

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/json-worker.js in the bundle. */
export function jsonWorkerEntry(): WorkerEntry {
  return workerEntry('json-worker', './json-worker.ts', import.meta.url)
}

/** Worker threads default to one per core, at most 2. */
export interface JsonThreadsOptions extends PoolChoices {
  /** Bodies and answers at least this large go to a worker (default 256 KiB). */
  readonly offThreadBytes?: number
}

type Job = { readonly op: 'parse'; readonly bytes: Uint8Array } | { readonly op: 'stringify'; readonly value: unknown; readonly splice: Splice | null }

export class JsonThreads {
  readonly offThreadBytes: number
  private readonly pool: ThreadPool<Job, unknown, JsonRequest, JsonReply>

  constructor(options: JsonThreadsOptions = {}) {
    this.offThreadBytes = options.offThreadBytes ?? 256 * 1024
    this.pool = createThreadPool<Job, unknown, JsonRequest, JsonReply>(options, {
      maxWorkers: 2,
      entry: jsonWorkerEntry,
      // A body that owns its whole ArrayBuffer moves to the worker; a pooled slice is copied.
      encode: (job) => (job.op === 'parse' && ownsBuffer(job.bytes) ? { message: job, transfer: [job.bytes.buffer as ArrayBuffer] } : { message: job }),
      decode: (reply) => {
        if (!reply.ok) throw new JsonCodecError(reply.kind, reply.message)
        return 'bytes' in reply ? Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength) : reply.value
      },
      inThread: (job) => (job.op === 'parse' ? parseJsonBytes(job.bytes) : Buffer.from(stringifyJson(job.value, job.splice), 'utf8')),
      failure: (message) => new JsonCodecError('internal', message),
      messages: {
        closed: 'The JSON threads are closed.',
        closing: 'The JSON threads were closed.',
        stopped: (reason) => `The JSON worker stopped: ${reason}`,
        unavailable: (reason) => `JSON worker threads could not start (${reason}); large requests are parsed in the engine's main thread instead.`,
      },
    })
  }

  /** Jobs finished by a worker and in this thread (fallback): for tests and diagnostics. */
  get done(): { readonly worker: number; readonly inThread: number } {
    return this.pool.done
  }

  /**
   * Strict UTF-8 and JSON.parse; throws JsonCodecError. A large body's memory moves to the
   * worker when it owns its ArrayBuffer: do not use `bytes` afterwards.
   */
  async parse(bytes: Uint8Array): Promise<unknown> {
    if (bytes.byteLength < this.offThreadBytes) return parseJsonBytes(bytes)
    return this.pool.run({ op: 'parse', bytes })
  }

  /** JSON.stringify as UTF-8 bytes; `sizeHint` (e.g. the request's size) picks the thread. */
  async stringify(value: unknown, sizeHint: number, splice: Splice | null = null): Promise<Buffer> {
    if (sizeHint < this.offThreadBytes) return Buffer.from(stringifyJson(value, splice), 'utf8')
    return (await this.pool.run({ op: 'stringify', value, splice })) as Buffer
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}

function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
}
