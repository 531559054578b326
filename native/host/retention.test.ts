import { afterEach, describe, expect, it } from 'vitest'
import { ValidatorTables } from '../services/validator/validator-tables'
import { makeTempHome } from '../../test/support/temp-home'
import { Store } from '../platform/store'
import { createEngine } from './create-engine'
import { databasePath } from './paths'

const DAY = 86_400_000
const homes: Array<() => void> = []
afterEach(() => {
  while (homes.length > 0) homes.pop()?.()
})

describe('retention at engine start', () => {
  it('drops old log lines, series points and validator rounds with their results, and keeps recent ones', async () => {
    const home = makeTempHome()
    homes.push(home.cleanup)
    const now = Date.now()
    const store = Store.open(databasePath(home.dir))
    store.eventLog.append({ time: now - 40 * DAY, level: 'info', source: 't', message: 'old line', fields: {} })
    store.eventLog.append({ time: now - 1 * DAY, level: 'info', source: 't', message: 'recent line', fields: {} })
    store.timeSeries.record([
      { series: 's', value: 1, time: now - 400 * DAY },
      { series: 's', value: 2, time: now - DAY },
    ])
    const tables = new ValidatorTables(store.db)
    const oldRound = tables.startRound({ startedAt: now - 400 * DAY, netuid: 5, block: 1 })
    const recentRound = tables.startRound({ startedAt: now - DAY, netuid: 5, block: 2 })
    store.db.prepare("UPDATE validator_rounds SET status = 'done'").run()
    store.db
      .prepare("INSERT INTO validator_results (round_id, uid, hotkey, time, status, message, latency_s, score, top1, top3, reward, moving_average) VALUES (?, 1, 'h', ?, 200, '', 0.1, 1, 1, 1, 1, 1)")
      .run(oldRound, now - 400 * DAY)
    store.close()

    const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
    try {
      const messages = engine.store.eventLog.query({ sources: ['t'] }, 10).map((e) => e.message)
      expect(messages).toEqual(['recent line'])
      expect(engine.store.timeSeries.query('s', {}, 10).map((p) => p.value)).toEqual([2])
      const rounds = engine.store.db.prepare<[], { id: number }>('SELECT id FROM validator_rounds').all().map((r) => r.id)
      expect(rounds).toEqual([recentRound])
      expect(engine.store.db.prepare('SELECT count(*) AS n FROM validator_results').get()).toEqual({ n: 0 })
    } finally {
      await engine.dispose()
    }
  })
})
