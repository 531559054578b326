import { app, BrowserWindow, ipcMain } from 'electron'
import { fileURLToPath } from 'node:url'
import { engineLaunchEnv, resolveHome } from '../../native/host'
import { EngineHost } from './engine-host'
import { IpcRelay } from './ipc-relay'
import { hardenApp, hardenSession } from './security'
import { createMainSecretVault } from './secret-vault'
import { createDesktopShell } from './tray'
import type { DesktopShellHandle } from './tray'
import { createMainUpdates } from './updates'
import { createMainWindow, isTrustedRendererUrl } from './window'

// One TaoDesk per user: a second launch focuses the first (two engines would fight over the database and the axon port).
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  hardenApp()
  let mainWindow: BrowserWindow | undefined
  // Tray icon and OS notifications (created once the app is ready).
  let desktop: DesktopShellHandle | undefined

  const engine = new EngineHost({
    entry: fileURLToPath(new URL('./engine.js', import.meta.url)),
    // With a complete GPU runtime pack in the data folder, onnxruntime runs from it (CUDA without a system install).
    env: () => engineLaunchEnv(resolveHome(), { ...process.env }, (message) => console.warn(`[taodesk] ${message}`)),
    onMessage: (message) => {
      if (!updates(message) && !vault(message) && !desktop?.receive(message)) relay.fromEngine(message)
    },
    onState: (up) => {
      relay.engineState(up)
      desktop?.engineState(up)
    },
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
    desktop = createDesktopShell({
      postToEngine: (frame) => engine.post(frame),
      showWindow: () => {
        if (!mainWindow) return openWindow()
        if (mainWindow.isMinimized()) mainWindow.restore()
        mainWindow.show()
        mainWindow.focus()
      },
      quit: () => app.quit(),
      log: (message) => console.warn(`[taodesk] ${message}`),
    })
    engine.start()
    openWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
  })

  app.on('window-all-closed', () => {
    // A running miner keeps earning: TaoDesk stays in the tray until the user quits from it.
    if (process.platform !== 'darwin' && !desktop?.minerRunning()) app.quit()
  })

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    quitting = true
    event.preventDefault()
    desktop?.dispose()
    void engine.stop().finally(() => app.quit())
  })
}
