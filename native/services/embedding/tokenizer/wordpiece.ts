import fs from 'node:fs'

/**
 * BERT WordPiece tokenizer compatible with Hugging Face `tokenizers` (BertNormalizer +
 * BertPreTokenizer + WordPiece + [CLS] A [SEP] template), read from `tokenizer.json` or `vocab.txt`.
 * Truncation keeps the final [SEP] the way the Python library does (transformers.js drops it).
 */
export interface WordPieceOptions {
  readonly lowercase: boolean
  /** null: follow `lowercase` (BERT's rule). */
  readonly stripAccents: boolean | null
  readonly cleanText: boolean
  readonly handleChineseChars: boolean
  readonly unkToken: string
  readonly clsToken: string
  readonly sepToken: string
  readonly padToken: string
  readonly continuingSubwordPrefix: string
  readonly maxInputCharsPerWord: number
}

export interface Encoding {
  /** Token ids including [CLS] and [SEP]. */
  readonly ids: Int32Array
  /** True when the text had more tokens than `maxLength` allowed. */
  readonly truncated: boolean
}

const DEFAULTS: WordPieceOptions = {
  lowercase: true,
  stripAccents: null,
  cleanText: true,
  handleChineseChars: true,
  unkToken: '[UNK]',
  clsToken: '[CLS]',
  sepToken: '[SEP]',
  padToken: '[PAD]',
  continuingSubwordPrefix: '##',
  maxInputCharsPerWord: 100,
}

const WORD_CACHE_LIMIT = 200_000

export class TokenizerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TokenizerError'
  }
}

export class WordPieceTokenizer {
  readonly vocab: ReadonlyMap<string, number>
  readonly options: WordPieceOptions
  readonly clsId: number
  readonly sepId: number
  readonly padId: number
  readonly unkId: number
  /** Whole-word → ids cache (words repeat heavily in real text). */
  private readonly cache = new Map<string, readonly number[]>()
  /** Special tokens matched verbatim in the input before normalisation (e.g. "[SEP]"). */
  private readonly specials: ReadonlyMap<string, number>

  constructor(vocab: ReadonlyMap<string, number>, options: Partial<WordPieceOptions> = {}, specials: ReadonlyMap<string, number> = new Map()) {
    this.vocab = vocab
    this.options = { ...DEFAULTS, ...options }
    const need = (token: string): number => {
      const id = vocab.get(token)
      if (id === undefined) throw new TokenizerError(`The vocabulary has no ${token} token.`)
      return id
    }
    this.clsId = need(this.options.clsToken)
    this.sepId = need(this.options.sepToken)
    this.unkId = need(this.options.unkToken)
    this.padId = vocab.get(this.options.padToken) ?? 0
    this.specials = specials
  }

  get vocabSize(): number {
    return this.vocab.size
  }

