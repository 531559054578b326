import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type { RpcServer } from '../rpc'
import { LIMITS } from '../rpc'
import { wsTransport } from '../rpc/transports/ws-node'
import type { Logger } from '../platform/logging'
import { generateToken, isAllowedOrigin, isLoopbackHost, isWellFormedToken, presentedToken, sessionCookie, tokensMatch } from './auth'
import { SECURITY_HEADERS } from './security-headers'
import { resolveStatic } from './static-files'

export const RPC_PATH = '/rpc'

export interface HeadlessServerOptions {
  readonly rpc: RpcServer
  readonly log: Logger
  /** Built renderer (out/renderer). */
  readonly staticDir: string
  readonly host?: string
  readonly port?: number
  /** Required to bind anything but a loopback address. */
  readonly allowRemote?: boolean
  /** Fixed token (tests); a random one otherwise. */
  readonly token?: string
}

export interface HeadlessServer {
  readonly url: string
  readonly origin: string
  readonly token: string
  readonly port: number
  close(): Promise<void>
}

export class UnsafeBindError extends Error {
  constructor(host: string) {
    super(
      `Refusing to listen on ${host}: anyone who can reach this address could try to control TaoDesk. ` +
        'Pass --allow-remote if you mean it (and put TLS in front of it), or use --host 127.0.0.1 with an SSH tunnel.',
    )
    this.name = 'UnsafeBindError'
  }
}

/**
 * Serves the UI and the WebSocket bridge for headless installs. Every HTTP request and the
 * socket need the access token; the first page load trades `?token=` for an HttpOnly cookie.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host) && !options.allowRemote) throw new UnsafeBindError(host)
  const token = options.token ?? generateToken()
  if (!isWellFormedToken(token)) throw new Error('The access token must be 16 to 128 URL-safe characters.')
  const log = options.log

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const presented = presentedToken(req, url)
    if (!presented || !tokensMatch(token, presented.token)) {
      res.writeHead(401, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
      // A cookie that no longer matches is a tab from before a restart (each start makes a new token).
      res.end(
        presented?.source === 'cookie'
          ? 'TaoDesk was restarted and made a new access key, so this tab can no longer talk to it (401). Nothing was lost.\nTo reconnect, open the new address that `taodesk serve` printed when it started (it ends with ?token=...).\n'
          : '401 Unauthorized: open the URL that `taodesk serve` printed, including its ?token=... part.\n',
      )
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' })
      res.end()
      return
    }
    if (presented.source === 'query') {
      // Trade the URL token for a cookie and drop it from the address bar and history.
      url.searchParams.delete('token')
      res.writeHead(302, { ...SECURITY_HEADERS, 'Set-Cookie': sessionCookie(token), Location: `${url.pathname}${url.search}` })
      res.end()
      return
    }
    const found = resolveStatic(options.staticDir, url.pathname)
    if (!found) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('404 Not found\n')
      return
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': found.contentType })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    fs.createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.maxFrameBytes })
  server.on('upgrade', (req, socket, head) => {
    // Node removes its own error listener before 'upgrade': without one, a client that resets the
    // connection while we refuse it would throw an uncaught ECONNRESET and end the engine.
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://localhost')
    const presented = presentedToken(req, url)
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== RPC_PATH) return reject(404, 'Not Found')
    if (!presented || !tokensMatch(token, presented.token)) {
      log.warn('Rejected an unauthenticated WebSocket connection', { remote: req.socket.remoteAddress })
      return reject(401, 'Unauthorized')
    }
    if (!isAllowedOrigin(req.headers.origin, req.headers.host)) {
      log.warn('Rejected a WebSocket connection from another origin', { origin: req.headers.origin })
      return reject(403, 'Forbidden')
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`
      const connection = options.rpc.connect(wsTransport(ws), { transport: 'ws', peer })
      log.info('Client connected', { peer, browser: req.headers.origin !== undefined })
      ws.on('close', () => {
        connection.dispose()
        log.info('Client disconnected', { peer })
      })
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const origin = `http://${hostForUrl}:${address.port}`
  if (!isLoopbackHost(host)) log.warn('Headless UI is reachable from the network', { host, port: address.port })
  log.info('Headless UI listening', { origin })

  return {
    origin,
    url: `${origin}/?token=${token}`,
    token,
    port: address.port,
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
