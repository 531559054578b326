import { EventEmitter } from 'node:events'
import type { IpcMainEventLike, IpcMainLike, WebContentsLike } from '../../electron/main/ipc-relay'
import type { IpcRendererLike } from '../../electron/preload/create-bridge'

/**
 * Stand-ins for Electron's ipcMain / ipcRenderer / webContents (no Electron binary can run
 * here). They copy messages with structured clone, as Electron does, and deliver them
 * asynchronously, so the relay and preload code under test run exactly as in the app.
 */
export class FakeIpcMain implements IpcMainLike {
  private readonly emitter = new EventEmitter()

  on(channel: string, listener: (event: IpcMainEventLike, message: unknown) => void): this {
    this.emitter.on(channel, listener)
    return this
  }

  deliver(channel: string, event: IpcMainEventLike, message: unknown): void {
    const copy = structuredClone(message)
    setImmediate(() => this.emitter.emit(channel, event, copy))
  }
}

export class FakeWindow {
  private static nextId = 1
  readonly renderer = new EventEmitter()
  private readonly lifecycle = new EventEmitter()
  private destroyed = false
  readonly contents: WebContentsLike
  readonly ipcRenderer: IpcRendererLike

  constructor(
    ipcMain: FakeIpcMain,
    readonly frame: { url: string; parent: unknown } = { url: 'file:///app/out/renderer/index.html', parent: null },
  ) {
    const id = FakeWindow.nextId++
    this.contents = {
      id,
      send: (channel, message) => {
        const copy = structuredClone(message)
        setImmediate(() => this.renderer.emit(channel, {}, copy))
      },
      isDestroyed: () => this.destroyed,
      once: (event, listener) => this.lifecycle.once(event, listener),
    }
    this.ipcRenderer = {
      send: (channel, message) => ipcMain.deliver(channel, { sender: this.contents, senderFrame: this.frame }, message),
      on: (channel, listener) => this.renderer.on(channel, listener),
      removeListener: (channel, listener) => this.renderer.removeListener(channel, listener),
    }
  }

  destroy(): void {
    this.destroyed = true
    this.lifecycle.emit('destroyed')
  }
}
