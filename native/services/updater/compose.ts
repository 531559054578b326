import type { Disposable } from '../../base'
import type { Settings, UpdateStatus } from '../../contract'
import type { Logger } from '../../platform/logging'
import type { UpdateDriver } from './driver'
import { SafetyGateRegistry } from './gate'
import type { UpdateSafetyGate } from './gate'
import { createMeteredProbe } from './metered'
import { mirrorGateToFile } from './npm-update'
import type { MeteredProbe } from './metered'
import type { DesktopShell } from './remote'
import { UpdateService } from './update-service'
import { createUpdatesHandlers, fileUpdateMemory } from './updates-handlers'

export interface UpdaterDomainOptions {
  readonly home: string
  readonly version: string
  readonly headless: boolean
  readonly log: Logger
  readonly settings: () => Settings
  readonly onStatus: (status: UpdateStatus) => void
  /** The desktop app passes a driver backed by electron-updater in the main process. */
  readonly driver?: UpdateDriver
  readonly shell?: DesktopShell
  readonly isMetered?: MeteredProbe
  readonly checkIntervalMs?: number
  readonly startupDelayMs?: number
}

export interface UpdaterDomain extends Disposable {
  readonly gate: UpdateSafetyGate
  readonly service: UpdateService
  readonly handlers: ReturnType<typeof createUpdatesHandlers>
  /** Call after every settings change. */
  settingsChanged(settings: Settings): void
}

export const HEADLESS_UPDATE_REASON =
  'This engine runs headless, without the desktop updater. Update an npm install with `taodesk update check` and `taodesk update apply`.'
export const DEV_UPDATE_REASON = 'This is a development build; updates are installed by the packaged app only.'

/** Builds the safety gate, the update service and the start-at-login sync for the engine. */
export function createUpdaterDomain(options: UpdaterDomainOptions): UpdaterDomain {
  const gate = new SafetyGateRegistry()
  const log = options.log
  const service = new UpdateService({
    driver: options.driver,
    unsupportedReason: options.headless ? HEADLESS_UPDATE_REASON : DEV_UPDATE_REASON,
    currentVersion: options.version,
    gate,
    log,
    preferences: () => {
      const s = options.settings()
      return { channel: s.updateChannel, autoDownload: s.updateAutoDownload }
    },
    isMetered: options.isMetered ?? createMeteredProbe(),
    memory: fileUpdateMemory(options.home),
    checkIntervalMs: options.checkIntervalMs,
    startupDelayMs: options.startupDelayMs,
  })
  const subscription = service.onDidChange(options.onStatus)
  // `taodesk update apply` (another process) reads the leases from here.
  const gateMirror = mirrorGateToFile(options.home, gate)

  let openAtLogin: boolean | undefined
  const syncLoginItem = (wanted: boolean): void => {
    if (!options.shell || wanted === openAtLogin) return
    openAtLogin = wanted
    options.shell.setOpenAtLogin(wanted).catch((error: unknown) => {
      openAtLogin = undefined
      log.warn('Could not change the start-at-login setting of the operating system', { error: String(error) })
    })
  }
  syncLoginItem(options.settings().startAtLogin)
  void service.start()

  return {
    gate,
    service,
    handlers: createUpdatesHandlers(service),
    settingsChanged(settings) {
      syncLoginItem(settings.startAtLogin)
      service.preferencesChanged()
    },
    dispose() {
      subscription.dispose()
      gateMirror.dispose()
      service.dispose()
    },
  }
}
