import { Emitter } from '../../base'
import type { Transport } from '../transport'

/** What the Electron preload exposes on `window.taodesk` (see electron/preload). */
export interface PreloadBridge {
  send(message: unknown): void
  onMessage(listener: (message: unknown) => void): () => void
  onEngineState(listener: (up: boolean) => void): () => void
}

/** The renderer's end of Electron IPC as a Transport. */
export function preloadBridgeTransport(bridge: PreloadBridge): Transport {
  const messages = new Emitter<unknown>()
  const closes = new Emitter<void>()
  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    stopMessages()
    stopState()
    closes.fire()
  }
  const stopMessages = bridge.onMessage((m) => messages.fire(m))
  // The engine process died: this connection is gone; the client reconnects when it is back.
  const stopState = bridge.onEngineState((up) => {
    if (!up) close()
  })
  return {
    onMessage: messages.event,
    onClose: closes.event,
    send: (message) => {
      if (closed) throw new Error('The engine connection is closed')
      bridge.send(message)
    },
    close,
  }
}
