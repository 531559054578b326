export interface Disposable {
  dispose(): void
}

export type Listener<T> = (value: T) => void

/** A subscription function: call it with a listener, get back a Disposable that removes it. */
export type Event<T> = (listener: Listener<T>) => Disposable

export function toDisposable(dispose: () => void): Disposable {
  let done = false
  return {
    dispose() {
      if (done) return
      done = true
      dispose()
    },
  }
}

/**
 * A minimal typed event emitter. Listener errors are isolated: one throwing listener
 * must not stop the others (a broken UI subscriber must not stop log persistence).
 */
export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<Listener<T>>()
  private disposed = false

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => {})
    this.listeners.add(listener)
    return toDisposable(() => this.listeners.delete(listener))
  }

  get listenerCount(): number {
    return this.listeners.size
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value)
      } catch (error) {
        this.onListenerError(error)
      }
    }
  }

  dispose(): void {
    this.disposed = true
    this.listeners.clear()
  }
}
