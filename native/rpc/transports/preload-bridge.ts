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
  const stopMessages = bridge.onMessage((m) => messages.fire(m))
  const stopState = bridge.onEngineState((up) => {
    if (!up) closes.fire()
  })
  return {
    onMessage: messages.event,
    onClose: closes.event,
    send: (message) => bridge.send(message),
    close: () => {
      stopMessages()
      stopState()
      closes.fire()
    },
  }
}
