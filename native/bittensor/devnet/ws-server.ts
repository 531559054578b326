import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import { DevnetNode } from './node'
import { RpcError } from './rpc-error'

export interface DevnetServer {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

const MAX_MESSAGE = 8 * 1024 * 1024

/**
 * A thin JSON-RPC 2.0 WebSocket server around a {@link DevnetNode}, speaking the same wire format
 * as a subtensor node (`ws://127.0.0.1:9944`), so a second process, the CLI or any polkadot.js
 * client can connect.
 */
export async function startDevnetServer(node: DevnetNode, options: { port?: number; host?: string } = {}): Promise<DevnetServer> {
  const host = options.host ?? '127.0.0.1'
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' })
    res.end('TaoDesk practice devnet: connect with a WebSocket JSON-RPC client.\n')
  })
  const wss = new WebSocketServer({ server, maxPayload: MAX_MESSAGE })
  // ws re-emits the HTTP server's errors (EADDRINUSE) on the WebSocketServer; without a listener that
  // is an uncaught exception. The listen() promise below reports them instead.
  wss.on('error', () => {})
  const sockets = new Set<WebSocket>()
  wss.on('connection', (ws) => {
    sockets.add(ws)
    const mine = new Set<string>()
    const send = (msg: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg))
    }
    ws.on('message', (data) => {
      let req: { id?: number | string; method?: string; params?: unknown[] }
      try {
        req = JSON.parse(String(data)) as typeof req
      } catch {
        send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })
        return
      }
      const id = req.id ?? null
      const method = String(req.method ?? '')
      const params = Array.isArray(req.params) ? req.params : []
      try {
        const spec = DevnetNode.SUBSCRIPTIONS[method]
        if (spec) {
          let subId = ''
          const pending: unknown[] = []
          subId = node.subscribeRpc(method, params, (result) => {
            if (!subId) pending.push(result)
            else send({ jsonrpc: '2.0', method: spec.notification, params: { subscription: subId, result } })
          })
          mine.add(subId)
          send({ jsonrpc: '2.0', id, result: subId })
          for (const result of pending) send({ jsonrpc: '2.0', method: spec.notification, params: { subscription: subId, result } })
          return
        }
        if (node.isUnsubscribe(method)) {
          mine.delete(String(params[0]))
          send({ jsonrpc: '2.0', id, result: node.unsubscribe(String(params[0])) })
          return
        }
        send({ jsonrpc: '2.0', id, result: node.call(method, params) })
      } catch (error) {
        const e = error instanceof RpcError ? error : new RpcError(-32603, error instanceof Error ? error.message : String(error))
        send({ jsonrpc: '2.0', id, error: { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) } })
      }
    })
    ws.on('close', () => {
      sockets.delete(ws)
      for (const s of mine) node.unsubscribe(s)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 9944, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `ws://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate()
        wss.close()
        server.close(() => resolve())
      }),
  }
}
