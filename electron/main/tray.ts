import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Menu, Notification, Tray, nativeImage } from 'electron'
import type { MenuItemConstructorOptions } from 'electron'
import type { DesktopNotice, TrayState } from '../../native/contract'
import { MuxEndpoint, RpcClient } from '../../native/rpc'
import type { MuxFrame } from '../../native/rpc/transports/mux'
import { isMuxFrame } from '../../native/rpc/transports/mux'

/**
 * Tray icon and OS notifications. The engine decides (native/miner/desktop.ts: tray state,
 * which changes deserve a notification, the user's `notifications` setting); main renders.
 * Main talks to the engine as one more RPC peer on the engine port, on its own connection id.
 */
export const DESKTOP_CONN = -1

export interface DesktopOptions {
  readonly postToEngine: (frame: MuxFrame) => void
  readonly showWindow: () => void
  readonly quit: () => void
  readonly log: (message: string) => void
}

export interface DesktopShellHandle {
  /** Feed every engine message; true when it belonged to the tray's connection. */
  receive(message: unknown): boolean
  engineState(up: boolean): void
  /** True while the engine reports a running miner (closing the window then keeps TaoDesk in the tray). */
  minerRunning(): boolean
  dispose(): void
}

const STATE_LABEL: Record<TrayState['state'], string> = { running: 'Mining', stopped: 'Stopped', warning: 'Needs attention' }

/** The tray menu for a state (pure: tested without Electron). */
export function trayMenuTemplate(state: TrayState, actions: { show: () => void; stopMiner: () => void; quit: () => void }): MenuItemConstructorOptions[] {
  return [
    { label: `TaoDesk: ${STATE_LABEL[state.state]}`, enabled: false },
    ...state.lines.map((line): MenuItemConstructorOptions => ({ label: line, enabled: false })),
    { type: 'separator' },
    { label: 'Open TaoDesk', click: actions.show },
    ...(state.minerRunning ? [{ label: 'Stop the miner', click: actions.stopMiner } satisfies MenuItemConstructorOptions] : []),
    { type: 'separator' },
    { label: 'Quit TaoDesk', click: actions.quit },
  ]
}

function iconFile(): string | undefined {
  const rp = (process as { resourcesPath?: string }).resourcesPath
  const candidates = [
    ...(rp ? [path.join(rp, 'icons', '32x32.png'), path.join(rp, 'icon.png')] : []),
    fileURLToPath(new URL('../../resources/icons/32x32.png', import.meta.url)),
    fileURLToPath(new URL('../../../resources/icons/32x32.png', import.meta.url)),
  ]
  return candidates.find((f) => fs.existsSync(f))
}

export function createDesktopShell(o: DesktopOptions): DesktopShellHandle {
  const mux = new MuxEndpoint(o.postToEngine)
  let client: RpcClient | undefined
  let tray: Tray | undefined
  let state: TrayState = { state: 'stopped', tooltip: 'TaoDesk', lines: [], minerRunning: false }

  const render = (): void => {
    if (!tray) {
      const file = iconFile()
      tray = new Tray(file ? nativeImage.createFromPath(file) : nativeImage.createEmpty())
      tray.on('click', o.showWindow)
    }
    tray.setToolTip(state.tooltip)
    // macOS shows a title next to the icon: a warning sign when something needs attention.
    if (process.platform === 'darwin') tray.setTitle(state.state === 'warning' ? '⚠' : '')
    const stopMiner = (): void => void client?.call('miner.stop').catch((e: unknown) => o.log(`Could not stop the miner: ${String(e)}`))
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, { show: o.showWindow, stopMiner, quit: o.quit })))
  }

  const notify = (n: DesktopNotice): void => {
    if (!Notification.isSupported()) return
    const note = new Notification({ title: n.title, body: n.body, urgency: n.level === 'error' ? 'critical' : 'normal' })
    note.on('click', o.showWindow)
    note.show()
  }

  const connect = (): void => {
    client?.dispose()
    o.postToEngine({ conn: DESKTOP_CONN, open: true })
    client = new RpcClient(mux.open(DESKTOP_CONN))
    client.on('desktop.tray', (t) => {
      state = t
      render()
    })
    client.on('desktop.notify', notify)
    client
      .call('desktop.tray')
      .then((t) => {
        state = t
        render()
      })
      .catch((e: unknown) => o.log(`Tray state unavailable: ${String(e)}`))
  }

  render()
  return {
    receive(message) {
      if (!isMuxFrame(message) || message.conn !== DESKTOP_CONN) return false
      mux.receive(message)
      return true
    },
    engineState(up) {
      if (up) connect()
      else {
        mux.closeAll()
        client?.dispose()
        client = undefined
        state = { state: 'warning', tooltip: 'TaoDesk: the engine is restarting', lines: ['The engine is restarting…'], minerRunning: false }
        render()
      }
    },
    minerRunning: () => state.minerRunning,
    dispose() {
      client?.dispose()
      tray?.destroy()
      tray = undefined
    },
  }
}
