import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TOKENIZERS } from '../test-support/shared-files'
import { TokenizerError, WordPieceTokenizer, splitWords } from './wordpiece'

const fromVocab = WordPieceTokenizer.fromFile(TOKENIZERS.vocab())
const miniLm = WordPieceTokenizer.fromFile(TOKENIZERS.miniLm())
const bge = WordPieceTokenizer.fromFile(TOKENIZERS.bgeSmall())
const all = [fromVocab, miniLm, bge]

const ids = (t: WordPieceTokenizer, text: string, max = 512): number[] => Array.from(t.encode(text, max).ids)
const tok = (t: WordPieceTokenizer, text: string): string[] => {
  const inv = new Map([...t.vocab].map(([k, v]) => [v, k]))
  return t.tokenize(text).map((id) => inv.get(id)!)
}

describe('WordPieceTokenizer (real bert-base-uncased vocab and tokenizer.json files)', () => {
  it('gives the known ids for the reference sentence with every file', () => {
    for (const t of all) expect(ids(t, 'A man is eating food.')).toEqual([101, 1037, 2158, 2003, 5983, 2833, 1012, 102])
    expect(fromVocab.vocabSize).toBe(30522)
  })

  it('splits unknown words into ## sub-words', () => {
    expect(tok(bge, 'unaffable tokenization')).toEqual(['una', '##ffa', '##ble', 'token', '##ization'])
    expect(ids(bge, 'unaffable')).toEqual([101, 14477, 20961, 3468, 102])
  })

  it('lower-cases and strips accents (BertNormalizer)', () => {
    expect(tok(miniLm, 'Café RÉSUMÉ naïve Ångström')).toEqual(tok(miniLm, 'cafe resume naive angstrom'))
    expect(tok(miniLm, 'HeLLo')).toEqual(['hello'])
  })

  it('makes every punctuation character its own token, ASCII symbols included', () => {
    expect(splitWords("don't stop-me,now!(x)$5")).toEqual(['don', "'", 't', 'stop', '-', 'me', ',', 'now', '!', '(', 'x', ')', '$', '5'])
    expect(tok(bge, 'a+b=c «quoted» — dash')).toEqual(['a', '+', 'b', '=', 'c', '«', 'quoted', '»', '—', 'dash'])
  })

  it('spaces CJK characters, drops control characters and maps odd whitespace to spaces', () => {
    expect(tok(bge, '中文字')).toEqual(['中', '文', '[UNK]'])
    expect(tok(bge, 'a\u0000b\u200b c\u00a0d\u2028e\tf\r\ng')).toEqual(['ab', 'c', 'd', 'e', 'f', 'g'])
    expect(tok(bge, '\ufffd')).toEqual([])
  })

  it('maps words with no pieces, and words over 100 characters, to [UNK]', () => {
    expect(ids(bge, '☃')).toEqual([101, 100, 102])
    expect(ids(bge, 'a'.repeat(101))).toEqual([101, 100, 102])
    expect(ids(bge, '😀 ok')).toEqual([101, 100, 7929, 102])
  })

  it('keeps special tokens written in the text', () => {
    expect(ids(miniLm, 'hello [SEP] world')).toEqual([101, 7592, 102, 2088, 102])
  })

  it('truncates long text to maxLength ids and keeps the final [SEP] (as the Python tokenizers do)', () => {
    const text = 'word '.repeat(1000)
    const enc = miniLm.encode(text, 128)
    expect(enc.truncated).toBe(true)
    expect(enc.ids.length).toBe(128)
    expect(enc.ids[0]).toBe(101)
    expect(enc.ids[127]).toBe(102)
    expect(enc.ids[126]).toBe(2773)
    expect(miniLm.encode('short', 128).truncated).toBe(false)
    expect(ids(miniLm, '', 8)).toEqual([101, 102])
    expect(() => miniLm.encode('x', 1)).toThrow(TokenizerError)
  })

  it('gives the same ids from vocab.txt and from tokenizer.json on real text', () => {
    const text = fs.readFileSync(TOKENIZERS.miniLm(), 'utf8').length > 0 ? 'The process\'s parent is sent a SIGCHLD signal; status & 0xFF is returned (see wait(2)).' : ''
    expect(ids(fromVocab, text)).toEqual(ids(bge, text))
    expect(tok(bge, text).slice(0, 8)).toEqual(['the', 'process', "'", 's', 'parent', 'is', 'sent', 'a'])
  })

  it('rejects tokenizer files it cannot use, with a clear message', () => {
    expect(() => WordPieceTokenizer.fromTokenizerJson('{"model": {"type": "BPE", "vocab": {}}}')).toThrow(/Only WordPiece/)
    expect(() => WordPieceTokenizer.fromTokenizerJson('{"model": {"type": "WordPi')).toThrow(/truncated/)
    expect(() => WordPieceTokenizer.fromVocabTxt('a\nb\n')).toThrow(/no \[CLS\]/)
  })
})

