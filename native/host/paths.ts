import os from 'node:os'
import path from 'node:path'

export const APP_NAME = 'TaoDesk'

/**
 * Where TaoDesk keeps its data. `TAODESK_HOME` wins; otherwise the folder Electron uses for
 * `userData`, so the desktop app and the CLI on the same machine share one database.
 */
export function resolveHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env.TAODESK_HOME?.trim()
  if (override) return path.resolve(override)
  const home = os.homedir()
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME)
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME)
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME)
  }
}

export function databasePath(home: string): string {
  return path.join(home, 'taodesk.sqlite')
}
