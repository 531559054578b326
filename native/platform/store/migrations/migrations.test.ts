import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../../test/support/temp-home'
import { SchemaTooNewError, migrate, schemaVersion } from '../migrate'
import { Store } from '../store'
import { MIGRATIONS } from '.'

const homes: Array<() => void> = []
function tempDb(): string {
  const home = makeTempHome()
  homes.push(home.cleanup)
  return path.join(home.dir, 'nested', 'taodesk.sqlite')
}
afterEach(() => {
  while (homes.length > 0) homes.pop()?.()
})

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => r.name)
}

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1))
  })

  it('0001 creates settings, event_log and time_series', () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS.slice(0, 1))
    expect(schemaVersion(db)).toBe(1)
    expect(tables(db)).toEqual(expect.arrayContaining(['event_log', 'settings', 'time_series']))
    // STRICT tables refuse wrong types instead of storing them silently.
    expect(() => db.prepare("INSERT INTO event_log (time, level, source, message) VALUES ('soon', 20, 's', 'm')").run()).toThrow()
    expect(() => db.prepare("INSERT INTO event_log (time, level, source, message) VALUES (1, 99, 's', 'm')").run()).toThrow(/CHECK/)
  })

  it('upgrades a database left at an older version and keeps its rows', () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS.slice(0, 1))
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 1)").run()
    const result = migrate(db, MIGRATIONS)
    expect(result).toEqual({ from: 1, to: MIGRATIONS.length })
    expect(db.prepare('SELECT value FROM settings').get()).toEqual({ value: '"dark"' })
  })

  it('is idempotent', () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS)
    expect(migrate(db, MIGRATIONS)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length })
  })

  it('rolls a failing migration back whole, leaving the previous version', () => {
    const db = new Database(':memory:')
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', up: 'CREATE TABLE half_done (x INTEGER); SELECT * FROM missing_table;' }]
    expect(() => migrate(db, broken)).toThrow(/missing_table/)
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    expect(tables(db)).not.toContain('half_done')
  })

  it('refuses a database written by a newer TaoDesk and leaves it untouched', () => {
    const file = tempDb()
    Store.open(file).close()
    const db = new Database(file)
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`)
    db.close()
    const before = fs.readFileSync(file)
    expect(() => Store.open(file)).toThrow(SchemaTooNewError)
    expect(() => Store.open(file)).toThrow(/newer TaoDesk/)
    expect(fs.readFileSync(file).equals(before)).toBe(true)
  })

  it('opens in WAL mode with a private file, WAL files included, whatever the umask', () => {
    const file = tempDb()
    const umask = process.umask(0o022)
    try {
      const store = Store.open(file)
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(store.integrityCheck()).toBe('ok')
      store.settings.writeMany({ theme: 'dark' })
      if (process.platform !== 'win32') {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(fs.statSync(f).mode & 0o777, f).toBe(0o600)
      }
      store.close()
    } finally {
      process.umask(umask)
    }
  })
})

describe('store tables', () => {
  it('settings: JSON round trip; a corrupt value reads as absent', () => {
    const store = Store.open(':memory:')
    store.settings.writeMany({ theme: 'dark', retention: 7 })
    store.db.prepare("UPDATE settings SET value = '{not json' WHERE key = 'retention'").run()
    expect(store.settings.readAll()).toEqual({ theme: 'dark' })
  })

  it('event log: filters by level, source, search and id windows, newest N oldest first', () => {
    const store = Store.open(':memory:')
    const levels = ['debug', 'info', 'warn', 'error'] as const
    for (let i = 0; i < 40; i++) {
      store.eventLog.append({ time: 1000 + i, level: levels[i % 4], source: i % 2 ? 'miner' : 'chain', message: `event ${i}`, fields: { i, tag: i % 5 === 0 ? 'Five' : 'x' } })
    }
    const newest = store.eventLog.query({}, 3)
    expect(newest.map((e) => e.message)).toEqual(['event 37', 'event 38', 'event 39'])
    expect(store.eventLog.query({ levels: ['error'], sources: ['miner'] }, 100).every((e) => e.level === 'error' && e.source === 'miner')).toBe(true)
    expect(store.eventLog.query({ search: 'five' }, 100).map((e) => e.fields.i)).toEqual([0, 5, 10, 15, 20, 25, 30, 35])
    expect(store.eventLog.query({ afterId: 38 }, 100).map((e) => e.id)).toEqual([39, 40])
    expect(store.eventLog.query({ beforeId: 3 }, 100).map((e) => e.id)).toEqual([1, 2])
    expect(store.eventLog.sources()).toEqual(['chain', 'miner'])
    expect(store.eventLog.deleteOlderThan(1010)).toBe(10)
    expect(store.eventLog.count()).toBe(30)
  })

  it('event log: stores fields that JSON cannot (bigint, errors, cycles) without throwing', () => {
    const store = Store.open(':memory:')
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const entry = store.eventLog.append({ time: 1, level: 'info', source: 's', message: 'm', fields: { big: 10n ** 20n, err: new Error('boom'), cyclic } })
    expect(entry.fields).toEqual({ big: '100000000000000000000', err: { name: 'Error', message: 'boom' }, cyclic: { a: 1, self: '[circular]' } })
  })

  it('time series: records, queries a range, refuses non-finite values atomically', () => {
    const store = Store.open(':memory:')
    store.timeSeries.record([
      { series: 'miner.requests', value: 1, time: 10 },
      { series: 'miner.requests', value: 2, time: 20, labels: { status: 'ok' } },
      { series: 'miner.latency_ms', value: 5, time: 20 },
    ])
    expect(store.timeSeries.query('miner.requests', { since: 15 }, 10)).toEqual([{ time: 20, value: 2, labels: { status: 'ok' } }])
    expect(() => store.timeSeries.record([{ series: 'x', value: 3 }, { series: 'x', value: Number.NaN }])).toThrow(/non-finite/)
    expect(store.timeSeries.query('x', {}, 10)).toEqual([])
    expect(store.timeSeries.seriesNames()).toEqual(['miner.latency_ms', 'miner.requests'])
  })
})
