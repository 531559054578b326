import { app, BrowserWindow, ipcMain } from 'electron'
import { fileURLToPath } from 'node:url'
import { EngineHost } from './engine-host'
import { IpcRelay } from './ipc-relay'
import { hardenApp, hardenSession } from './security'
import { createMainSecretVault } from './secret-vault'
import { createMainUpdates } from './updates'
import { createMainWindow, isTrustedRendererUrl } from './window'

// One TaoDesk per user: a second launch focuses the first (two engines would fight over the database and the axon port).
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  hardenApp()
  let mainWindow: BrowserWindow | undefined

  const engine = new EngineHost({
    entry: fileURLToPath(new URL('./engine.js', import.meta.url)),
    env: { ...process.env },
    onMessage: (message) => {
      if (!updates(message) && !vault(message)) relay.fromEngine(message)
    },
    onState: (up) => relay.engineState(up),
    log: (message) => console.warn(`[taodesk] ${message}`),
  })
  const updates = createMainUpdates(
    (message) => engine.post(message),
    (message) => console.warn(`[taodesk] ${message}`),
  )
  const vault = createMainSecretVault((message) => engine.post(message))
  const relay = new IpcRelay({
    ipcMain,
    postToEngine: (frame) => engine.post(frame),
    isTrustedUrl: isTrustedRendererUrl,
    onRejected: (reason, detail) => console.warn(`[taodesk] IPC message dropped: ${reason}`, detail),
  })

  const openWindow = (): void => {
    mainWindow = createMainWindow()
    relay.trust(mainWindow.webContents)
    mainWindow.on('closed', () => {
      mainWindow = undefined
    })
  }

  app.on('second-instance', () => {
    if (!mainWindow) return openWindow()
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  void app.whenReady().then(() => {
    hardenSession()
    engine.start()
    openWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    quitting = true
    event.preventDefault()
    void engine.stop().finally(() => app.quit())
  })
}
