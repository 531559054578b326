import type { Disposable, Event } from '../base/emitter'

/**
 * A bidirectional message pipe. Messages are plain data; the transport decides how they
 * travel (structured clone, JSON over a socket, Electron IPC).
 */
export interface Transport {
  send(message: unknown): void
  readonly onMessage: Event<unknown>
  readonly onClose: Event<void>
  close(): void
}

export type { Disposable }
