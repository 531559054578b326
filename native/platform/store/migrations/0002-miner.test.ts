import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate, schemaVersion } from '../migrate'
import { AxonNonceTable } from '../../../bittensor/axon/nonce-table'
import { MinerRequestTable } from '../../../services/miner/request-table'
import { MIGRATIONS } from '.'

describe('migration 0002 (miner)', () => {
  it('creates axon_nonces and miner_requests on top of 0001, keeping 19-digit nonces exact', () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS.slice(0, 1))
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 1)").run()
    migrate(db, MIGRATIONS.slice(0, 2))
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(2)
    expect(db.prepare('SELECT value FROM settings').get()).toEqual({ value: '"dark"' })

    const nonces = new AxonNonceTable(db)
    const nonce = 1_735_689_600_123_456_789n
    expect(nonces.last('5F:uuid')).toBeUndefined()
    nonces.record('5F:uuid', nonce, 1000)
    expect(nonces.last('5F:uuid')).toBe(nonce)
    nonces.record('5F:uuid', nonce + 1n, 2000)
    expect(nonces.last('5F:uuid')).toBe(nonce + 1n)
    nonces.record('5G:old', 5n, 10)
    expect(nonces.prune(500)).toBe(1)
    expect(nonces.last('5G:old')).toBeUndefined()

    const requests = new MinerRequestTable(db)
    const base = { route: 'TextEmbeddingSynapse', hotkey: '5F', uid: 1, ip: '1.2.3.4', texts: 256, status: 200, message: 'Success', latencyMs: 12.5, queueMs: 0, inferenceMs: 10, bytesIn: 100, bytesOut: 200 }
    requests.append({ ...base, time: 1000 })
    requests.append({ ...base, time: 2000, status: 403, hotkey: null, uid: null })
    expect(requests.recent(10).map((r) => r.time)).toEqual([2000, 1000])
    expect(requests.between(0, 1500)).toHaveLength(1)
    expect(requests.deleteOlderThan(1500)).toBe(1)
    // STRICT: a wrong type is refused instead of stored.
    expect(() => db.prepare("INSERT INTO axon_nonces (endpoint_key, nonce, seen_at) VALUES ('k', 'soon', 1)").run()).toThrow()
  })
})
