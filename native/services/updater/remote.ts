import type { UpdateChannel } from '../../contract'
import type { DownloadProgress, DriverSupport, UpdateDriver, UpdateOffer } from './driver'

/**
 * The update driver across the engine/main-process boundary. In the desktop app the engine
 * (a utility process) owns the update policy and the safety gate, while electron-updater must
 * run in Electron's main process (it needs `app`, `net` and, on macOS, Squirrel). The two talk
 * over the engine's parent port with these messages, tagged so they never mix with RPC frames.
 */

const TAG = 'taodeskUpdater'

type Request =
  | { op: 'support' }
  | { op: 'check'; channel: UpdateChannel }
  | { op: 'download' }
  | { op: 'install' }
  | { op: 'open-at-login'; open: boolean }

export type UpdaterMessage =
  | ({ [TAG]: 1; id: number } & Request)
  | { [TAG]: 1; id: number; ok: true; result?: unknown }
  | { [TAG]: 1; id: number; ok: false; error: string }
  | { [TAG]: 1; id: number; progress: DownloadProgress }

export function isUpdaterMessage(message: unknown): message is UpdaterMessage {
  return typeof message === 'object' && message !== null && (message as Record<string, unknown>)[TAG] === 1
}

/** The desktop integration the engine asks of the main process besides updates. */
export interface DesktopShell {
  setOpenAtLogin(open: boolean): Promise<void>
}

/** Engine side: an UpdateDriver (and DesktopShell) whose work happens in the main process. */
export class RemoteUpdateDriver implements UpdateDriver, DesktopShell {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: DownloadProgress) => void }>()

  constructor(
    private readonly post: (message: UpdaterMessage) => void,
    readonly currentVersion: string,
    private readonly timeoutMs = 10 * 60_000,
  ) {}

  /** Feed every message from the main process here; returns false for messages that are not ours. */
  receive(message: unknown): boolean {
    if (!isUpdaterMessage(message)) return false
    const entry = this.pending.get(message.id)
    if (!entry) return true
    if ('progress' in message) {
      entry.onProgress?.(message.progress)
    } else if ('ok' in message) {
      this.pending.delete(message.id)
      if (message.ok) entry.resolve(message.result)
      else entry.reject(new Error(message.error))
    }
    return true
  }

  support(): Promise<DriverSupport> {
    return this.request({ op: 'support' }, 30_000) as Promise<DriverSupport>
  }
  async check(channel: UpdateChannel): Promise<UpdateOffer | undefined> {
    return ((await this.request({ op: 'check', channel })) as UpdateOffer | null) ?? undefined
  }
  async download(onProgress: (progress: DownloadProgress) => void): Promise<void> {
    await this.request({ op: 'download' }, this.timeoutMs, onProgress)
  }
  async install(): Promise<void> {
    await this.request({ op: 'install' })
  }
  async setOpenAtLogin(open: boolean): Promise<void> {
    await this.request({ op: 'open-at-login', open }, 30_000)
  }
  dispose(): void {
    for (const entry of this.pending.values()) entry.reject(new Error('The engine is shutting down'))
    this.pending.clear()
  }

  private request(request: Request, timeoutMs = this.timeoutMs, onProgress?: (p: DownloadProgress) => void): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`The desktop app did not answer "${request.op}" within ${Math.round(timeoutMs / 1000)} s`))
      }, timeoutMs)
      timer.unref?.()
      const settle = <T>(fn: (v: T) => void) => (v: T) => {
        clearTimeout(timer)
        fn(v)
      }
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject), onProgress })
      this.post({ [TAG]: 1, id, ...request })
    })
  }
}

/**
 * Main-process side: answers the engine's requests with a local driver (electron-updater's
 * `autoUpdater`) and the OS login-item API. Returns the receive function for incoming messages
 * (false for messages that are not ours).
 */
export function serveUpdateDriver(
  driver: UpdateDriver,
  shell: DesktopShell,
  post: (message: UpdaterMessage) => void,
): (message: unknown) => boolean {
  return (message) => {
    if (!isUpdaterMessage(message) || !('op' in message)) return isUpdaterMessage(message)
    const { id } = message
    const reply = (work: Promise<unknown>): void => {
      work.then(
        (result) => post({ [TAG]: 1, id, ok: true, result: result ?? null }),
        (error: unknown) => post({ [TAG]: 1, id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      )
    }
    switch (message.op) {
      case 'support':
        reply(driver.support())
        break
      case 'check':
        reply(driver.check(message.channel))
        break
      case 'download':
        reply(driver.download((progress) => post({ [TAG]: 1, id, progress })))
        break
      case 'install':
        reply(driver.install())
        break
      case 'open-at-login':
        reply(shell.setOpenAtLogin(message.open))
        break
    }
    return true
  }
}
