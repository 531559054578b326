import { CancellationToken } from 'electron-updater'
import type { AppUpdater, ProgressInfo } from 'electron-updater'
import type { UpdateChannel } from '../../contract'
import type { Logger } from '../../platform/logging'

export interface UpdateOffer {
  readonly version: string
  readonly releaseDate?: string
  readonly releaseNotes?: string
}

export interface DownloadProgress {
  readonly percent: number
  readonly transferredBytes: number
  readonly totalBytes: number
  readonly bytesPerSecond: number
}

export interface DriverSupport {
  readonly supported: boolean
  /** Why updates cannot be applied by this copy (development build, headless npm install...). */
  readonly reason?: string
}

/**
 * What the update service needs from an updater: electron-updater in the desktop app (through
 * the main process), electron-updater with Node adapters in tests. Downloads are verified
 * before `download` resolves; `install` replaces the app and restarts it.
 */
export interface UpdateDriver {
  readonly currentVersion: string
  support(): Promise<DriverSupport>
  /** Resolves with the offered update, or undefined when the channel has nothing newer. */
  check(channel: UpdateChannel): Promise<UpdateOffer | undefined>
  /** Downloads the offer of the last check; resolves once the file passed its sha512 check. */
  download(onProgress: (progress: DownloadProgress) => void): Promise<void>
  install(): Promise<void>
  dispose(): void
}

/** The electron-updater channel name ("latest" is electron-builder's name for stable). */
export function feedChannel(channel: UpdateChannel): string {
  return channel === 'beta' ? 'beta' : 'latest'
}

export interface ElectronUpdaterDriverOptions {
  readonly log?: Logger
  /**
   * How to hand over to the installer. Default: `quitAndInstall(true, true)` (silent install,
   * relaunch), which needs Electron. Plain-Node hosts pass their own.
   */
  readonly install?: (updater: AppUpdater) => void
}

/** Drives any electron-updater AppUpdater (the real `autoUpdater`, or AppImageUpdater in tests). */
export class ElectronUpdaterDriver implements UpdateDriver {
  private cancel = new CancellationToken()

  constructor(
    private readonly updater: AppUpdater,
    private readonly options: ElectronUpdaterDriverOptions = {},
  ) {
    // TaoDesk decides when to download (metered, user setting) and when to restart (safe points).
    updater.autoDownload = false
    updater.autoInstallOnAppQuit = false
    const log = options.log
    updater.logger = log
      ? {
          info: (m?: unknown) => log.debug(String(m)),
          warn: (m?: unknown) => log.warn(String(m)),
          error: (m?: unknown) => log.warn(String(m)),
        }
      : null
  }

  get currentVersion(): string {
    return this.updater.currentVersion.version
  }

  async support(): Promise<DriverSupport> {
    if (!this.updater.isUpdaterActive()) return { supported: false, reason: 'This copy of TaoDesk cannot update itself (a development build, or a package format without auto-update).' }
    return { supported: true }
  }

  async check(channel: UpdateChannel): Promise<UpdateOffer | undefined> {
    this.updater.channel = feedChannel(channel)
    // Setting a channel turns on downgrades in electron-updater; an older build is never offered here.
    this.updater.allowDowngrade = false
    this.updater.allowPrerelease = channel === 'beta'
    const result = await this.updater.checkForUpdates()
    if (!result) throw new Error('The updater is not active in this copy of TaoDesk')
    if (!result.isUpdateAvailable) return undefined
    const info = result.updateInfo
    return {
      version: info.version,
      releaseDate: info.releaseDate,
      releaseNotes: typeof info.releaseNotes === 'string' ? info.releaseNotes : undefined,
    }
  }

  async download(onProgress: (progress: DownloadProgress) => void): Promise<void> {
    const listener = (p: ProgressInfo): void =>
      onProgress({ percent: p.percent, transferredBytes: p.transferred, totalBytes: p.total, bytesPerSecond: p.bytesPerSecond })
    this.updater.on('download-progress', listener)
    this.cancel = new CancellationToken()
    try {
      await this.updater.downloadUpdate(this.cancel)
    } finally {
      this.updater.off('download-progress', listener)
    }
  }

  async install(): Promise<void> {
    if (this.options.install) this.options.install(this.updater)
    else this.updater.quitAndInstall(true, true)
  }

  dispose(): void {
    this.cancel.cancel()
  }
}
