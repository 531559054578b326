import type Database from 'better-sqlite3'

/** Key/value rows with JSON values. Validation of the values belongs to the settings service. */
export class SettingsTable {
  private readonly selectAll: Database.Statement<[], { key: string; value: string }>
  private readonly upsert: Database.Statement<[string, string, number]>

  constructor(
    private readonly db: Database.Database,
    private readonly write: <T>(fn: () => T) => T = (fn) => fn(),
  ) {
    this.selectAll = db.prepare('SELECT key, value FROM settings')
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    )
  }

  readAll(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const row of this.selectAll.all()) {
      try {
        out[row.key] = JSON.parse(row.value) as unknown
      } catch {
        // A corrupt value reads as absent, so its default applies instead of a crash.
      }
    }
    return out
  }

  writeMany(values: Readonly<Record<string, unknown>>, now = Date.now()): void {
    const all = this.db.transaction(() => {
      for (const [key, value] of Object.entries(values)) this.upsert.run(key, JSON.stringify(value), now)
    })
    this.write(() => all())
  }
}
