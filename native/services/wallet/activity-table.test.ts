import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate, schemaVersion } from '../../platform/store/migrate'
import { MIGRATIONS } from '../../platform/store/migrations'
import { migrationWalletActivity } from '../../platform/store/migrations/0003-wallet-activity'
import { WalletActivityTable } from './activity-table'

describe('migration wallet-activity and its table', () => {
  it('is registered in order and creates a STRICT wallet_activity table', () => {
    expect(MIGRATIONS[migrationWalletActivity.version - 1]).toBe(migrationWalletActivity)
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS.slice(0, migrationWalletActivity.version))
    expect(schemaVersion(db)).toBe(migrationWalletActivity.version)
    expect(() => db.prepare("INSERT INTO wallet_activity (time, wallet, kind, message, status) VALUES (1, 'w', 'created', 'm', 'maybe')").run()).toThrow(/CHECK/)
    expect(() => db.prepare("INSERT INTO wallet_activity (time, wallet, kind, message, status) VALUES ('soon', 'w', 'created', 'm', 'ok')").run()).toThrow()
    const table = new WalletActivityTable(db)
    table.record({ wallet: 'a', kind: 'created', message: 'one', time: 10 })
    table.record({ wallet: 'b', kind: 'unlocked', message: 'two', address: '5Df', time: 20 })
    table.record({ wallet: 'a', kind: 'unlock-failed', message: 'three', status: 'failed', time: 30 })
    expect(table.list('a', 10).map((e) => [e.message, e.status])).toEqual([['three', 'failed'], ['one', 'ok']])
    expect(table.list(undefined, 2).map((e) => e.wallet)).toEqual(['a', 'b'])
    // An extrinsic's row starts pending and is updated in place when it finishes.
    const pending = table.record({ wallet: 'a', kind: 'transfer', message: 'Transfer 1 TAO', status: 'pending', time: 40 })
    expect(table.update(pending.id, { status: 'ok', message: 'Transfer 1 TAO: finalized' })).toMatchObject({ id: pending.id, status: 'ok', message: 'Transfer 1 TAO: finalized', time: 40 })
    expect(table.list('a', 1)[0]).toMatchObject({ id: pending.id, status: 'ok' })
    expect(table.update(9999, { status: 'failed' })).toBeUndefined()
  })
})
