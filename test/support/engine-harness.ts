import { createPreloadBridge } from '../../electron/preload/create-bridge'
import { IpcRelay } from '../../electron/main/ipc-relay'
import { createEngine } from '../../native/host'
import type { Engine } from '../../native/host'
import { MuxEndpoint, RpcClient, createInprocPair, preloadBridgeTransport } from '../../native/rpc'
import type { Transport } from '../../native/rpc'
import { connectWs } from '../../native/rpc/transports/ws-node'
import { startHeadlessServer } from '../../native/server'
import type { HeadlessServer } from '../../native/server'
import { FakeIpcMain, FakeWindow } from './fake-electron-ipc'
import { makeTempHome } from './temp-home'

export interface Connected {
  readonly client: RpcClient
  /** The client's raw transport, for sending hand-made (malformed) envelopes. */
  readonly raw: Transport
}

export interface TransportHarness {
  readonly kind: 'inproc' | 'ipc' | 'ws'
  readonly engine: Engine
  connect(): Promise<Connected>
  close(): Promise<void>
}

function newEngine(): { engine: Engine; cleanup: () => void } {
  const home = makeTempHome()
  const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, healthIntervalMs: 200 })
  return { engine, cleanup: home.cleanup }
}

export async function inprocHarness(): Promise<TransportHarness> {
  const { engine, cleanup } = newEngine()
  return {
    kind: 'inproc',
    engine,
    async connect() {
      const [engineEnd, clientEnd] = createInprocPair()
      engine.server.connect(engineEnd, { transport: 'inproc', peer: 'test' })
      return { client: new RpcClient(clientEnd), raw: clientEnd }
    },
    async close() {
      await engine.dispose()
      cleanup()
    },
  }
}

export async function wsHarness(staticDir: string): Promise<TransportHarness & { server: HeadlessServer }> {
  const { engine, cleanup } = newEngine()
  const server = await startHeadlessServer({ rpc: engine.server, log: engine.log, staticDir, port: 0 })
  const transports: Transport[] = []
  return {
    kind: 'ws',
    engine,
    server,
    async connect() {
      const raw = await connectWs(`ws://127.0.0.1:${server.port}/rpc`, server.token)
      transports.push(raw)
      return { client: new RpcClient(raw), raw }
    },
    async close() {
      for (const t of transports) t.close()
      await server.close()
      await engine.dispose()
      cleanup()
    },
  }
}

/** Renderer -> preload bridge -> ipcMain relay -> mux port -> engine, as wired in the app. */
export async function ipcHarness(): Promise<TransportHarness & { ipcMain: FakeIpcMain; relay: IpcRelay; rejected: string[] }> {
  const { engine, cleanup } = newEngine()
  const ipcMain = new FakeIpcMain()
  const rejected: string[] = []
  const relay = new IpcRelay({
    ipcMain,
    postToEngine: (frame) => {
      const copy = structuredClone(frame)
      setImmediate(() => engineMux.receive(copy))
    },
    isTrustedUrl: (url) => url === 'file:///app/out/renderer/index.html',
    onRejected: (reason) => rejected.push(reason),
  })
  const engineMux: MuxEndpoint = new MuxEndpoint(
    (frame) => {
      const copy = structuredClone(frame)
      setImmediate(() => relay.fromEngine(copy))
    },
    (conn, transport) => engine.server.connect(transport, { transport: 'ipc', peer: `window-${conn}` }),
  )
  const windows: FakeWindow[] = []
  return {
    kind: 'ipc',
    engine,
    ipcMain,
    relay,
    rejected,
    async connect() {
      const window = new FakeWindow(ipcMain)
      windows.push(window)
      relay.trust(window.contents)
      const raw = preloadBridgeTransport(createPreloadBridge(window.ipcRenderer))
      return { client: new RpcClient(raw), raw }
    },
    async close() {
      for (const w of windows) w.destroy()
      await engine.dispose()
      cleanup()
    },
  }
}

/** Sends one raw envelope and resolves with the response to its id. */
export function rawCall(raw: Transport, message: unknown, id: number | null): Promise<{ ok: boolean; error?: { code: string; message: string; issues?: { path: string }[] }; value?: unknown }> {
  return new Promise((resolve) => {
    const sub = raw.onMessage((m) => {
      const r = m as { t?: string; id?: number | null }
      if (r.t === 'res' && r.id === id) {
        sub.dispose()
        resolve(m as { ok: boolean })
      }
    })
    raw.send(message)
  })
}
