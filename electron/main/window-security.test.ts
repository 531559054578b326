import { EventEmitter } from 'node:events'
import { beforeEach, describe, expect, it, vi } from 'vitest'

// No Electron binary can run on the build machines: stand in for the few Electron objects these
// modules touch, and check the options and handlers they install.
const created: Array<{ options: Record<string, unknown> }> = []
const appEvents = new EventEmitter()
const openExternal = vi.fn()
const sessionHooks: Record<string, unknown> = {}

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = new EventEmitter()
    constructor(public options: Record<string, unknown>) {
      created.push({ options })
    }
    once(): void {}
    loadFile(): Promise<void> {
      return Promise.resolve()
    }
    loadURL(): Promise<void> {
      return Promise.resolve()
    }
  }
  return {
    BrowserWindow,
    app: { enableSandbox: vi.fn(), on: (e: string, l: (...a: unknown[]) => void) => appEvents.on(e, l) },
    shell: { openExternal },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: unknown) => (sessionHooks.permission = h),
        setPermissionCheckHandler: (h: unknown) => (sessionHooks.check = h),
        webRequest: { onHeadersReceived: (h: unknown) => (sessionHooks.headers = h) },
      },
    },
  }
})

describe('main window', () => {
  beforeEach(() => {
    created.length = 0
  })

  it('is created with the security checklist on', async () => {
    const { createMainWindow } = await import('./window')
    createMainWindow()
    const prefs = created[0].options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false })
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/)
  })

  it('trusts only the packaged renderer page', async () => {
    const { isTrustedRendererUrl, rendererUrl } = await import('./window')
    expect(isTrustedRendererUrl(rendererUrl())).toBe(true)
    expect(isTrustedRendererUrl(`${rendererUrl()}#/logs`)).toBe(true)
    expect(isTrustedRendererUrl('file:///tmp/evil.html')).toBe(false)
    expect(isTrustedRendererUrl('https://example.com/')).toBe(false)
    expect(isTrustedRendererUrl('not a url')).toBe(false)
  })
})

describe('hardening', () => {
  it('blocks navigation, new windows and webviews, and sends https links to the browser', async () => {
    const { hardenApp } = await import('./security')
    hardenApp()
    const contents = Object.assign(new EventEmitter(), {
      getURL: () => 'file:///app/index.html',
      setWindowOpenHandler: vi.fn(),
    })
    appEvents.emit('web-contents-created', {}, contents)
    const navigate = { preventDefault: vi.fn() }
    contents.emit('will-navigate', navigate, 'https://evil.example/')
    expect(navigate.preventDefault).toHaveBeenCalled()
    const webview = { preventDefault: vi.fn() }
    contents.emit('will-attach-webview', webview)
    expect(webview.preventDefault).toHaveBeenCalled()
    const handler = contents.setWindowOpenHandler.mock.calls[0][0] as (d: { url: string }) => { action: string }
    expect(handler({ url: 'https://docs.learnbittensor.org/' })).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledWith('https://docs.learnbittensor.org/')
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledTimes(1)
  })

  it('denies permissions and adds the CSP header to every response', async () => {
    const { hardenSession } = await import('./security')
    hardenSession()
    const answer = vi.fn()
    ;(sessionHooks.permission as (c: unknown, p: string, cb: (ok: boolean) => void) => void)({}, 'media', answer)
    expect(answer).toHaveBeenCalledWith(false)
    expect((sessionHooks.check as () => boolean)()).toBe(false)
    const done = vi.fn()
    ;(sessionHooks.headers as (d: unknown, cb: (r: unknown) => void) => void)({ responseHeaders: { a: ['b'] } }, done)
    const headers = (done.mock.calls[0][0] as { responseHeaders: Record<string, string[]> }).responseHeaders
    expect(headers['Content-Security-Policy'][0]).toContain("script-src 'self'")
    expect(headers.a).toEqual(['b'])
  })
})
