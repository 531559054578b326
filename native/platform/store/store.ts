import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Emitter } from '../../base'
import { diskFullError, diskFullMessage, isDiskFull } from './disk-space'
import { migrate } from './migrate'
import { MIGRATIONS } from './migrations'
import { EventLogTable } from './tables/event-log-table'
import { SettingsTable } from './tables/settings-table'
import { TimeSeriesTable } from './tables/time-series-table'

export interface StoreOptions {
  readonly readonly?: boolean
}

/**
 * The one owner of the SQLite database. Other modules use its tables; nobody else opens
 * the file for writing. WAL mode lets the CLI (`taodesk logs --follow`) read while the
 * engine writes, and makes every committed transaction survive a killed process.
 */
export class Store {
  readonly settings: SettingsTable
  readonly eventLog: EventLogTable
  readonly timeSeries: TimeSeriesTable
  /** Fires with the disk-full message when a write fails for want of space, and null once the database grows again. */
  readonly diskFullChanged = new Emitter<string | null>()
  /** While full: the database's size in pages when a write last failed for want of space. */
  private fullAtPages: number | null = null

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
  ) {
    const write = <T>(fn: () => T): T => this.write(fn)
    this.settings = new SettingsTable(db, write)
    this.eventLog = new EventLogTable(db, write)
    this.timeSeries = new TimeSeriesTable(db)
  }

  /** Why nothing can be saved right now (the disk is full), or null. */
  get diskFull(): string | null {
    return this.fullAtPages === null ? null : diskFullMessage(this.file)
  }

  /**
   * Runs a write. A write that fails for want of space throws EngineError NO_SPACE (so no caller
   * acknowledges what was not stored) and marks the store full. Small writes may still fit in
   * pages the database already has, so only a write that grows the database clears it.
   */
  write<T>(fn: () => T): T {
    let result: T
    try {
      result = fn()
    } catch (error) {
      if (!isDiskFull(error)) throw error
      const wasFull = this.fullAtPages !== null
      this.fullAtPages = this.pageCount()
      if (!wasFull) this.diskFullChanged.fire(diskFullMessage(this.file))
      throw diskFullError(this.file)
    }
    if (this.fullAtPages !== null && this.pageCount() > this.fullAtPages) {
      this.fullAtPages = null
      this.diskFullChanged.fire(null)
    }
    return result
  }

  private pageCount(): number {
    return this.db.pragma('page_count', { simple: true }) as number
  }

  static open(file: string, options: StoreOptions = {}): Store {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    if (options.readonly && file !== ':memory:' && !fs.existsSync(file)) {
      throw new Error(`No TaoDesk database at ${file}. Start TaoDesk once (or check TAODESK_HOME).`)
    }
    if (!options.readonly && file !== ':memory:') restrictToOwner(file)
    const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false })
    try {
      db.function('unicode_lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value))
      db.pragma('busy_timeout = 5000')
      if (!options.readonly) {
        db.pragma('journal_mode = WAL')
        // NORMAL in WAL mode: a commit survives a crash or kill of this process; only an OS
        // crash or power loss can drop the last transactions (never corrupts the file).
        db.pragma('synchronous = NORMAL')
        db.pragma('foreign_keys = ON')
        migrate(db, MIGRATIONS)
      }
      return new Store(db, file)
    } catch (error) {
      db.close()
      throw error
    }
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string
  }

  close(): void {
    this.diskFullChanged.dispose()
    if (this.db.open) this.db.close()
  }
}

/**
 * The database holds private history (and the WAL holds recent pages of it): only the user may
 * read it. SQLite gives -wal and -shm the database file's mode, so the file is created 0600
 * before SQLite opens it; files left by older versions are tightened too.
 */
function restrictToOwner(file: string): void {
  if (process.platform === 'win32') return
  fs.closeSync(fs.openSync(file, 'a', 0o600))
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
}
