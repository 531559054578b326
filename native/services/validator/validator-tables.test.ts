import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate, schemaVersion } from '../../platform/store/migrate'
import { MIGRATIONS } from '../../platform/store/migrations'
import { ValidatorTables } from './validator-tables'

describe('migration 0004 (validator) and its tables', () => {
  it('applies on top of 0003 and keeps earlier data; leaderboard aggregates per miner', () => {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    migrate(db, MIGRATIONS.slice(0, 3))
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 1)").run()
    migrate(db, MIGRATIONS)
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(4)
    expect(db.prepare('SELECT value FROM settings').get()).toEqual({ value: '"dark"' })

    const t = new ValidatorTables(db)
    const base = { hotkey: 'hk', message: 'Success', loss: 0.5, top3: 1, reward: 1, movingAverage: 0.2, invalidReason: null }
    const r1 = t.startRound({ startedAt: 1000, netuid: 5, block: 10 })
    t.recordResults([
      { ...base, roundId: r1, uid: 0, time: 1000, status: 200, latencyS: 1, score: 2, top1: 1 },
      { ...base, roundId: r1, uid: 1, time: 1000, status: 408, latencyS: 60, score: 0, top1: 0, loss: NaN, message: 'Request timeout after 60 seconds' },
    ])
    t.finishRound(r1, { status: 'done', finishedAt: 2000, pairs: 10, queried: 2, answered: 1, burn: { applied: false } })
    const r2 = t.startRound({ startedAt: 3000, netuid: 5, block: 20 })
    t.recordResults([{ ...base, roundId: r2, uid: 0, time: 3000, status: 200, latencyS: 3, score: 4, top1: 0.5, invalidReason: null }])
    const lb = t.leaderboard(100)
    expect(lb).toHaveLength(2)
    expect(lb[0]).toMatchObject({ uid: 0, lastScore: 4, avgScore: 3, avgLatencyS: 2, availability: 1, queries: 2, lastSeen: 3000, lastTop1: 0.5 })
    expect(lb[1]).toMatchObject({ uid: 1, availability: 0, avgLatencyS: null, lastSeen: null, lastStatus: 408 })
    expect(t.leaderboard(1)[0]).toMatchObject({ avgScore: 4, queries: 1 })
    expect(t.minerHistory(0, 10).map((r) => r.score)).toEqual([2, 4])
    expect(t.roundResults(r1)[1].loss).toBeNull() // NaN is stored as NULL, never as garbage
    expect(t.failInterrupted(5000)).toBe(1)
    expect(t.rounds(10)[0]).toMatchObject({ id: r2, status: 'failed' })

    const w = t.recordWeights({ time: 1, netuid: 5, block: 30, kind: 'commit', status: 'ok', message: 'committed', uids: [0], values: [65535], salt: [1, 2], versionKey: 803, commitEpoch: 2, spearman: 0.5 })
    expect(t.pendingCommits(5).map((x) => x.id)).toEqual([w])
    t.markRevealed(w)
    expect(t.pendingCommits(5)).toEqual([])
    t.setState('scores', { hotkeys: ['a'], scores: [0.5] })
    expect(t.getState('scores')).toEqual({ hotkeys: ['a'], scores: [0.5] })
    // Deleting a round removes its results (foreign key cascade).
    expect(t.deleteOlderThan(2500)).toBe(1)
    expect(t.minerHistory(0, 10)).toHaveLength(1)
    expect(() => db.prepare("INSERT INTO validator_rounds (started_at, status, netuid) VALUES (1, 'weird', 5)").run()).toThrow()
  })
})

/** The first leaderboard query (a window function over the whole table): the reference for the indexed one. */
const WINDOW_QUERY = `WITH ranked AS (
    SELECT r.*, row_number() OVER (PARTITION BY uid ORDER BY round_id DESC) AS rn FROM validator_results r
  )
  SELECT uid,
    max(CASE WHEN rn = 1 THEN hotkey END) AS hotkey, max(CASE WHEN rn = 1 THEN score END) AS last_score, avg(score) AS avg_score,
    max(CASE WHEN rn = 1 THEN top1 END) AS last_top1, avg(top1) AS avg_top1, avg(top3) AS avg_top3,
    avg(CASE WHEN status = 200 THEN latency_s END) AS avg_latency,
    avg(CASE WHEN status = 200 AND invalid_reason IS NULL THEN 1.0 ELSE 0.0 END) AS availability,
    count(*) AS queries, max(CASE WHEN status = 200 THEN time END) AS last_seen,
    max(CASE WHEN rn = 1 THEN status END) AS last_status, max(CASE WHEN rn = 1 THEN message END) AS last_message,
    max(CASE WHEN rn = 1 THEN moving_average END) AS moving_average
  FROM ranked WHERE rn <= ? GROUP BY uid ORDER BY uid`

describe('leaderboard query', () => {
  it('gives the same figures as a window function over the whole history, for any window', () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS)
    const t = new ValidatorTables(db)
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let round = 0; round < 60; round++) {
      const id = t.startRound({ startedAt: round, netuid: 5, block: round })
      // A random sample of 40 uids, sparse uids up to 300, some never queried.
      const uids = [...new Set(Array.from({ length: 40 }, () => Math.floor(rand() * 300)))]
      t.recordResults(
        uids.map((uid) => {
          const status = rand() < 0.1 ? 408 : rand() < 0.05 ? 503 : 200
          return {
            roundId: id,
            uid,
            hotkey: `hk${uid}-${round > 40 && uid % 7 === 0 ? 'new' : 'old'}`,
            time: 1000 * round,
            status,
            message: status === 200 ? 'Success' : 'failed',
            latencyS: rand() * 10,
            score: status === 200 ? rand() * 20 : 0,
            loss: status === 200 ? rand() : NaN,
            top1: rand(),
            top3: rand(),
            reward: rand(),
            movingAverage: rand(),
            invalidReason: status === 200 && rand() < 0.1 ? 'wrong-dimension' : null,
          }
        }),
      )
    }
    for (const window of [1, 2, 5, 50, 10_000]) {
      const want = db.prepare(WINDOW_QUERY).all(window) as Array<Record<string, unknown>>
      const got = t.leaderboard(window)
      expect(got.length).toBe(want.length)
      got.forEach((g, i) => {
        const w = want[i]
        expect(g).toEqual({
          uid: w.uid,
          hotkey: w.hotkey,
          lastScore: w.last_score,
          avgScore: w.avg_score,
          lastTop1: w.last_top1,
          avgTop1: w.avg_top1,
          avgTop3: w.avg_top3,
          avgLatencyS: w.avg_latency,
          availability: w.availability,
          queries: w.queries,
          lastSeen: w.last_seen,
          lastStatus: w.last_status,
          lastMessage: w.last_message,
          movingAverage: w.moving_average,
        })
      })
    }
    expect(t.leaderboard(50).some((r) => r.hotkey.endsWith('-new'))).toBe(true)
  })

  it('is empty when nothing was recorded', () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS)
    expect(new ValidatorTables(db).leaderboard(50)).toEqual([])
  })
})
