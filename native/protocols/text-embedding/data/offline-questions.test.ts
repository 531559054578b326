import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { splitSentences } from './chunking'
import { InverseClozeQuestionMaker, KeywordQuestionMaker, OfflineQuestionMaker, SummaryQuestionMaker } from './offline-questions'
import { contentOverlap, isBareWordList, questionQuality } from './question-quality'
import type { QuestionPair } from './questions'
import { Rng } from './random'
import { buildRoundData } from './round-data'
import { LocalCorpusSource } from './sources'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../../shared/data/manpages-corpus.jsonl')
const CHUNK = 'Pipes connect two processes. Data written to the write end of a pipe is read from the read end. A pipe has a limited capacity. Short text.'

describe('question quality measures', () => {
  it('counts content words of the question found in the passage, frame words excluded', () => {
    expect(contentOverlap('Explain pipes, processes and capacity', 'pipes connect processes; capacity is limited')).toBe(1)
    expect(contentOverlap('How large is the buffer of a pipe', 'A pipe has a limited capacity')).toBeCloseTo(1 / 3, 12) // large, buffer, pipe
    expect(contentOverlap('the of a', 'anything')).toBe(0)
  })

  it('tells bare word lists from phrases and sentences', () => {
    expect(isBareWordList('Explain reboot, section and symlink')).toBe(true)
    expect(isBareWordList('What does it say about pipes, read end and capacity')).toBe(true)
    expect(isBareWordList('reboot, section, symlink')).toBe(true)
    expect(isBareWordList('list extended attribute names')).toBe(false)
    expect(isBareWordList('A pipe has a limited capacity')).toBe(false)
    expect(isBareWordList('The mode is read, write or execute permission for the owner of the file')).toBe(false)
  })
})

describe('offline question makers', () => {
  it('inverse cloze takes one sentence out as the query and keeps the rest, in order, as the passage', async () => {
    const maker = new InverseClozeQuestionMaker()
    const seen = new Set<string>()
    for (let seed = 0; seed < 30; seed++) {
      const made = (await maker.question(CHUNK, new Rng(seed))) as QuestionPair
      const sentences = splitSentences(CHUNK)
      const taken = sentences.findIndex((s) => s.replace(/\.$/, '') === made.question)
      expect(taken).toBeGreaterThanOrEqual(0)
      expect(made.chunk).toBe(sentences.filter((_, i) => i !== taken).join(' '))
      expect(made.chunk.includes(made.question)).toBe(false)
      seen.add(made.question)
    }
    // "Short text." is too short to be a query; "Pipes connect two processes" shares no word with the rest.
    expect([...seen].sort()).toEqual(['A pipe has a limited capacity', 'Data written to the write end of a pipe is read from the read end'])
    expect(await maker.question('One sentence only.', new Rng(1))).toBeInstanceOf(Error)
  })

  it('the summary line is the query of an article\'s first chunk only; other chunks get inverse cloze', async () => {
    const maker = new OfflineQuestionMaker()
    expect(await maker.question(CHUNK, new Rng(1), { index: 0, summary: 'create an interprocess channel' })).toBe('create an interprocess channel')
    expect(await maker.question(CHUNK, new Rng(1), { index: 1, summary: 'create an interprocess channel' })).toMatchObject({ chunk: expect.any(String) })
    expect(await maker.question('One sentence only.', new Rng(1), { index: 2, summary: 'create an interprocess channel' })).toBeInstanceOf(Error)
    // A chunk that contains the summary word for word gets inverse cloze instead.
    expect(await maker.question(`${CHUNK} It makes an interprocess channel.`, new Rng(1), { index: 0, summary: 'an interprocess channel' })).toMatchObject({ chunk: expect.any(String) })
    expect(await maker.question(CHUNK, new Rng(1))).toMatchObject({ question: expect.any(String), chunk: expect.any(String) })
    expect(await new SummaryQuestionMaker().question(CHUNK, new Rng(1), { index: 0 })).toBeInstanceOf(Error)
  })

  it('on the man-pages corpus the default questions do not copy their passages (the issue\'s targets), unlike keyword templates', async () => {
    const source = new LocalCorpusSource(MANPAGES)
    const measure = async (maker: OfflineQuestionMaker | KeywordQuestionMaker) => {
      const pairs = []
      for (let seed = 1; seed <= 10; seed++) pairs.push(...(await buildRoundData(source, maker, new Rng(seed))).pairs)
      return questionQuality(pairs)
    }
    const offline = await measure(new OfflineQuestionMaker())
    expect(offline.pairs).toBeGreaterThan(300)
    expect(offline.meanOverlap).toBeLessThanOrEqual(0.8)
    expect(offline.containedShare).toBeLessThanOrEqual(0.35)
    expect(offline.wordListShare).toBe(0)
    expect(offline.verbatimShare).toBe(0)
    const keywords = await measure(new KeywordQuestionMaker())
    expect(keywords.meanOverlap).toBe(1)
    expect(keywords.wordListShare).toBeGreaterThan(0.9)
  })
})
