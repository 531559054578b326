import { Emitter } from '../../base'
import type { Transport } from '../transport'

/**
 * Two linked in-process transports. Messages are structured-cloned and delivered on a
 * microtask, so tests see the same copy semantics and asynchrony as a real pipe.
 */
export function createInprocPair(): [Transport, Transport] {
  const a = new InprocEnd()
  const b = new InprocEnd()
  a.peer = b
  b.peer = a
  return [a, b]
}

class InprocEnd implements Transport {
  peer: InprocEnd | undefined
  private closed = false
  private readonly messages = new Emitter<unknown>()
  private readonly closes = new Emitter<void>()
  readonly onMessage = this.messages.event
  readonly onClose = this.closes.event

  send(message: unknown): void {
    if (this.closed || !this.peer) throw new Error('Transport is closed')
    const copy = structuredClone(message)
    const peer = this.peer
    queueMicrotask(() => peer.deliver(copy))
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.closes.fire()
    const peer = this.peer
    this.peer = undefined
    peer?.close()
  }

  private deliver(message: unknown): void {
    if (!this.closed) this.messages.fire(message)
  }
}
