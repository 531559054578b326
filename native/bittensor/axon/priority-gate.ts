/**
 * A concurrency limiter that admits waiting callers highest priority first (the caller's stake,
 * as the Python axon's priority thread pool does), FIFO among equals.
 */
export class GateFullError extends Error {
  constructor(readonly queued: number) {
    super(`Service busy: ${queued} requests already waiting`)
    this.name = 'GateFullError'
  }
}

export class GateTimeoutError extends Error {
  constructor(readonly waitedMs: number) {
    super(`Timed out after waiting ${(waitedMs / 1000).toFixed(1)} s for a free slot`)
    this.name = 'GateTimeoutError'
  }
}

interface Waiter {
  readonly priority: number
  readonly seq: number
  readonly grant: () => void
}

export class PriorityGate {
  private active = 0
  private seq = 0
  private readonly waiting: Waiter[] = []

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {
    if (!(maxConcurrent >= 1)) throw new Error('maxConcurrent must be at least 1')
  }

  get inFlight(): number {
    return this.active
  }

  get queued(): number {
    return this.waiting.length
  }

  /** Resolves with a release function once a slot is free. Rejects on timeout, abort or a full queue. */
  acquire(priority: number, timeoutMs: number, signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.maxConcurrent && this.waiting.length === 0) {
      this.active++
      return Promise.resolve(this.releaser())
    }
    if (this.waiting.length >= this.maxQueued) return Promise.reject(new GateFullError(this.waiting.length))
    const started = Date.now()
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        priority: Number.isFinite(priority) ? priority : 0,
        seq: this.seq++,
        grant: () => {
          cleanup()
          resolve(this.releaser())
        },
      }
      const remove = (): void => {
        const i = this.waiting.indexOf(waiter)
        if (i >= 0) this.waiting.splice(i, 1)
      }
      const timer = setTimeout(() => {
        remove()
        cleanup()
        reject(new GateTimeoutError(Date.now() - started))
      }, Math.max(0, timeoutMs))
      const onAbort = (): void => {
        remove()
        cleanup()
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
      }
      const cleanup = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      // Insert sorted: higher priority first, then arrival order.
      let i = this.waiting.length
      while (i > 0) {
        const prev = this.waiting[i - 1]!
        if (prev.priority >= waiter.priority) break
        i--
      }
      this.waiting.splice(i, 0, waiter)
    })
  }

  private releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next.grant()
      else this.active--
    }
  }
}