  /** Parses a Hugging Face `tokenizer.json` (BERT-style WordPiece only). */
  static fromTokenizerJson(text: string): WordPieceTokenizer {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new TokenizerError('tokenizer.json is not valid JSON (the file may be truncated).')
    }
    const root = json as {
      model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number }
      normalizer?: { type?: string; lowercase?: boolean; strip_accents?: boolean | null; clean_text?: boolean; handle_chinese_chars?: boolean } | null
      added_tokens?: { id: number; content: string; special?: boolean }[]
    }
    if (root.model?.type !== 'WordPiece' || !root.model.vocab) {
      throw new TokenizerError(`Only WordPiece tokenizers are supported (this tokenizer.json has model type ${String(root.model?.type)}).`)
    }
    const vocab = new Map<string, number>(Object.entries(root.model.vocab))
    const n = root.normalizer
    const options: Partial<WordPieceOptions> = {
      unkToken: root.model.unk_token ?? '[UNK]',
      continuingSubwordPrefix: root.model.continuing_subword_prefix ?? '##',
      maxInputCharsPerWord: root.model.max_input_chars_per_word ?? 100,
      ...(n && n.type === 'BertNormalizer'
        ? { lowercase: n.lowercase ?? true, stripAccents: n.strip_accents ?? null, cleanText: n.clean_text ?? true, handleChineseChars: n.handle_chinese_chars ?? true }
        : {}),
    }
    const specials = new Map<string, number>()
    for (const t of root.added_tokens ?? []) {
      if (t.special) specials.set(t.content, t.id)
      if (!vocab.has(t.content)) vocab.set(t.content, t.id)
    }
    return new WordPieceTokenizer(vocab, options, specials)
  }

  /** Parses a BERT `vocab.txt` (one token a line, id = line number); uncased defaults. */
  static fromVocabTxt(text: string, options: Partial<WordPieceOptions> = {}): WordPieceTokenizer {
    const vocab = new Map<string, number>()
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const token = lines[i]!.replace(/\r$/, '')
      if (token === '' && i === lines.length - 1) break
      if (!vocab.has(token)) vocab.set(token, i)
    }
    const specials = new Map<string, number>()
    for (const s of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']) {
      const id = vocab.get(s)
      if (id !== undefined) specials.set(s, id)
    }
    return new WordPieceTokenizer(vocab, options, specials)
  }

  /** Loads tokenizer.json or vocab.txt by file name. */
  static fromFile(file: string): WordPieceTokenizer {
    const text = fs.readFileSync(file, 'utf8')
    return file.endsWith('.json') ? WordPieceTokenizer.fromTokenizerJson(text) : WordPieceTokenizer.fromVocabTxt(text)
  }

  /** Normalises and splits text into WordPiece ids, without special tokens. */
  tokenize(text: string): number[] {
    const out: number[] = []
    // Special tokens written literally in the text are kept as one token, as HF does.
    if (this.specials.size > 0 && text.includes('[')) {
      let rest = text
      for (;;) {
        let best = -1
        let bestToken = ''
        for (const s of this.specials.keys()) {
          const at = rest.indexOf(s)
          if (at >= 0 && (best < 0 || at < best)) {
            best = at
            bestToken = s
          }
        }
        if (best < 0) break
        this.tokenizePlain(rest.slice(0, best), out)
        out.push(this.specials.get(bestToken)!)
        rest = rest.slice(best + bestToken.length)
      }
      this.tokenizePlain(rest, out)
      return out
    }
    this.tokenizePlain(text, out)
    return out
  }

  /**
   * [CLS] tokens [SEP], truncated to `maxLength` ids in total (final [SEP] kept). The text is
   * tokenized a chunk at a time, each cut at a space, until the tokens fill `maxLength`: a 10 MB
   * text costs what its first few KB do (the whole text used to be normalised, split and
   * tokenized first: seconds and gigabytes), and the ids are the same as the whole text's.
   */
  encode(text: string, maxLength = 512): Encoding {
    if (maxLength < 2) throw new TokenizerError('maxLength must be at least 2 (room for [CLS] and [SEP]).')
    const room = maxLength - 2
    const chunk = Math.max(ENCODE_CHUNK_CHARS, room * 16)
    let tokens: number[]
    if (text.length <= chunk) tokens = this.tokenize(text)
    else {
      tokens = []
      for (let start = 0; start < text.length && tokens.length <= room; ) {
        const end = chunkEnd(text, start, chunk)
        for (const id of this.tokenize(text.slice(start, end))) tokens.push(id)
        start = end
      }
    }
    const truncated = tokens.length > room
    const n = truncated ? room : tokens.length
    const ids = new Int32Array(n + 2)
    ids[0] = this.clsId
    for (let i = 0; i < n; i++) ids[i + 1] = tokens[i]!
    ids[n + 1] = this.sepId
    return { ids, truncated }
  }

  private tokenizePlain(text: string, out: number[]): void {
    const normalized = this.normalize(text)
    for (const word of splitWords(normalized)) {
      const cached = this.cache.get(word)
      if (cached) {
        for (const id of cached) out.push(id)
        continue
      }
      const ids = this.wordPiece(word)
      if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear()
      this.cache.set(word, ids)
      for (const id of ids) out.push(id)
    }
  }

  private wordPiece(word: string): readonly number[] {
    const chars = Array.from(word)
    if (chars.length > this.options.maxInputCharsPerWord) return [this.unkId]
    const ids: number[] = []
    let start = 0
    // Work on UTF-16 offsets of code-point boundaries so substring() stays cheap.
    const offsets: number[] = [0]
    for (const c of chars) offsets.push(offsets[offsets.length - 1]! + c.length)
    while (start < chars.length) {
      let end = chars.length
      let found = -1
      while (start < end) {
        let piece = word.slice(offsets[start], offsets[end])
        if (start > 0) piece = this.options.continuingSubwordPrefix + piece
        const id = this.vocab.get(piece)
        if (id !== undefined) {
          found = id
          break
        }
        end--
      }
      if (found < 0) return [this.unkId]
      ids.push(found)
      start = end
    }
    return ids
  }

  /** BertNormalizer: clean text, pad CJK characters with spaces, lower-case, strip accents. */
  normalize(text: string): string {
    const o = this.options
    let s = text
    if (o.cleanText || o.handleChineseChars) {
      let out = ''
      for (const ch of s) {
        const cp = ch.codePointAt(0)!
        if (o.cleanText) {
          if (cp === 0 || cp === 0xfffd || isControl(ch, cp)) continue
          if (isWhitespace(ch, cp)) {
            out += ' '
            continue
          }
        }
        if (o.handleChineseChars && isChineseChar(cp)) {
          out += ` ${ch} `
          continue
        }
        out += ch
      }
      s = out
    }
    // Same order as Hugging Face's BertNormalizer: strip accents first, then lower-case.
    const strip = o.stripAccents ?? o.lowercase
    if (strip) s = s.normalize('NFD').replace(/\p{Mn}/gu, '')
    if (o.lowercase) s = s.toLowerCase()
    return s
  }
}

