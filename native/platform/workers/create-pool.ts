/**
 * The one shape every worker pool of the engine is built in: its owner offers callers the same
 * choices (how many workers, where the warning goes, for tests where the worker entry is) and
 * fills in the rest (its jobs, messages, default entry and its most workers).
 */
import type { WorkerEntry } from './entry'
import { ThreadPool, workersPerCore } from './pool'
import type { ThreadPoolOptions } from './pool'
import type { Tagged } from './thread'

/** What a pool's callers may choose. */
export interface PoolChoices {
  /** Worker threads (default: one per core, at most the pool's `maxWorkers`). */
  readonly workers?: number
  /** Told once when worker threads cannot start and the jobs run in this thread instead. */
  readonly onWarning?: (message: string) => void
  /** For tests: where the worker entry is. */
  readonly entry?: () => WorkerEntry
}

/** What the pool's owner decides: everything but the caller's choices, with the default worker count's cap. */
export type PoolDesign<Job, Result, Req extends Tagged, Reply extends Tagged> = Omit<ThreadPoolOptions<Job, Result, Req, Reply>, 'workers' | 'onWarning'> & {
  /** The default is one worker per core, at most this many. */
  readonly maxWorkers: number
}

export function createThreadPool<Job, Result, Req extends Tagged, Reply extends Tagged>(
  choices: PoolChoices,
  design: PoolDesign<Job, Result, Req, Reply>,
): ThreadPool<Job, Result, Req, Reply> {
  const { maxWorkers, ...own } = design
  return new ThreadPool({
    ...own,
    workers: choices.workers ?? workersPerCore(maxWorkers),
    entry: choices.entry ?? design.entry,
    ...(choices.onWarning ? { onWarning: choices.onWarning } : {}),
  })
}
