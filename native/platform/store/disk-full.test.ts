import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../test/support/temp-home'
import type { EngineHealth } from '../../contract'
import { createEngine } from '../../host'
import { AxonNonceTable } from '../../bittensor/axon/nonce-table'
import { Store } from './store'

/**
 * A full disk, for real: SQLite's max_page_count caps the database at its current size, so every
 * write that needs a new page fails with SQLITE_FULL, exactly as on a full file system.
 */
function fillDisk(store: Store): void {
  store.db.pragma('wal_checkpoint(TRUNCATE)')
  store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true }) as number}`)
}
/** Packs the settings rows next to `key` until not even a tiny one fits (so writing `key` needs a new page). */
function packSettingsNear(store: Store, key: string): void {
  const insert = store.db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 0)')
  let n = 0
  for (const size of [400, 100, 20, 1]) {
    for (;;) {
      try {
        insert.run(`${key}~pad${String(n++).padStart(6, '0')}`, JSON.stringify('x'.repeat(size)))
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_FULL') break
        throw error
      }
    }
  }
}
function freeDisk(store: Store): void {
  store.db.pragma('max_page_count = 1073741823')
}
const bulky = { note: 'x'.repeat(20_000) }

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('a full disk (issue 15)', () => {
  it('never acknowledges an unsaved log entry or setting, says the disk is full, and recovers once it frees', async () => {
    const home = makeTempHome()
    cleanups.push(home.cleanup)
    const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, practice: { blockTimeMs: 0, port: null } })
    cleanups.push(() => engine.dispose())
    const rpc = engine.connectInproc()
    const health: EngineHealth[] = []
    rpc.on('app.health', (h) => health.push(h))
    fillDisk(engine.store)
    packSettingsNear(engine.store, 'logRetentionDays')

    // Each write needs new pages (20 KB each): refused with NO_SPACE, never acknowledged with id 0.
    await expect(rpc.call('logs.report', { level: 'error', message: 'renderer crashed', fields: bulky })).rejects.toMatchObject({
      code: 'NO_SPACE',
      message: expect.stringMatching(/disk holding TaoDesk's data .* is full/) as unknown,
    })
    const error = await rpc.call('settings.update', { logRetentionDays: 7 }).then(() => undefined, (e: unknown) => e as { code: string; message: string })
    expect(error?.code).toBe('NO_SPACE')
    expect(error?.message).not.toMatch(/details are in the log/i)
    expect((await rpc.call('app.health', {})).diskFull).toMatch(/is full.*free some space/)
    await expect.poll(() => health.some((h) => typeof h.diskFull === 'string')).toBe(true)

    freeDisk(engine.store)
    const { id } = await rpc.call('logs.report', { level: 'error', message: 'renderer crashed', fields: bulky })
    expect(id).toBeGreaterThan(0)
    expect((await rpc.call('logs.query', { limit: 10 })).some((e) => e.id === id)).toBe(true)
    expect((await rpc.call('app.health', {})).diskFull ?? null).toBeNull()
    await expect.poll(() => health.at(-1)?.diskFull ?? null).toBeNull()
  }, 60_000)

  it('keeps nonces in a bounded table in memory while the disk is full, and saves them once it frees', () => {
    const home = makeTempHome()
    cleanups.push(home.cleanup)
    const store = Store.open(path.join(home.dir, 'taodesk.sqlite'))
    cleanups.push(() => store.close())
    const nonces = new AxonNonceTable(store.db, (fn) => store.write(fn), 3)
    // Fill the table's pages first so that new rows need new pages.
    for (let i = 0; i < 50; i++) nonces.record(`warm-${i}:${'u'.repeat(1500)}`, BigInt(i), Date.now())
    fillDisk(store)
    const key = (i: number): string => `5Validator${i}:${'u'.repeat(1500)}`
    for (let i = 0; i < 3; i++) expect(() => nonces.record(key(i), 1000n + BigInt(i), Date.now())).not.toThrow()
    expect(store.diskFull).toMatch(/is full/)
    expect(nonces.unsavedCount).toBe(3)
    expect(nonces.last(key(1))).toBe(1001n)
    // Bounded: a fourth endpoint is refused (503) rather than a nonce forgotten; known ones update.
    expect(() => nonces.record(key(3), 5n, Date.now())).toThrow(/disk is full/)
    nonces.record(key(0), 2000n, Date.now())
    expect(nonces.last(key(0))).toBe(2000n)

    freeDisk(store)
    nonces.record(key(3), 5n, Date.now())
    expect(nonces.unsavedCount).toBe(0)
    expect(store.diskFull).toBeNull()
    const reopened = new AxonNonceTable(store.db)
    expect([0, 1, 2, 3].map((i) => reopened.last(key(i)))).toEqual([2000n, 1001n, 1002n, 5n])
  })
})
