import fs from 'node:fs'
import path from 'node:path'
import { AppImageUpdater } from 'electron-updater'
import type { AppUpdater } from 'electron-updater'
import { dump } from 'js-yaml'
import { NodeAppAdapter, NodeHttpExecutor } from './node-adapters'

export interface NodeUpdaterOptions {
  readonly name: string
  readonly version: string
  /** Base URL of the generic feed (the folder holding latest-linux.yml and the files). */
  readonly feedUrl: string
  /** Folder for app-update.yml, the staging id and the download cache. */
  readonly dataDir: string
  readonly quit?: () => void
}

/**
 * electron-updater's Linux AppImage updater, running in plain Node: a Node app adapter instead
 * of Electron's `app`, node:http instead of Electron's `net`, and an app-update.yml written the
 * way electron-builder writes it into a packaged app's resources.
 */
export function createNodeAppImageUpdater(options: NodeUpdaterOptions): { updater: AppUpdater; adapter: NodeAppAdapter } {
  fs.mkdirSync(options.dataDir, { recursive: true })
  const configPath = path.join(options.dataDir, 'app-update.yml')
  fs.writeFileSync(configPath, dump({ provider: 'generic', url: options.feedUrl, updaterCacheDirName: `${options.name.toLowerCase()}-updater` }))
  const adapter = new NodeAppAdapter({
    name: options.name,
    version: options.version,
    appUpdateConfigPath: configPath,
    userDataPath: options.dataDir,
    baseCachePath: path.join(options.dataDir, 'cache'),
    quit: options.quit,
  })
  const updater = new AppImageUpdater(null, adapter)
  // The executor must be in place before setFeedURL: the provider captures it.
  ;(updater as unknown as { httpExecutor: NodeHttpExecutor }).httpExecutor = new NodeHttpExecutor()
  updater.setFeedURL({ provider: 'generic', url: options.feedUrl })
  // Feeds written by scripts/generate-update-feed.ts carry no block maps: always download whole files.
  updater.disableDifferentialDownload = true
  return { updater, adapter }
}
