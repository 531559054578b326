import { describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../scripts/make-test-models'
import { captureIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import type { SelfScoreReport } from '../../contract'
import { createEngine } from '../../host'
import { runCli } from '../main'

describe('taodesk miner selfscore', () => {
  it('--json reports score, top-1, top-3 and their chance levels per model; the text table warns only near chance', async () => {
    const home = makeTempHome()
    try {
      const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true })
      try {
        await engine.embedding.importFolder(ensureTestModel('lexical').dir, 'lexical-manpages')
        await engine.embedding.importFolder(ensureTestModel('tiny').dir, 'tiny-random')
      } finally {
        await engine.dispose()
      }
      const json = captureIo({ TAODESK_HOME: home.dir })
      expect(await runCli(['miner', 'selfscore', '--json', '--pairs', '128'], json)).toBe(0)
      const report = JSON.parse(json.out()) as SelfScoreReport
      expect(report.dataset).toMatchObject({ name: 'taodesk-docs', pairs: 128 })
      const byId = new Map(report.models.map((m) => [m.modelId, m]))
      for (const m of byId.values()) {
        expect(m).toMatchObject({ ok: true, batches: 4, chanceTop1: 1 / 32, chanceTop3: 3 / 32 })
        expect(m.chanceScore).toBeCloseTo(1 / Math.log(32), 12)
        expect(typeof m.score).toBe('number')
        expect(typeof m.top1).toBe('number')
        expect(typeof m.top3).toBe('number')
      }
      // The lexical model scores under 2 × the chance score yet retrieves far above chance: not flagged.
      const lex = byId.get('local/lexical-manpages')!
      expect(lex.top1!).toBeGreaterThan(3 / 32)
      expect(lex.nearChance).toBe(false)
      expect(byId.get('local/tiny-random')!.nearChance).toBe(true)

      const text = captureIo({ TAODESK_HOME: home.dir })
      expect(await runCli(['miner', 'selfscore', '--pairs', '128'], text)).toBe(0)
      expect(text.out()).toMatch(/chance level\s+0\.289\s+3 %\s+9 %/)
      expect(text.out()).toMatch(/Warning: local\/tiny-random finds the right passage first only \d+ % of the time, near chance \(3 %\)/)
      expect(text.out()).not.toMatch(/Warning: local\/lexical-manpages/)
    } finally {
      home.cleanup()
    }
  }, 120_000)
})
