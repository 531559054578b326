/**
 * How much a question gives its passage away: the measures used to choose the offline question
 * maker (scripts/measure-questions.ts, README "Evaluation questions without an LLM").
 *  - overlap: the share of the question's distinct content words that also occur in the passage
 *    (LLM-written questions about a passage share about 70 %);
 *  - contained: every content word of the question occurs in the passage, so plain keyword
 *    matching finds it;
 *  - bare word list: a few words strung together in a frame ("Explain reboot, section and symlink").
 */

/** English function words: what is left after removing them are the content words. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by can cannot could did do does doing down during each either else few for from further had has have having he her here hers him his how however i if in into is it its itself just may me might more most must my no nor not now of off on once only or other our out over own same shall she should since so some such than that the their them then there these they this those through thus to too under until up upon us very via was we were what when where whether which while who whom why will with within without would yet you your`.split(
    /\s+/,
  ),
)

/**
 * Words that frame a question rather than say what it is about ("Explain …", "What does it say
 * about …"): not counted as content, so a template around copied words still counts as copied.
 */
export const QUESTION_FRAME_WORDS: ReadonlySet<string> = new Set('explain explains describe described describes say says said relate relates related tell mean means'.split(' '))

const WORD = /[a-z0-9_]+/g

/** Lower-cased word tokens of a text. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? []
}

/** Distinct content words (not function words, not question-frame words, not one-character tokens). */
export function contentWords(text: string): Set<string> {
  return new Set(words(text).filter((w) => w.length > 1 && !FUNCTION_WORDS.has(w) && !QUESTION_FRAME_WORDS.has(w)))
}

/** Share of the question's content words found in the passage (0 when the question has none). */
export function contentOverlap(question: string, passage: string): number {
  const q = contentWords(question)
  if (q.size === 0) return 0
  const p = contentWords(passage)
  let shared = 0
  for (const w of q) if (p.has(w)) shared++
  return shared / q.size
}

/**
 * A bare word list: three or more comma-separated items of at most two words each (the last may
 * be joined by "and"/"or"), after at most a short frame ("reboot, section, symlink", "Explain
 * reboot, section and symlink", "What does it say about a, b and c"). Parenthesized asides are
 * ignored; phrases such as a man page's NAME line ("query and process events and input") are not
 * lists.
 */
export function isBareWordList(question: string): boolean {
  const plain = question.replace(/\([^()]*\)/g, ' ')
  if (!plain.includes(',')) return false
  const items = plain.split(/,|\band\b|\bor\b/i).map((s) => words(s))
  return items.length >= 3 && items[0]!.length <= 6 && items.slice(1).every((i) => i.length >= 1 && i.length <= 2)
}

export interface QuestionQuality {
  readonly pairs: number
  /** Mean content-word overlap, 0..1. */
  readonly meanOverlap: number
  /** Share of questions whose content words all occur in the passage, 0..1. */
  readonly containedShare: number
  /** Share of bare word lists, 0..1. */
  readonly wordListShare: number
  /** Share of questions that are a verbatim substring of the passage, 0..1. */
  readonly verbatimShare: number
}

export function questionQuality(pairs: ReadonlyArray<{ readonly question: string; readonly chunk: string }>): QuestionQuality {
  let overlap = 0
  let contained = 0
  let lists = 0
  let verbatim = 0
  for (const p of pairs) {
    const o = contentOverlap(p.question, p.chunk)
    overlap += o
    if (o === 1) contained++
    if (isBareWordList(p.question)) lists++
    if (p.chunk.toLowerCase().includes(p.question.toLowerCase())) verbatim++
  }
  const n = Math.max(1, pairs.length)
  return { pairs: pairs.length, meanOverlap: overlap / n, containedShare: contained / n, wordListShare: lists / n, verbatimShare: verbatim / n }
}
