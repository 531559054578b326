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
import { createThreadPool, workerEntry, workersPerCore } from '../../../platform/workers'
import type { PoolChoices, ThreadPool, WorkerEntry } from '../../../platform/workers'
import type { BodyScore, ScoreTask } from './infonce'
import { scoreBody } from './score-body'
import type { ScoreReply, ScoreRequest } from './score-protocol'

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/validator-score-worker.js in the bundle. */
export function scoreWorkerEntry(): WorkerEntry {
  return workerEntry('validator-score-worker', './score-worker.ts', import.meta.url)
}

/** One worker per core, at most 4 (scoring one round is a few hundred ms of CPU in total). */
const MAX_SCORING_WORKERS = 4

export function defaultScoringWorkers(): number {
  return workersPerCore(MAX_SCORING_WORKERS)
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
  readonly body: Uint8Array
  readonly task: ScoreTask
}

/** Worker threads default to one per core, at most 4. */
export type ScoringPoolOptions = PoolChoices

export class ScoringPool {
  private readonly pool: ThreadPool<Job, TimedBodyScore, ScoreRequest, ScoreReply>

  constructor(options: ScoringPoolOptions = {}) {
    this.pool = createThreadPool<Job, TimedBodyScore, ScoreRequest, ScoreReply>(options, {
      maxWorkers: MAX_SCORING_WORKERS,
      entry: scoreWorkerEntry,
      encode: ({ body, task }) => {
        // Transfer the body's memory. A view into a bigger buffer (Node's pooled small Buffers) is
        // copied first, so that transferring never detaches memory that someone else uses.
        const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer
        const own = whole ? body : body.slice()
        return { message: { body: own, task: plainTask(task) }, transfer: [own.buffer as ArrayBuffer] }
      },
      decode: (reply) => {
        if (reply.ok) return { ...reply.result, ms: reply.ms, where: 'worker' }
        throw new ScoringFailure(`Scoring failed in the worker: ${reply.message}`)
      },
      inThread: ({ body, task }) => {
        const t0 = performance.now()
        try {
          return { ...scoreBody(body, task), ms: performance.now() - t0, where: 'in-thread' }
        } catch (error) {
          throw new ScoringFailure(`Scoring failed: ${error instanceof Error ? error.message : String(error)}`)
        }
      },
      failure: (message) => new ScoringFailure(message),
      messages: {
        closed: 'The scoring pool is closed.',
        closing: 'The scoring pool was closed.',
        stopped: (reason) => `The scoring worker stopped while scoring: ${reason}`,
        unavailable: (reason) => `Scoring worker threads could not start (${reason}); scoring in the engine's main thread instead.`,
      },
    })
  }

  get size(): number {
    return this.pool.size
  }

  /** Why the workers are not used, if they are not. */
  get fallbackReason(): string | null {
    return this.pool.fallbackReason
  }

  /**
   * Parses, validates and scores one response body. The body's memory moves to the worker:
   * do not use `body` afterwards. Rejects only with ScoringFailure (a worker died mid-job) or
   * when the pool is closed; miner input never makes it reject.
   */
  score(body: Uint8Array, task: ScoreTask): Promise<TimedBodyScore> {
    return this.pool.run({ body, task })
  }

  close(): Promise<void> {
    return this.pool.close()
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
