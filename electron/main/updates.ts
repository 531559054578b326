import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { app } from 'electron'
import electronUpdater from 'electron-updater'
import { ElectronUpdaterDriver, serveUpdateDriver } from '../../native/host'
import type { DesktopShell, UpdaterMessage } from '../../native/host'

/**
 * The main-process half of auto-update. The engine (utility process) owns the policy: when to
 * check, whether to download (metered connection, user setting) and when a restart is safe
 * (its UpdateSafetyGate). This side only runs electron-updater's real `autoUpdater` (Electron's
 * `net`, Squirrel.Mac, the NSIS and AppImage installers) and the OS start-at-login switch, on
 * the engine's request. Returns the handler for messages coming from the engine: true when the
 * message was an updater message.
 */
export function createMainUpdates(postToEngine: (message: UpdaterMessage) => void, log: (message: string) => void): (message: unknown) => boolean {
  const driver = new ElectronUpdaterDriver(electronUpdater.autoUpdater)
  const shell: DesktopShell = {
    async setOpenAtLogin(open) {
      if (process.platform === 'linux') setLinuxAutostart(open)
      else app.setLoginItemSettings({ openAtLogin: open })
      log(`Start at login ${open ? 'on' : 'off'}`)
    },
  }
  return serveUpdateDriver(driver, shell, postToEngine)
}

/** Linux has no login-item API in Electron: the XDG autostart folder is the standard. */
function setLinuxAutostart(open: boolean): void {
  const dir = path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'autostart')
  const file = path.join(dir, 'taodesk.desktop')
  if (!open) {
    fs.rmSync(file, { force: true })
    return
  }
  // An AppImage moves when it updates; APPIMAGE is its current path.
  const exec = process.env.APPIMAGE ?? process.execPath
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(file, `[Desktop Entry]\nType=Application\nName=TaoDesk\nExec="${exec.replace(/"/g, '\\"')}"\nX-GNOME-Autostart-enabled=true\n`)
}