/**
 * The head of `text` that encode() reads when the text fills `maxLength` with tokens, cut at a
 * space like encode()'s own chunks (so its ids are the same as the whole text's): room x 64
 * characters, at least 64 KB. Only a text with fewer tokens than room in that head (mostly
 * blanks or control characters) needs more of itself; `encode(head).truncated` says when the
 * head was enough. Handing a worker the head instead of a 10 MB text copies kilobytes, not
 * megabytes.
 */
export function encodingHead(text: string, maxLength: number): string {
  const size = Math.max(HEAD_CHARS, (maxLength - 2) * 64)
  return text.length <= size + CUT_SEARCH_CHARS ? text : text.slice(0, chunkEnd(text, 0, size))
}

/** Smallest head encodingHead() hands out. */
const HEAD_CHARS = 65_536

/** Characters encode() tokenizes at a time (at least 16 per token of room). */
const ENCODE_CHUNK_CHARS = 8192
/** How far past a chunk's nominal end encode() looks for a space to cut at. */
const CUT_SEARCH_CHARS = 1024

/**
 * Where the chunk starting at `start` ends: at the first ASCII space, tab or line break at or
 * after `start + size` (normalisation and splitting are local to the text between separators,
 * and no special token holds one, so cutting there changes no id). A run without any for
 * CUT_SEARCH_CHARS is cut inside (never inside a surrogate pair): such a run is a word far past
 * WordPiece's 100-character limit, one [UNK] either way.
 */
function chunkEnd(text: string, start: number, size: number): number {
  const nominal = start + size
  if (nominal >= text.length) return text.length
  const limit = Math.min(text.length, nominal + CUT_SEARCH_CHARS)
  for (let i = nominal; i < limit; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) return i
  }
  const low = text.charCodeAt(nominal)
  return low >= 0xdc00 && low <= 0xdfff ? nominal + 1 : nominal
}

/** BertPreTokenizer: split on whitespace, and make every punctuation character its own word. */
export function splitWords(text: string): string[] {
  const words: string[] = []
  let current = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (isWhitespace(ch, cp)) {
      if (current) words.push(current)
      current = ''
    } else if (isPunctuation(ch, cp)) {
      if (current) words.push(current)
      words.push(ch)
      current = ''
    } else {
      current += ch
    }
  }
  if (current) words.push(current)
  return words
}

const WHITESPACE_RE = /^\p{White_Space}$/u
const CONTROL_RE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}]$/u
const PUNCT_RE = /^\p{P}$/u

function isWhitespace(ch: string, cp: number): boolean {
  if (cp === 0x20 || cp === 0x09 || cp === 0x0a || cp === 0x0d) return true
  if (cp < 0x80) return false
  return WHITESPACE_RE.test(ch)
}

function isControl(ch: string, cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false
  if (cp < 0x20 || cp === 0x7f) return true
  if (cp < 0x80) return false
  return CONTROL_RE.test(ch)
}

function isPunctuation(ch: string, cp: number): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true
  if (cp < 0x80) return false
  return PUNCT_RE.test(ch)
}

function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) || // sic: Hugging Face's range (BERT's has 0x2b820)
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  )
}
