import type { Logger } from '../platform/logging'

/**
 * Last-resort handlers for the engine's own process (utility process or `taodesk serve`), not for
 * libraries or tests. A rejected promise nobody awaited is a bug, but not one worth stopping a
 * miner mid-epoch for: it is logged and the engine goes on. An uncaught exception leaves the
 * process in an unknown state: it is logged, then the process exits (the desktop app restarts it).
 */
export function installCrashGuards(log: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onRejection = (reason: unknown): void => {
    log.error('Unhandled promise rejection (a bug; TaoDesk keeps running)', { error: describe(reason) })
  }
  const onException = (error: Error): void => {
    log.error('Uncaught exception: the engine stops and will be restarted', { error: describe(error) })
    exit(70)
  }
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return () => {
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtException', onException)
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message
  return String(value)
}
