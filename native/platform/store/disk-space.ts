import { EngineError } from '../../contract/errors'

/** Whether a failed write failed for want of space (SQLite's SQLITE_FULL, or the OS's ENOSPC/EDQUOT). */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT'
}

export function diskFullMessage(file: string): string {
  return `The disk holding TaoDesk's data (${file}) is full, so nothing new can be saved: settings changes, log entries and history are not stored until you free some space on it. Mining keeps going from memory meanwhile.`
}

/** A write refused because the disk is full: the caller's action was not stored. */
export function diskFullError(file: string): EngineError {
  return new EngineError('NO_SPACE', diskFullMessage(file))
}

export function isDiskFullError(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'NO_SPACE'
}
