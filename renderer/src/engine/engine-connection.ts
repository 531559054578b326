import { Emitter, toDisposable } from '../../../native/base'
import type { Disposable } from '../../../native/base'
import { EngineError } from '../../../native/contract'
import type { EngineApi, EventName, EventPayload, MethodName, ParamsIn, ResultOf } from '../../../native/contract'
import { RpcClient, preloadBridgeTransport } from '../../../native/rpc'
import type { PreloadBridge, Transport } from '../../../native/rpc'
import { engineSocketUrl, openBrowserSocket } from './ws-browser-transport'

/**
 * `refused`: the engine answers but no longer accepts this page's access token (a restarted
 * `taodesk serve` makes a new one), so retrying cannot help; the page says how to reconnect.
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'refused'

/** Why a connection attempt failed: the engine refused this page's token, or it is not there. */
export type OfflineProbe = () => Promise<'refused' | 'offline'>

declare global {
  interface Window {
    readonly taodesk?: PreloadBridge
  }
}

/**
 * The UI's one handle on the engine. Picks Electron IPC when the preload bridge exists and
 * the WebSocket otherwise, reconnects with backoff, and keeps event subscriptions across
 * reconnects so components subscribe once.
 */
export class EngineConnection implements EngineApi {
  private client: RpcClient | undefined
  private readonly stateEmitter = new Emitter<ConnectionState>()
  private readonly forwarders = new Map<EventName, Emitter<unknown>>()
  private clientSubscriptions: Disposable[] = []
  private attempt = 0
  private stopped = false
  state: ConnectionState = 'connecting'
  readonly onState = this.stateEmitter.event
  /** The network the header shows (from chain.status), so every page can follow it. */
  network: string | null = null
  /** When the user last switched networks in this page's life (null: not yet). Older data is marked old. */
  networkChangedAt: number | null = null
  private readonly networkEmitter = new Emitter<string>()
  readonly onNetwork = this.networkEmitter.event
  readonly kind: 'ipc' | 'ws'

  constructor(
    private readonly open: () => Promise<Transport>,
    kind: 'ipc' | 'ws',
    private readonly probe: OfflineProbe = async () => 'offline',
  ) {
    this.kind = kind
    this.on('chain.status', (s) => this.noteNetwork(s.network))
    void this.connect()
  }

  static forThisPage(): EngineConnection {
    const bridge = window.taodesk
    if (bridge) return new EngineConnection(async () => preloadBridgeTransport(bridge), 'ipc')
    return new EngineConnection(() => openBrowserSocket(engineSocketUrl(window.location)), 'ws', () => probeHeadlessServer(window.location.origin))
  }

  call<M extends MethodName>(
    method: M,
    ...args: Record<never, never> extends ParamsIn<M> ? [ParamsIn<M>?] : [ParamsIn<M>]
  ): Promise<ResultOf<M>> {
    if (!this.client) return Promise.reject(new EngineError('DISCONNECTED', 'Not connected to the engine yet; try again in a moment.'))
    return this.client.call(method, ...args)
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Disposable {
    let forwarder = this.forwarders.get(event)
    if (!forwarder) {
      forwarder = new Emitter<unknown>()
      this.forwarders.set(event, forwarder)
      if (this.client) this.clientSubscriptions.push(this.forward(this.client, event, forwarder))
    }
    const sub = forwarder.event(listener as (payload: unknown) => void)
    return toDisposable(() => sub.dispose())
  }

  dispose(): void {
    this.stopped = true
    this.client?.dispose()
  }

  private forward(client: RpcClient, event: EventName, forwarder: Emitter<unknown>): Disposable {
    return client.on(event, (payload) => forwarder.fire(payload))
  }

  private noteNetwork(network: string): void {
    if (network === this.network) return
    if (this.network !== null) this.networkChangedAt = Date.now()
    this.network = network
    this.networkEmitter.fire(network)
  }

  private setState(state: ConnectionState): void {
    this.state = state
    this.stateEmitter.fire(state)
  }

  private async connect(): Promise<void> {
    if (this.stopped) return
    this.setState('connecting')
    try {
      const transport = await this.open()
      const client = new RpcClient(transport)
      this.client = client
      this.clientSubscriptions = [...this.forwarders].map(([event, forwarder]) => this.forward(client, event, forwarder))
      this.attempt = 0
      transport.onClose(() => {
        for (const s of this.clientSubscriptions.splice(0)) s.dispose()
        client.dispose()
        if (this.client === client) this.client = undefined
        this.setState('disconnected')
        this.retry()
      })
      this.setState('connected')
      client.call('chain.status').then((s) => this.noteNetwork(s.network), () => undefined)
    } catch {
      this.setState(await this.probe().catch(() => 'offline' as const) === 'refused' ? 'refused' : 'disconnected')
      this.retry()
    }
  }

  private retry(): void {
    if (this.stopped) return
    const delay = Math.min(10_000, 250 * 2 ** this.attempt++)
    setTimeout(() => void this.connect(), delay)
  }
}

/** Asks the headless server for its page with this tab's cookie: 401 means the token changed. */
async function probeHeadlessServer(origin: string): Promise<'refused' | 'offline'> {
  try {
    const r = await fetch(`${origin}/`, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' })
    return r.status === 401 ? 'refused' : 'offline'
  } catch {
    return 'offline'
  }
}
