import type Database from 'better-sqlite3'
import type { Migration } from './migrations'

export class SchemaTooNewError extends Error {
  constructor(readonly found: number, readonly supported: number) {
    super(
      `This data was written by a newer TaoDesk (schema version ${found}; this version understands up to ${supported}). ` +
        'Update TaoDesk, or point TAODESK_HOME at another folder.',
    )
    this.name = 'SchemaTooNewError'
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/**
 * Brings the database to the newest schema. Each migration and its version bump commit
 * together, so a crash mid-way leaves the database at the last complete version.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`)
  })
  const from = schemaVersion(db)
  const latest = migrations.length
  if (from > latest) throw new SchemaTooNewError(from, latest)
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      db.exec(m.up)
      db.pragma(`user_version = ${m.version}`)
    })()
  }
  return { from, to: latest }
}
