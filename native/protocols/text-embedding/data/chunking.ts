/**
 * Sentence splitting and chunking as the reference validator does it (spec §2.3 steps 3–4).
 * The reference uses nltk's punkt; this splitter follows the same rules for ordinary prose
 * (split after . ! ? followed by space and an upper-case letter, digit or quote, not after common
 * abbreviations, initials or decimals). Exact punkt parity is not needed: chunk boundaries are random.
 */
import type { Rng } from './random'

const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof sr jr st vs etc e.g i.e cf al fig no vol pp ed eds approx inc ltd co corp dept est jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k a.m p.m'.split(' '),
)

export const MIN_SENTENCES = 10
export const PAIRS_LONG_ARTICLE = 4
export const MAX_CHUNK_CHARS = 8000

export function splitSentences(text: string): string[] {
  const sentences: string[] = []
  const normalized = text.replace(/\s+/g, ' ').trim()
  if (!normalized) return sentences
  const re = /[.!?]+["')\]]*\s+(?=["'(\[]?[A-Z0-9])/g
  let start = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(normalized)) !== null) {
    const end = m.index + m[0].length
    const candidate = normalized.slice(start, m.index + m[0].trimEnd().length)
    const lastWord = /([A-Za-z.]+)[.!?]*["')\]]*$/.exec(candidate)?.[1]?.replace(/\.$/, '').toLowerCase() ?? ''
    const isInitial = /(^|\s)[A-Z]\.$/.test(candidate)
    if (ABBREVIATIONS.has(lastWord) || isInitial) continue
    sentences.push(candidate.trim())
    start = end
  }
  const tail = normalized.slice(start).trim()
  if (tail) sentences.push(tail)
  return sentences
}

/** One chunk of `sentences` per §2.3 step 4: gaussian length around n/8, centred at a random sentence. */
export function chunkOf(sentences: readonly string[], rng: Rng): string {
  const n = sentences.length
  let cs = Math.max(1, Math.trunc(rng.gauss(n / 8, n / 4)))
  cs = 1 + Math.min(cs, n)
  const center = rng.int(0, n - 1)
  const start = Math.max(0, center - Math.floor(cs / 2))
  const end = Math.min(n, center + Math.ceil(cs / 2))
  return sentences.slice(start, end).join(' ').trim().slice(0, MAX_CHUNK_CHARS)
}

/** Chunks for one article: 4 when it has ≥ 10 sentences, else 1. Empty articles give none. */
export function chunksOfArticle(text: string, rng: Rng): string[] {
  const sentences = splitSentences(text)
  if (sentences.length === 0) return []
  const count = sentences.length >= MIN_SENTENCES ? PAIRS_LONG_ARTICLE : 1
  return Array.from({ length: count }, () => chunkOf(sentences, rng)).filter((c) => c.length > 0)
}

/** Strip whitespace and leading/trailing '?' as the reference does for both sides of a pair. */
export function cleanPairText(s: string): string {
  return s.trim().replace(/^\?+|\?+$/g, '').trim()
}
