import type { ProviderInterface, ProviderInterfaceCallback, ProviderInterfaceEmitCb, ProviderInterfaceEmitted } from '@polkadot/rpc-provider/types'
import type { DevnetNode } from './node'
import { RpcError } from './rpc-error'

/**
 * An in-process @polkadot/api provider over a {@link DevnetNode}: the same JSON-RPC methods and
 * subscription notifications a subtensor node serves, without a socket.
 */
export class DevnetProvider implements ProviderInterface {
  readonly hasSubscriptions = true
  readonly isClonable = false
  private connected = false
  private readonly listeners = new Map<ProviderInterfaceEmitted, Set<ProviderInterfaceEmitCb>>()
  private readonly live = new Set<string>()

  /** Connected at once, like WsProvider's autoConnect. */
  constructor(readonly node: DevnetNode) {
    this.connected = true
  }

  get isConnected(): boolean {
    return this.connected
  }

  clone(): ProviderInterface {
    throw new Error('DevnetProvider cannot be cloned')
  }

  async connect(): Promise<void> {
    this.connected = true
    queueMicrotask(() => this.emit('connected'))
  }

  async disconnect(): Promise<void> {
    for (const id of this.live) this.node.unsubscribe(id)
    this.live.clear()
    this.connected = false
    this.emit('disconnected')
  }

  on(type: ProviderInterfaceEmitted, sub: ProviderInterfaceEmitCb): () => void {
    let set = this.listeners.get(type)
    if (!set) this.listeners.set(type, (set = new Set()))
    set.add(sub)
    if (type === 'connected' && this.connected) queueMicrotask(() => sub())
    return () => set.delete(sub)
  }

  private emit(type: ProviderInterfaceEmitted, value?: unknown): void {
    for (const l of this.listeners.get(type) ?? []) l(value)
  }

  async send<T = unknown>(method: string, params: unknown[]): Promise<T> {
    if (!this.connected) throw new Error('The practice devnet provider is disconnected')
    try {
      if (this.node.isUnsubscribe(method)) return this.node.unsubscribe(String(params[0])) as T
      return this.node.call(method, params) as T
    } catch (error) {
      throw toProviderError(error)
    }
  }

  async subscribe(_type: string, method: string, params: unknown[], cb: ProviderInterfaceCallback): Promise<number | string> {
    if (!this.connected) throw new Error('The practice devnet provider is disconnected')
    try {
      const id = this.node.subscribeRpc(method, params, (result) => cb(null, result))
      this.live.add(id)
      return id
    } catch (error) {
      throw toProviderError(error)
    }
  }

  async unsubscribe(_type: string, _method: string, id: number | string): Promise<boolean> {
    this.live.delete(String(id))
    return this.node.unsubscribe(String(id))
  }
}

/** Errors in the shape @polkadot/rpc-provider produces: "code: message: data". */
export function toProviderError(error: unknown): Error {
  if (error instanceof RpcError) {
    const e = new Error(`${error.code}: ${error.message}${error.data ? `: ${error.data}` : ''}`) as Error & { code: number; data?: string }
    e.code = error.code
    e.data = error.data
    return e
  }
  return error instanceof Error ? error : new Error(String(error))
}
