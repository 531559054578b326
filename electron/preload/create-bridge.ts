import { ENGINE_STATE_CHANNEL, RPC_CHANNEL } from '../shared/channels'
import type { PreloadBridge } from '../../native/rpc/transports/preload-bridge'

/** The subset of ipcRenderer the bridge needs (typed structurally so tests can supply a fake). */
export interface IpcRendererLike {
  send(channel: string, message: unknown): void
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown
  removeListener(channel: string, listener: (event: unknown, message: unknown) => void): unknown
}

/**
 * What the page gets: send an envelope, receive envelopes. No channel choice, no Node, no
 * Electron objects; main validates the sender and the engine validates every payload.
 */
export function createPreloadBridge(ipc: IpcRendererLike): PreloadBridge {
  return Object.freeze({
    send(message: unknown): void {
      ipc.send(RPC_CHANNEL, message)
    },
    onMessage(listener: (message: unknown) => void): () => void {
      const handler = (_event: unknown, message: unknown): void => listener(message)
      ipc.on(RPC_CHANNEL, handler)
      return () => ipc.removeListener(RPC_CHANNEL, handler)
    },
    onEngineState(listener: (up: boolean) => void): () => void {
      const handler = (_event: unknown, state: unknown): void => listener((state as { up?: unknown })?.up === true)
      ipc.on(ENGINE_STATE_CHANNEL, handler)
      return () => ipc.removeListener(ENGINE_STATE_CHANNEL, handler)
    },
  })
}
