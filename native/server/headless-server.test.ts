import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../host'
import type { Engine } from '../host'
import { makeTempHome } from '../../test/support/temp-home'
import { UnsafeBindError, startHeadlessServer } from './headless-server'
import type { HeadlessServer } from './headless-server'
import { isAllowedOrigin, isLoopbackHost, tokensMatch } from './auth'

const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-ui-'))
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>TaoDesk</title>')
fs.mkdirSync(path.join(staticDir, 'assets'))
fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)')

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

function get(port: number, urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, headers, method }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function wsStatus(port: number, headers: Record<string, string>, urlPath = '/rpc'): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${urlPath}`, { headers })
    socket.on('open', () => {
      socket.close()
      resolve(101)
    })
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    socket.on('error', () => resolve(-1))
  })
}

describe('headless server', () => {
  let home: ReturnType<typeof makeTempHome>
  let engine: Engine
  let server: HeadlessServer
  beforeAll(async () => {
    home = makeTempHome()
    engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
    server = await startHeadlessServer({ rpc: engine.server, log: engine.log, staticDir, port: 0 })
  })
  afterAll(async () => {
    await server.close()
    await engine.dispose()
    home.cleanup()
  })

  it('prints a URL with a random, well-formed token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/)
  })

  it('answers 401 to every request without the token, including assets', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', '/rpc', '/nope']) {
      const r = await get(server.port, p)
      expect(r.status, p).toBe(401)
      expect(r.body).toMatch(/taodesk serve/)
    }
    expect((await get(server.port, '/?token=wrong-token-0123456789')).status).toBe(401)
    expect((await get(server.port, '/', { cookie: 'taodesk_token=guess' })).status).toBe(401)
  })

  it('trades the URL token for an HttpOnly cookie and strips it from the address', async () => {
    const r = await get(server.port, `/?token=${server.token}`)
    expect(r.status).toBe(302)
    expect(r.headers.location).toBe('/')
    expect(r.headers['set-cookie']?.[0]).toMatch(/HttpOnly/)
    expect(r.headers['set-cookie']?.[0]).toMatch(/SameSite=Strict/)
    expect(r.headers['referrer-policy']).toBe('no-referrer')
  })

  it('serves the UI with a strict CSP to a token holder', async () => {
    const r = await get(server.port, '/', { cookie: `taodesk_token=${server.token}` })
    expect(r.status).toBe(200)
    expect(r.body).toContain('<title>TaoDesk</title>')
    expect(r.headers['content-security-policy']).toContain("script-src 'self'")
    expect(r.headers['x-frame-options']).toBe('DENY')
    const js = await get(server.port, '/assets/app.js', { authorization: `Bearer ${server.token}` })
    expect(js.headers['content-type']).toMatch(/javascript/)
  })

  it('never serves files outside the UI folder', async () => {
    const auth = { authorization: `Bearer ${server.token}` }
    for (const p of ['/../package.json', '/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/%00']) {
      const r = await get(server.port, p, auth)
      expect([200, 404], p).toContain(r.status)
      expect(r.body, p).not.toMatch(/"name"|root:/)
    }
    expect((await get(server.port, '/missing.js', auth)).status).toBe(404)
    expect((await get(server.port, '/', auth, 'POST')).status).toBe(405)
  })

  it('refuses WebSocket upgrades without the token or from another site', async () => {
    expect(await wsStatus(server.port, {})).toBe(401)
    expect(await wsStatus(server.port, { authorization: 'Bearer not-the-token-000000' })).toBe(401)
    expect(await wsStatus(server.port, { cookie: `taodesk_token=${server.token}`, origin: 'https://evil.example' })).toBe(403)
    expect(await wsStatus(server.port, { authorization: `Bearer ${server.token}` }, '/other')).toBe(404)
    expect(await wsStatus(server.port, { cookie: `taodesk_token=${server.token}`, origin: `http://127.0.0.1:${server.port}` })).toBe(101)
  })

  it('survives clients that reset the connection while being refused', async () => {
    const net = await import('node:net')
    for (let i = 0; i < 150; i++) {
      const socket = net.connect(server.port, '127.0.0.1')
      socket.on('error', () => {})
      await new Promise<void>((r) => socket.once('connect', () => r()))
      socket.write('GET /rpc HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer wrong-token-000000000000\r\n\r\n')
      socket.resetAndDestroy()
    }
    await new Promise((r) => setTimeout(r, 100))
    expect((await get(server.port, '/', { authorization: `Bearer ${server.token}` })).status).toBe(200)
  })

  it('answers a non-JSON frame with BAD_REQUEST and stays up', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/rpc`, { headers: { authorization: `Bearer ${server.token}` } })
    await new Promise((r) => socket.once('open', r))
    const reply = new Promise<string>((r) =>
      socket.on('message', (d: Buffer) => {
        if (JSON.parse(d.toString()).t === 'res') r(d.toString())
      }),
    )
    socket.send('{ this is not json')
    expect(JSON.parse(await reply)).toMatchObject({ t: 'res', id: null, ok: false, error: { code: 'BAD_REQUEST' } })
    socket.close()
  })
})

describe('binding', () => {
  it('refuses a non-loopback address unless allowed explicitly', async () => {
    const home = makeTempHome()
    const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
    try {
      await expect(startHeadlessServer({ rpc: engine.server, log: engine.log, staticDir, host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(UnsafeBindError)
      const open = await startHeadlessServer({ rpc: engine.server, log: engine.log, staticDir, host: '0.0.0.0', port: 0, allowRemote: true })
      await open.close()
      const warned = engine.store.eventLog.query({ levels: ['warn'], search: 'reachable from the network' }, 10)
      expect(warned).toHaveLength(1)
    } finally {
      await engine.dispose()
      home.cleanup()
    }
  })

  it('classifies hosts and origins', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'].every(isLoopbackHost)).toBe(true)
    expect(['0.0.0.0', '192.168.1.2', '::', 'example.com'].some(isLoopbackHost)).toBe(false)
    expect(isAllowedOrigin(undefined, 'h:1')).toBe(true)
    expect(isAllowedOrigin('http://h:1', 'h:1')).toBe(true)
    expect(isAllowedOrigin('http://h:2', 'h:1')).toBe(false)
    expect(isAllowedOrigin('null', 'h:1')).toBe(false)
    expect(tokensMatch('abc', 'abc')).toBe(true)
    expect(tokensMatch('abc', 'abd')).toBe(false)
    expect(tokensMatch('abc', undefined)).toBe(false)
  })
})
