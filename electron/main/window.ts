import { BrowserWindow } from 'electron'
import { fileURLToPath } from 'node:url'

const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
const rendererHtml = fileURLToPath(new URL('../renderer/index.html', import.meta.url))

export function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? new URL(`file://${rendererHtml}`).href
}

export function isTrustedRendererUrl(url: string): boolean {
  const expected = new URL(rendererUrl())
  try {
    const actual = new URL(url)
    return expected.protocol === 'file:' ? actual.protocol === 'file:' && actual.pathname === expected.pathname : actual.origin === expected.origin
  } catch {
    return false
  }
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'TaoDesk',
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void window.loadFile(rendererHtml)
  return window
}
