import { describe, expect, it } from 'vitest'
import { OfflineQuestionMaker, Rng, buildRoundData } from '../../protocols/text-embedding/data'
import { BuiltinArticleSource, articlesOf, effectiveDataSource } from './builtin-articles'

describe("the validator's built-in articles (the practice network's evaluation data)", () => {
  it('"auto" uses them on the practice network and the subnet\'s datasets elsewhere; an explicit choice stays', () => {
    expect(effectiveDataSource('auto', 'devnet')).toBe('builtin')
    expect(effectiveDataSource('auto', 'finney')).toBe('huggingface')
    expect(effectiveDataSource('auto', undefined)).toBe('huggingface')
    expect(effectiveDataSource('huggingface', 'devnet')).toBe('huggingface')
    expect(effectiveDataSource('local', 'devnet')).toBe('local')
  })

  it('groups the documentation passages into one article per section, its heading as the summary', () => {
    const articles = articlesOf([
      { q: 'Quick start', p: 'Run npm start.', src: 'README.md#Quick start' },
      { q: 'It opens.', p: 'The app opens a window.', src: 'README.md#Quick start' },
      { q: 'Tempo', p: 'An epoch is tempo blocks.', src: 'spec.md#Epochs' },
    ])
    expect(articles).toEqual([
      { text: 'Run npm start. It opens. The app opens a window.', ref: 'README.md#Quick start', title: 'Quick start', summary: 'Quick start' },
      { text: 'An epoch is tempo blocks.', ref: 'spec.md#Epochs', title: 'Epochs', summary: 'Epochs' },
    ])
  })

  it('makes a full round of question/passage pairs offline from the shipped documentation', async () => {
    const data = await buildRoundData(new BuiltinArticleSource(), new OfflineQuestionMaker(), new Rng(7))
    expect(data.pairs.length).toBeGreaterThanOrEqual(8)
    expect(data.texts.length).toBe(2 * data.pairs.length)
    expect(data.provenance.source).toBe('builtin:taodesk-docs')
  })
})
