import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { captureIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import { contentOverlap } from '../../protocols/text-embedding/data'
import { createEngine } from '../../host'
import type { EngineOptions } from '../../host'
import { runCli } from '../main'
import { createValidatorCommand } from './validator'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../shared/data/manpages-corpus.jsonl')

describe('taodesk validator questions', () => {
  it('prints one {"query","passage"} object per line with --json; --seed repeats the same pairs', async () => {
    const home = makeTempHome()
    try {
      const run = async (...args: string[]) => {
        const io = captureIo({ TAODESK_HOME: home.dir })
        expect(await runCli(['validator', 'questions', '--corpus', MANPAGES, ...args], io)).toBe(0)
        return io
      }
      const a = await run('--count', '12', '--seed', '3', '--json')
      const lines = a.out().trim().split('\n')
      expect(lines).toHaveLength(12)
      const pairs = lines.map((l) => JSON.parse(l) as Record<string, string>)
      for (const p of pairs) {
        expect(Object.keys(p)).toEqual(['query', 'passage'])
        expect(p.query.length).toBeGreaterThan(5)
        expect(p.passage.toLowerCase().includes(p.query.toLowerCase())).toBe(false)
      }
      expect(pairs.reduce((s, p) => s + contentOverlap(p.query, p.passage), 0) / pairs.length).toBeLessThan(0.8)
      expect((await run('--count', '12', '--seed', '3', '--json')).out()).toBe(a.out())
      expect((await run('--count', '12', '--seed', '4', '--json')).out()).not.toBe(a.out())

      const human = await run('--count', '2', '--seed', '3')
      expect(human.out()).toContain(`#1 manpages-corpus.jsonl:`)
      expect(human.out()).toContain(`  query    ${pairs[0]!.query}\n`)
      expect(human.err()).toMatch(/2 pairs from .*manpages-corpus\.jsonl, questions by offline-cloze\+summary, seed 3/)
    } finally {
      home.cleanup()
    }
  })

  it('explains a missing corpus or a bad count', async () => {
    const home = makeTempHome()
    try {
      const a = captureIo({ TAODESK_HOME: home.dir })
      expect(await runCli(['validator', 'questions'], a)).toBe(2)
      expect(a.err()).toMatch(/needs --corpus FILE/)
      const b = captureIo({ TAODESK_HOME: home.dir })
      expect(await runCli(['validator', 'questions', '--corpus', MANPAGES, '--count', '0'], b)).toBe(2)
      expect(b.err()).toMatch(/--count must be a whole number from 1/)
      const c = captureIo({ TAODESK_HOME: home.dir })
      expect(await runCli(['validator', 'questions', '--corpus', path.join(home.dir, 'missing.jsonl')], c)).toBe(1)
      expect(c.err()).toMatch(/does not exist/)
    } finally {
      home.cleanup()
    }
  })
})

describe('taodesk validator --wallets-dir', () => {
  it('runs the engine with that wallets folder for this run', async () => {
    const home = makeTempHome()
    const seen: EngineOptions[] = []
    const command = createValidatorCommand({ createEngine: (o) => (seen.push(o), createEngine(o)) })
    try {
      const walletsDir = path.join(home.dir, 'my-wallets')
      const io = captureIo({ TAODESK_HOME: home.dir })
      // A bad --sample stops the run right after the engine is made, before any round.
      await expect(command.run({ once: true, 'wallets-dir': walletsDir, sample: 'many' }, ['round'], io)).rejects.toThrow(/--sample/)
      expect(seen.map((o) => o.walletsDir)).toEqual([walletsDir])
    } finally {
      home.cleanup()
    }
  })
})
