import { utilityProcess } from 'electron'
import type { UtilityProcess } from 'electron'

export interface EngineHostOptions {
  readonly entry: string
  /** Read at every (re)start, so a GPU runtime downloaded meanwhile is used from the next start. */
  readonly env: () => NodeJS.ProcessEnv
  readonly onMessage: (message: unknown) => void
  readonly onState: (up: boolean) => void
  readonly log: (message: string) => void
}

const MAX_BACKOFF_MS = 30_000

/**
 * Runs the engine in an Electron utilityProcess (a Node process without window access),
 * restarts it with backoff when it dies, and stops it with a deadline on quit.
 */
export class EngineHost {
  private child: UtilityProcess | undefined
  private stopping = false
  private failures = 0
  private restartTimer: NodeJS.Timeout | undefined

  constructor(private readonly options: EngineHostOptions) {}

  start(): void {
    const child = utilityProcess.fork(this.options.entry, [], {
      serviceName: 'TaoDesk engine',
      env: this.options.env(),
      stdio: 'inherit',
    })
    this.child = child
    child.on('spawn', () => {
      this.options.onState(true)
    })
    child.on('message', (message: unknown) => {
      this.failures = 0
      this.options.onMessage(message)
    })
    child.on('exit', (code) => {
      this.child = undefined
      this.options.onState(false)
      if (this.stopping) return
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures++)
      this.options.log(`Engine exited with code ${code}; restarting in ${delay} ms`)
      this.restartTimer = setTimeout(() => this.start(), delay)
    })
  }

  post(message: unknown): void {
    this.child?.postMessage(message)
  }

  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true
    clearTimeout(this.restartTimer)
    const child = this.child
    if (!child) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill()
        resolve()
      }, timeoutMs)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      // SIGTERM lets the engine close the database cleanly.
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM')
      else child.kill()
    })
  }
}
