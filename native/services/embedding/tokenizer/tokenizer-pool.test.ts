import { afterAll, describe, expect, it } from 'vitest'
import { TOKENIZERS } from '../test-support/shared-files'
import { TokenizerPool } from './tokenizer-pool'
import { WordPieceTokenizer, encodingHead } from './wordpiece'

const file = TOKENIZERS.bgeSmall()
const reference = WordPieceTokenizer.fromFile(file)
const clause = 'The party of the first part shall indemnify the party of the second part. '

describe('TokenizerPool (worker threads)', () => {
  const pool = new TokenizerPool({ tokenizerFile: file, prefix: 'query: ', maxLength: 128 })
  afterAll(() => pool.close())

  it('gives the ids the tokenizer gives in this thread, for short, long and mostly blank texts', async () => {
    const huge = clause.repeat(140_000) // 10 MB: only its head is copied to a worker
    const blanks = `${' '.repeat(200_000)}${clause.repeat(20)}` // its head has no tokens: sent again whole
    const texts = ['A man is eating food.', '', huge, blanks, clause.repeat(3)]
    expect(encodingHead(huge, 128).length).toBeLessThan(70_000)
    expect(encodingHead(blanks, 128).length).toBeLessThan(blanks.length)
    const got = await pool.tokenize(texts)
    const want = texts.map((t) => reference.encode(`query: ${t}`, 128))
    expect(got.ids.map((ids) => Array.from(ids))).toEqual(want.map((e) => Array.from(e.ids)))
    expect(got.truncated).toBe(want.filter((e) => e.truncated).length)
    expect(got.tokens).toBe(want.reduce((n, e) => n + e.ids.length, 0))
    expect(pool.done.worker).toBeGreaterThan(0)
    expect(pool.done.inThread).toBe(0)
  }, 30_000)

  it('spreads many texts over jobs and keeps their order', async () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `${i} ${clause.repeat(8)}`)
    const got = await pool.tokenize(texts)
    for (const i of [0, 1, 1500, 2999]) expect(Array.from(got.ids[i]!)).toEqual(Array.from(reference.encode(`query: ${texts[i]!}`, 128).ids))
    expect(got.ids).toHaveLength(3000)
  }, 30_000)
})
