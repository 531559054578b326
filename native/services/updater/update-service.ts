import { Emitter } from '../../base'
import type { Disposable } from '../../base'
import { EngineError } from '../../contract'
import type { UpdateChannel, UpdateStatus } from '../../contract'
import type { Logger } from '../../platform/logging'
import type { DownloadProgress, UpdateDriver, UpdateOffer } from './driver'
import type { UpdateSafetyGate } from './gate'
import type { MeteredProbe } from './metered'

export const DEFAULT_CHECK_INTERVAL_MS = 4 * 3_600_000
export const DEFAULT_STARTUP_DELAY_MS = 15_000

export interface UpdatePreferences {
  readonly channel: UpdateChannel
  readonly autoDownload: boolean
}

/** What survives a restart: the status line shows the last check even before the first new one. */
export interface UpdateMemory {
  load(): { lastCheckAt: number | null }
  save(value: { lastCheckAt: number | null }): void
}

export interface UpdateServiceOptions {
  /** Undefined when this copy cannot update itself; `unsupportedReason` says why. */
  readonly driver: UpdateDriver | undefined
  readonly unsupportedReason?: string
  readonly currentVersion: string
  readonly gate: UpdateSafetyGate
  readonly log: Logger
  readonly preferences: () => UpdatePreferences
  readonly isMetered: MeteredProbe
  readonly memory?: UpdateMemory
  readonly checkIntervalMs?: number
  readonly startupDelayMs?: number
  readonly now?: () => number
}

type Trigger = 'startup' | 'scheduled' | 'manual' | 'settings'

/**
 * The update policy, independent of Electron: when to check, whether to download, and when
 * a restart is safe. electron-updater (behind an UpdateDriver) does the network, the sha512
 * verification and the installer hand-over.
 */
export class UpdateService implements Disposable {
  private readonly changed = new Emitter<UpdateStatus>()
  readonly onDidChange = this.changed.event

  private state: UpdateStatus['state']
  private reason: string | null
  private lastCheckAt: number | null
  private nextCheckAt: number | null = null
  private available: UpdateOffer | undefined
  private readyVersion: string | undefined
  private progress: DownloadProgress | undefined
  private deferred: UpdateStatus['deferred'] = null
  private error: string | null = null
  private checking: Promise<void> | undefined
  private downloading: Promise<void> | undefined
  private safePointWait: Disposable | undefined
  private gateWatch: Disposable | undefined
  private startupTimer: NodeJS.Timeout | undefined
  private intervalTimer: NodeJS.Timeout | undefined
  private lastChannel: UpdateChannel
  private disposed = false
  private readonly now: () => number

  constructor(private readonly options: UpdateServiceOptions) {
    this.now = options.now ?? Date.now
    this.state = options.driver ? 'idle' : 'unsupported'
    this.reason = options.driver ? null : (options.unsupportedReason ?? 'This copy of TaoDesk cannot update itself.')
    this.lastCheckAt = options.memory?.load().lastCheckAt ?? null
    this.lastChannel = options.preferences().channel
  }

  /** Asks the driver whether updates work here, then checks shortly after start and every few hours. */
  async start(): Promise<void> {
    const driver = this.options.driver
    if (!driver) return
    const support = await driver.support().catch((error: unknown) => ({ supported: false, reason: `The updater did not answer: ${message(error)}` }))
    if (this.disposed) return
    if (!support.supported) {
      this.state = 'unsupported'
      this.reason = support.reason ?? 'This copy of TaoDesk cannot update itself.'
      this.emit()
      return
    }
    const interval = this.options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS
    const delay = this.options.startupDelayMs ?? DEFAULT_STARTUP_DELAY_MS
    this.nextCheckAt = this.now() + delay
    this.startupTimer = setTimeout(() => void this.runCheck('startup'), delay)
    this.startupTimer.unref?.()
    this.intervalTimer = setInterval(() => void this.runCheck('scheduled'), interval)
    this.intervalTimer.unref?.()
    this.emit()
  }

