import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineError } from '../contract'
import { inprocHarness, ipcHarness, rawCall, wsHarness } from '../../test/support/engine-harness'
import type { TransportHarness } from '../../test/support/engine-harness'

const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-static-'))
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>')

// One suite, run over every transport: proves the handlers are written once and behave the same everywhere.
const transports: Array<[string, () => Promise<TransportHarness>]> = [
  ['inproc', inprocHarness],
  ['ipc', ipcHarness],
  ['ws', () => wsHarness(staticDir)],
]

describe.each(transports)('contract over %s', (kind, make) => {
  let harness: TransportHarness
  beforeAll(async () => {
    harness = await make()
  })
  afterAll(async () => {
    await harness.close()
  })

  it('round-trips a call and reports the transport it came through', async () => {
    const { client } = await harness.connect()
    const info = await client.call('app.info')
    expect(info.transport).toBe(kind)
    expect(info.version).toBe('0.0.0-test')
    expect(info.pid).toBe(process.pid)
  })

  it('applies schema defaults and validates results', async () => {
    const { client } = await harness.connect()
    const settings = await client.call('settings.get')
    // Every key has a value (its default) on a fresh engine; the full list lives in native/contract/settings.ts.
    const { Settings } = await import('../contract')
    expect(Object.keys(settings).sort()).toEqual(Object.keys(Settings.shape).sort())
    expect(settings).toMatchObject({ theme: 'system', notifications: true, logRetentionDays: 30, startAtLogin: false, network: 'devnet', netuid: 5 })
  })

  it('changes only the settings a patch names', async () => {
    const { client } = await harness.connect()
    await client.call('settings.update', { theme: 'dark', logRetentionDays: 7 })
    const after = await client.call('settings.update', { notifications: false })
    expect(after).toMatchObject({ theme: 'dark', logRetentionDays: 7, notifications: false })
    await client.call('settings.update', { theme: 'system', logRetentionDays: 30, notifications: true })
  })

  it('delivers events to every connected client', async () => {
    const a = await harness.connect()
    const b = await harness.connect()
    const seen = new Promise((resolve) => b.client.on('settings.changed', resolve))
    await a.client.call('settings.update', { theme: 'dark' })
    await expect(seen).resolves.toMatchObject({ theme: 'dark' })
    await a.client.call('settings.update', { theme: 'system' })
  })

  it('streams log lines written through the contract', async () => {
    const { client } = await harness.connect()
    const appended = new Promise<{ message: string; source: string }>((resolve) => {
      client.on('logs.appended', (e) => {
        if (e.message === `hello from ${kind}`) resolve(e)
      })
    })
    const { id } = await client.call('logs.report', { level: 'warn', message: `hello from ${kind}` })
    await expect(appended).resolves.toMatchObject({ source: 'ui' })
    const rows = await client.call('logs.query', { search: `hello from ${kind}` })
    expect(rows.map((r) => r.id)).toEqual([id])
  })

  it('rejects a malformed payload with an error naming the field', async () => {
    const { raw } = await harness.connect()
    const response = await rawCall(raw, { t: 'req', id: 7, method: 'logs.query', params: { limit: 'lots', levels: ['loud'] } }, 7)
    expect(response.ok).toBe(false)
    expect(response.error?.code).toBe('INVALID_PARAMS')
    expect(response.error?.issues?.map((i) => i.path).sort()).toEqual(['levels.0', 'limit'])
    expect(response.error?.message).toMatch(/limit/)
  })

  it('rejects unknown keys instead of ignoring them', async () => {
    const { raw } = await harness.connect()
    const response = await rawCall(raw, { t: 'req', id: 8, method: 'settings.update', params: { theme: 'dark', isAdmin: true } }, 8)
    expect(response.error?.code).toBe('INVALID_PARAMS')
    expect(response.error?.message).toMatch(/isAdmin/)
  })

  it('refuses unknown and prototype method names', async () => {
    const { raw } = await harness.connect()
    for (const [i, method] of ['wallet.exportSecrets', '__proto__', 'constructor', 'toString', 'hasOwnProperty'].entries()) {
      const response = await rawCall(raw, { t: 'req', id: 100 + i, method, params: {} }, 100 + i)
      expect(response.error?.code, method).toBe('UNKNOWN_METHOD')
    }
  })

  it('answers a broken envelope with BAD_REQUEST and keeps serving', async () => {
    const { raw, client } = await harness.connect()
    const response = await rawCall(raw, { t: 'req', id: 9, method: 42 }, 9)
    expect(response.error?.code).toBe('BAD_REQUEST')
    await expect(client.call('app.health')).resolves.toHaveProperty('uptimeMs')
  })

  it('fails fast on the client side, naming the field, before anything is sent', async () => {
    const { client } = await harness.connect()
    // Type-correct but out of range: only the schema catches it.
    const error = await client.call('logs.query', { limit: -1 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EngineError)
    expect((error as EngineError).code).toBe('INVALID_PARAMS')
    expect((error as EngineError).issues?.[0].path).toBe('limit')
  })
})

describe('Electron IPC relay', () => {
  it('drops messages from windows it does not trust, from subframes and from foreign pages', async () => {
    const harness = await ipcHarness()
    try {
      const { FakeWindow } = await import('../../test/support/fake-electron-ipc')
      const { createPreloadBridge } = await import('../../electron/preload/create-bridge')
      const { preloadBridgeTransport } = await import('./transports/preload-bridge')
      const untrusted = new FakeWindow(harness.ipcMain)
      const subframe = new FakeWindow(harness.ipcMain, { url: 'file:///app/out/renderer/index.html', parent: {} })
      const foreign = new FakeWindow(harness.ipcMain, { url: 'https://evil.example/', parent: null })
      harness.relay.trust(subframe.contents)
      harness.relay.trust(foreign.contents)
      for (const w of [untrusted, subframe, foreign]) {
        const transport = preloadBridgeTransport(createPreloadBridge(w.ipcRenderer))
        let answered = false
        transport.onMessage(() => {
          answered = true
        })
        transport.send({ t: 'req', id: 1, method: 'app.info', params: {} })
        await new Promise((r) => setTimeout(r, 50))
        expect(answered).toBe(false)
      }
      expect(harness.rejected).toEqual(['unknown sender', 'message from a subframe', 'untrusted origin'])
    } finally {
      await harness.close()
    }
  })

  it('closes the engine-side connection when the window goes away', async () => {
    const harness = await ipcHarness()
    try {
      const { client } = await harness.connect()
      await client.call('app.info')
      expect(harness.engine.server.connectionCount).toBe(1)
      await harness.close()
      await new Promise((r) => setTimeout(r, 20))
      expect(harness.engine.server.connectionCount).toBe(0)
    } finally {
      await harness.close().catch(() => {})
    }
  })
})
