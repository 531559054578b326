/**
 * Issue 14 item 17: the practice subnet's demo miners are real axons on this machine. Every axon
 * the fresh practice chain publishes is loopback, and a newcomer's validator round (chain
 * metagraph, signed v10 queries, InfoNCE scoring) ranks their models good > average > poor.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../test/support/temp-home'
import { devSigner } from '../../bittensor/keys/dev-signer'
import { createEngine } from '../../host'
import type { Engine } from '../../host'
import type { RpcClient } from '../../rpc'
import { PRACTICE_MINERS } from './practice'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../shared/data/manpages-corpus.jsonl')

describe('practice network demo miners', () => {
  let home: ReturnType<typeof makeTempHome>
  let engine: Engine
  let rpc: RpcClient

  beforeAll(async () => {
    home = makeTempHome()
    engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, practice: { blockTimeMs: 0, port: null } })
    rpc = engine.connectInproc('test')
    await rpc.call('chain.setNetwork', { network: 'devnet' })
  })

  afterAll(async () => {
    await engine?.dispose()
    home?.cleanup()
  })

  it('publishes only loopback axons, and a validator round scores good > average > poor', async () => {
    const mg = await rpc.call('chain.metagraph', { netuid: 5 })
    const served = mg.neurons.filter((n) => n.axon.ip !== '0.0.0.0')
    expect(served).toHaveLength(PRACTICE_MINERS.length)
    expect(served.every((n) => n.axon.ip === '127.0.0.1' && n.axon.port > 0)).toBe(true)

    await rpc.call('validator.config.update', { netuid: 5, dataSource: 'local', corpusPath: MANPAGES, sampleSize: 16, setWeights: false })
    const round = await rpc.call('validator.runRound', {})
    expect(round).toMatchObject({ status: 'done', error: null })
    const board = await rpc.call('validator.leaderboard', { window: 10 })
    const scoreOf = async (quality: string) => {
      const hotkeys = await Promise.all(PRACTICE_MINERS.filter((m) => m.quality === quality).map(async (m) => (await devSigner(m.hotkey)).address))
      const rows = board.filter((r) => hotkeys.includes(r.hotkey))
      expect(rows).toHaveLength(hotkeys.length)
      expect(rows.every((r) => r.lastStatus === 200)).toBe(true)
      return Math.min(...rows.map((r) => r.lastScore))
    }
    const [good, average, poor] = [await scoreOf('good'), await scoreOf('average'), await scoreOf('poor')]
    expect(good).toBeGreaterThan(average)
    expect(average).toBeGreaterThan(poor)
  }, 120_000)
})