  status(): UpdateStatus {
    const prefs = this.options.preferences()
    return {
      currentVersion: this.options.currentVersion,
      channel: prefs.channel,
      state: this.state,
      reason: this.reason,
      autoDownload: prefs.autoDownload,
      lastCheckAt: this.lastCheckAt,
      nextCheckAt: this.nextCheckAt,
      available: this.available
        ? { version: this.available.version, releaseDate: this.available.releaseDate ?? null, releaseNotes: this.available.releaseNotes ?? null }
        : null,
      progress: this.progress ? { ...this.progress } : null,
      deferred: this.state === 'available' ? this.deferred : null,
      waitingFor: this.state === 'waiting-for-safe-point' ? this.options.gate.leases() : [],
      error: this.error,
    }
  }

  /** A user's "Check now": resolves after the check (a download it starts continues in the background). */
  async check(): Promise<UpdateStatus> {
    this.requireDriver()
    await this.runCheck('manual')
    return this.status()
  }

  /** A user's "Download": allowed on metered connections and with auto-download off. */
  async download(): Promise<UpdateStatus> {
    this.requireDriver()
    if (this.state === 'ready' || this.state === 'waiting-for-safe-point' || this.state === 'installing') return this.status()
    if (!this.available) throw new EngineError('NOT_FOUND', 'No update is available to download. Check for updates first.')
    await this.startDownload()
    return this.status()
  }

  /** Settings changed: a new channel means a new check; turning auto-download on starts a deferred download. */
  preferencesChanged(): void {
    const prefs = this.options.preferences()
    if (!this.options.driver || this.state === 'unsupported') return this.emit()
    if (prefs.channel !== this.lastChannel) {
      this.lastChannel = prefs.channel
      if (this.state !== 'waiting-for-safe-point' && this.state !== 'installing') {
        // An update found or downloaded on the other channel is no longer what the user wants.
        this.available = undefined
        this.readyVersion = undefined
        if (this.state !== 'downloading') this.state = 'idle'
        void this.runCheck('settings')
        return
      }
    }
    if (prefs.autoDownload && this.state === 'available' && this.deferred === 'auto-download-off') void this.maybeAutoDownload()
    this.emit()
  }

  /**
   * The user's "Restart to update". Applies now if nothing is running that a restart would cut
   * short; otherwise waits for the next safe point (every miner request answered, no validator
   * round in progress, no weight commit waiting to be revealed).
   */
  restart(): UpdateStatus {
    this.requireDriver()
    if (this.state === 'waiting-for-safe-point' || this.state === 'installing') return this.status()
    if (this.state !== 'ready') throw new EngineError('NOT_FOUND', 'No update is downloaded yet. Check for updates, then download it.')
    this.state = 'waiting-for-safe-point'
    this.error = null
    this.gateWatch = this.options.gate.onDidChange(() => this.emit())
    this.safePointWait = this.options.gate.runWhenIdle(() => this.install())
    if (this.state === 'waiting-for-safe-point') {
      this.options.log.info('Update ready; waiting for a safe point to restart', { waitingFor: this.options.gate.leases().map((l) => `${l.owner}: ${l.reason}`) })
      this.emit()
    }
    return this.status()
  }

  cancelRestart(): UpdateStatus {
    if (this.state !== 'waiting-for-safe-point') return this.status()
    this.stopWaiting()
    this.state = 'ready'
    this.options.log.info('Restart for update cancelled by the user')
    this.emit()
    return this.status()
  }

  dispose(): void {
    this.disposed = true
    clearTimeout(this.startupTimer)
    clearInterval(this.intervalTimer)
    this.stopWaiting()
    this.options.driver?.dispose()
    this.changed.dispose()
  }

  private requireDriver(): UpdateDriver {
    if (!this.options.driver || this.state === 'unsupported') throw new EngineError('BAD_REQUEST', this.reason ?? 'This copy of TaoDesk cannot update itself.')
    return this.options.driver
  }

  private runCheck(trigger: Trigger): Promise<void> {
    if (this.disposed || !this.options.driver || this.state === 'unsupported') return Promise.resolve()
    // Never disturb a download in flight or a pending restart; the next scheduled check catches up.
    if (this.state === 'downloading' || this.state === 'waiting-for-safe-point' || this.state === 'installing') return this.checking ?? Promise.resolve()
    if (this.checking) return this.checking
    this.checking = this.doCheck(trigger, this.options.driver).finally(() => {
      this.checking = undefined
    })
    return this.checking
  }

