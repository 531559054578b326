/**
 * Connections to a node, one per endpoint, shared by every client of it (reference-counted):
 * reconnects with backoff, a status stream with latency, and abandoning one still opening.
 */
import { ApiPromise, WsProvider } from '@polkadot/api'
import type { ProviderInterface } from '@polkadot/rpc-provider/types'
import { SUBTENSOR_SIGNED_EXTENSIONS } from '../signed-extensions'
import { ChainError, connectionFailure } from './errors'
import { forgetNonces } from './nonces'

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected'

export interface ConnectionStatus {
  readonly endpoint: string
  readonly state: ConnectionState
  readonly latencyMs: number | null
  readonly lastError: string | null
  readonly since: number
}

/** A chain that runs in this process (the practice network): it hands out a provider instead of a URL. */
export interface InProcessChain {
  readonly id: string
  connectProvider(): ProviderInterface
}

export interface Connection {
  readonly endpoint: string
  readonly api: ApiPromise
  readonly provider: ProviderInterface
  status: ConnectionStatus
  refs: number
  readonly listeners: Set<(s: ConnectionStatus) => void>
  readonly timers: NodeJS.Timeout[]
  closed: boolean
}

const connections = new Map<string, Promise<Connection>>()
/** Connections still opening (not ready yet), so that one nobody waits for can be abandoned. */
const opening = new Map<string, Connection>()

function abandonedError(endpoint: string): ChainError {
  return new ChainError('Client.Abandoned', `The connection to ${endpoint} was abandoned before it was ready.`)
}

async function openConnection(endpoint: string, devnet?: InProcessChain): Promise<Connection> {
  const listeners = new Set<(s: ConnectionStatus) => void>()
  let provider: ProviderInterface
  if (endpoint.startsWith('inproc://')) {
    if (!devnet) throw new ChainError('Client.NoDevnet', 'The practice network is not running. Start it first (taodesk devnet, or pick it in the network menu).')
    provider = devnet.connectProvider()
  } else {
    // Reconnects are ours (with backoff); WsProvider restores subscriptions on each reopen.
    provider = new WsProvider(endpoint, false)
  }
  const conn: Connection = {
    endpoint,
    api: undefined as unknown as ApiPromise,
    provider,
    status: { endpoint, state: 'connecting', latencyMs: null, lastError: null, since: Date.now() },
    refs: 0,
    listeners,
    timers: [],
    closed: false,
  }
  opening.set(endpoint, conn)
  const setStatus = (patch: Partial<ConnectionStatus>): void => {
    conn.status = { ...conn.status, ...patch }
    for (const l of listeners) l(conn.status)
  }
  let attempt = 0
  const scheduleReconnect = (): void => {
    if (conn.closed || endpoint.startsWith('inproc://')) return
    const delay = Math.min(30_000, 500 * 2 ** attempt)
    attempt++
    setStatus({ state: 'reconnecting', since: Date.now() })
    const t = setTimeout(() => {
      if (conn.closed || provider.isConnected) return
      provider.connect().catch((error: unknown) => {
        setStatus({ lastError: connectionFailure(endpoint, error) })
        scheduleReconnect()
      })
    }, delay)
    t.unref()
  }
  provider.on('connected', () => {
    attempt = 0
    setStatus({ state: 'connected', since: Date.now(), lastError: null })
  })
  provider.on('disconnected', () => {
    if (conn.closed) return
    scheduleReconnect()
  })
  provider.on('error', (e: unknown) => setStatus({ lastError: connectionFailure(endpoint, e) }))
  if (provider instanceof WsProvider) {
    const first = provider.connect().catch((error: unknown) => {
      setStatus({ lastError: connectionFailure(endpoint, error) })
      scheduleReconnect()
    })
    void first
  }
  const api = new ApiPromise({ provider, signedExtensions: SUBTENSOR_SIGNED_EXTENSIONS, noInitWarn: true, throwOnConnect: false })
  ;(conn as { api: ApiPromise }).api = api
  try {
    await api.isReadyOrError
  } catch (error) {
    const abandoned = conn.closed
    // The caller (the chain service) retries with its own backoff; a provider left here would go
    // on reconnecting unseen, and connect a second API once the node is up.
    conn.closed = true
    await api.disconnect().catch(() => undefined)
    throw abandoned ? abandonedError(endpoint) : new ChainError('Client.Unreachable', connectionFailure(endpoint, error), { cause: error })
  } finally {
    if (opening.get(endpoint) === conn) opening.delete(endpoint)
  }
  if (conn.closed) throw abandonedError(endpoint)
  setStatus({ state: 'connected' })
  const ping = async (): Promise<void> => {
    if (!provider.isConnected) return
    const t0 = performance.now()
    try {
      await api.rpc.system.health()
      setStatus({ latencyMs: Math.round((performance.now() - t0) * 10) / 10 })
    } catch (error) {
      setStatus({ lastError: String(error) })
    }
  }
  void ping()
  const pinger = setInterval(() => void ping(), 10_000)
  pinger.unref()
  conn.timers.push(pinger)
  return conn
}

/** Takes a reference on the shared connection to `endpoint`, opening it on first use. */
export async function acquireConnection(endpoint: string, devnet: InProcessChain | undefined, timeoutMs: number): Promise<Connection> {
  let p = connections.get(endpoint)
  if (!p) {
    p = openConnection(endpoint, devnet)
    connections.set(endpoint, p)
    p.catch(() => connections.delete(endpoint))
  }
  let timer: NodeJS.Timeout | undefined
  const conn = await Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ChainError('Client.Timeout', `Could not reach ${endpoint} within ${Math.round(timeoutMs / 1000)} s. Check the network or pick another endpoint.`)), timeoutMs)
      timer.unref()
    }),
  ]).finally(() => clearTimeout(timer))
  conn.refs++
  return conn
}

/** Drops one reference; the last one closes the connection. */
export async function releaseConnection(conn: Connection): Promise<void> {
  conn.refs--
  if (conn.refs > 0) return
  conn.closed = true
  for (const t of conn.timers) clearInterval(t)
  forgetNonces(conn.endpoint)
  connections.delete(conn.endpoint)
  await conn.api.disconnect().catch(() => undefined)
}

/**
 * Gives up on a connection that is still opening and that no client holds (the user picked
 * another network while an unreachable one kept retrying). Returns whether one was closed.
 */
export async function abandonConnection(endpoint: string): Promise<boolean> {
  const conn = opening.get(endpoint)
  if (!conn || conn.refs > 0) return false
  conn.closed = true
  opening.delete(endpoint)
  connections.delete(endpoint)
  for (const t of conn.timers) clearInterval(t)
  await conn.api.disconnect().catch(() => undefined)
  return true
}

/** Follows the connection's state and latency; returns an unsubscribe. */
export function watchConnection(conn: Connection, listener: (s: ConnectionStatus) => void): () => void {
  conn.listeners.add(listener)
  return () => conn.listeners.delete(listener)
}