describe('agreement with Hugging Face tokenizers.js on real text', () => {
  it('gives identical ids on man pages and edge cases (no truncation)', async () => {
    const { Tokenizer } = await import('@huggingface/tokenizers')
    const json = fs.readFileSync(TOKENIZERS.bgeSmall(), 'utf8')
    const ref = new Tokenizer(JSON.parse(json) as object, {})
    const { MANPAGES } = await import('../test-support/shared-files')
    const docs = fs.readFileSync(MANPAGES(), 'utf8').trim().split('\n').slice(0, 300).map((l) => JSON.parse(l) as { title: string; summary: string; text: string })
    const texts = [
      'ΣΊΣΥΦΟΣ İstanbul ǅ',
      'x\u0301y \u0085z',
      'Ｆｕｌｌｗｉｄｔｈ ＡＢＣ',
      ...docs.flatMap((d) => [d.title, d.summary, d.text]),
    ]
    const mismatches = texts.filter((text) => {
      const a = Array.from(bge.encode(text, 1_000_000).ids)
      const b = ref.encode(text).ids
      return a.length !== b.length || a.some((v, i) => v !== b[i])
    })
    expect(mismatches).toEqual([])
  })
})

describe('encode() on huge texts (issue 15: truncate before the work grows)', () => {
  const manPages = async (): Promise<string> => {
    const { MANPAGES } = await import('../test-support/shared-files')
    return fs.readFileSync(MANPAGES(), 'utf8').trim().split('\n').slice(0, 200).map((l) => (JSON.parse(l) as { text: string }).text).join('\n')
  }

  it('gives the same ids, chunk by chunk, as tokenizing the whole text', async () => {
    const text = await manPages()
    expect(text.length).toBeGreaterThan(100_000)
    for (const max of [8, 512, 4096]) {
      const whole = bge.tokenize(text)
      expect(Array.from(bge.encode(text, max).ids)).toEqual([101, ...whole.slice(0, max - 2), 102])
    }
    // Sparse text (few tokens per chunk, Unicode and specials among long runs of separators): many chunks.
    const words = text.split(/\s+/).slice(0, 400)
    const sparse = words.map((w, i) => `${w}${i % 7 === 0 ? ' [SEP] ΣΊΣΥΦΟΣ e\u0301' : ''}${' \n\t'.repeat(700 + (i % 13))}`).join('')
    const all = bge.tokenize(sparse)
    expect(all.length).toBeGreaterThan(510)
    expect(Array.from(bge.encode(sparse, 512).ids)).toEqual([101, ...all.slice(0, 510), 102])
    expect(Array.from(bge.encode(sparse, 100_000).ids)).toEqual([101, ...all, 102])
  })

  it('encodes a 10 MB text in the time of its first chunk', () => {
    const text = 'The party of the first part shall indemnify the party of the second part. '.repeat(140_000)
    expect(text.length).toBeGreaterThan(10_000_000)
    const started = performance.now()
    const enc = bge.encode(text, 512)
    const ms = performance.now() - started
    expect(enc.truncated).toBe(true)
    expect(enc.ids.length).toBe(512)
    // The whole text took 1.6 s and gigabytes; its first chunk takes a few ms.
    expect(ms).toBeLessThan(150)
  })
})