  private async doCheck(trigger: Trigger, driver: UpdateDriver): Promise<void> {
    const before = this.state
    const channel = this.options.preferences().channel
    this.state = 'checking'
    this.emit()
    try {
      const offer = await driver.check(channel)
      this.lastCheckAt = this.now()
      this.options.memory?.save({ lastCheckAt: this.lastCheckAt })
      this.error = null
      if (!offer) {
        this.available = undefined
        this.readyVersion = undefined
        this.state = 'up-to-date'
        this.options.log.info('No update available', { trigger, channel, currentVersion: this.options.currentVersion })
      } else if (offer.version === this.readyVersion) {
        this.state = 'ready'
      } else {
        this.available = offer
        this.readyVersion = undefined
        this.state = 'available'
        this.options.log.info('Update available', { trigger, channel, version: offer.version, currentVersion: this.options.currentVersion })
        void this.maybeAutoDownload()
      }
    } catch (error) {
      this.lastCheckAt = this.now()
      this.error = `Could not check for updates: ${message(error)}. TaoDesk ${this.options.currentVersion} keeps running; it will try again later.`
      this.state = before === 'ready' ? 'ready' : 'error'
      this.options.log.warn('Update check failed', { trigger, channel, error: message(error) })
    } finally {
      if (this.intervalTimer) this.nextCheckAt = this.now() + (this.options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS)
      this.emit()
    }
  }

  private async maybeAutoDownload(): Promise<void> {
    if (!this.options.preferences().autoDownload) {
      this.deferred = 'auto-download-off'
      this.emit()
      return
    }
    const metered = await this.options.isMetered()
    if (metered === true) {
      this.deferred = 'metered'
      this.options.log.info('Update not downloaded automatically: the connection is metered', { version: this.available?.version })
      this.emit()
      return
    }
    if (this.state !== 'available') return
    await this.startDownload().catch(() => {
      // Reported through the status already.
    })
  }

  private startDownload(): Promise<void> {
    if (this.downloading) return this.downloading
    const driver = this.requireDriver()
    const offer = this.available
    if (!offer) return Promise.resolve()
    this.state = 'downloading'
    this.deferred = null
    this.error = null
    this.progress = { percent: 0, transferredBytes: 0, totalBytes: 0, bytesPerSecond: 0 }
    this.emit()
    this.options.log.info('Downloading update', { version: offer.version })
    this.downloading = driver
      .download((progress) => {
        this.progress = progress
        this.emit()
      })
      .then(
        () => {
          this.readyVersion = offer.version
          this.state = 'ready'
          this.progress = undefined
          this.options.log.info('Update downloaded and verified; ready to restart', { version: offer.version })
          this.emit()
        },
        (error: unknown) => {
          this.progress = undefined
          this.state = 'error'
          this.error = describeDownloadError(error, offer.version, this.options.currentVersion)
          this.options.log.warn('Update download failed; the running version is untouched', { version: offer.version, error: message(error) })
          this.emit()
          throw new EngineError('INTERNAL', this.error)
        },
      )
      .finally(() => {
        this.downloading = undefined
      })
    return this.downloading
  }

  private install(): void {
    this.stopWaiting()
    const driver = this.options.driver
    if (!driver || this.disposed) return
    this.state = 'installing'
    this.options.log.info('Safe point reached; installing the update and restarting', { version: this.readyVersion })
    this.emit()
    driver.install().catch((error: unknown) => {
      this.state = 'ready'
      this.error = `Could not install the update: ${message(error)}. TaoDesk ${this.options.currentVersion} keeps running.`
      this.options.log.error('Update install failed', { error: message(error) })
      this.emit()
    })
  }

  private stopWaiting(): void {
    this.safePointWait?.dispose()
    this.safePointWait = undefined
    this.gateWatch?.dispose()
    this.gateWatch = undefined
  }

  private emit(): void {
    if (!this.disposed) this.changed.fire(this.status())
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function describeDownloadError(error: unknown, version: string, current: string): string {
  const code = (error as { code?: string } | null)?.code
  if (code === 'ERR_CHECKSUM_MISMATCH' || /sha512 checksum mismatch/i.test(message(error))) {
    return `The download of TaoDesk ${version} did not match its published sha512 checksum and was deleted. TaoDesk ${current} keeps running; the next check will try again.`
  }
  return `Could not download TaoDesk ${version}: ${message(error)}. TaoDesk ${current} keeps running; the next check will try again.`
}
