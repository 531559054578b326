/**
 * Question makers that need no language model. Measured on the man-pages corpus by
 * scripts/measure-questions.ts (numbers in the README, "Evaluation questions without an LLM"):
 *  - keywords: three frequent words of the chunk in a template. Every query word is in the
 *    passage, so the batch rewards keyword matching: kept only for comparison.
 *  - cloze (inverse cloze task, the pre-training task of dense retrievers): one sentence is taken
 *    out of the chunk and becomes the query; the rest is the passage. The query is real prose
 *    about the passage's subject but is not in it.
 *  - summary: the article's one-line summary (a man page's NAME line) as the query of its chunk.
 *  - mixed, the default: the summary for an article's first chunk when there is one, inverse
 *    cloze for the others.
 */
import { cleanPairText, splitSentences } from './chunking'
import type { ChunkContext, QuestionMaker, QuestionPair } from './questions'
import { contentWords } from './question-quality'
import type { Rng } from './random'

const KEYWORD_STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by can cannot could did do does doing down during each either else etc few for from further had has have having he her here hers him his how however i if in into is it its itself just may me might more most must my no nor not now of off on once only or other otherwise our out over own same shall she should since so some such than that the their them then there these they this those through thus to too under until up upon us use used uses using very via was we were what when where whether which while who whom why will with within without would yet you your one two three first second also see note value values returns return function functions call calls file files set`.split(/\s+/),
)

/** Three of the chunk's most frequent distinctive words in a question template. */
export class KeywordQuestionMaker implements QuestionMaker {
  readonly label = 'offline-keywords'

  async question(chunk: string, rng: Rng): Promise<string | Error> {
    const found = chunk.match(/[A-Za-z_][A-Za-z0-9_]*(?:\(\d\))?/g) ?? []
    const counts = new Map<string, { word: string; n: number; first: number }>()
    found.forEach((w, i) => {
      const key = w.toLowerCase()
      if (key.length < 3 || KEYWORD_STOPWORDS.has(key)) return
      const e = counts.get(key)
      if (e) e.n++
      else counts.set(key, { word: w, n: 1, first: i })
    })
    const ranked = [...counts.values()].sort((a, b) => b.n * Math.log(2 + b.word.length) - a.n * Math.log(2 + a.word.length) || a.first - b.first)
    const top = ranked.slice(0, 6)
    if (top.length === 0) return new Error('The chunk has no content words to ask about')
    const chosen = rng.sample(top, Math.min(3, top.length)).map((e) => e.word)
    const subject = chosen.length === 1 ? chosen[0] : `${chosen.slice(0, -1).join(', ')} and ${chosen[chosen.length - 1]}`
    const templates = [`What does it say about ${subject}`, `How do ${subject} relate`, `Explain ${subject}`, `What is described about ${subject}`]
    return cleanPairText(rng.pick(templates))
  }
}

/** Query sentences: long enough to say something, short enough to be a query. */
const MIN_QUERY_CHARS = 25
const MAX_QUERY_CHARS = 300
const MIN_QUERY_CONTENT_WORDS = 3

/**
 * Inverse cloze: a sentence of the chunk (one that says something and shares at least one content
 * word with the rest, so the rest can answer it) becomes the query, the other sentences the passage.
 */
export class InverseClozeQuestionMaker implements QuestionMaker {
  readonly label = 'offline-cloze'

  async question(chunk: string, rng: Rng): Promise<QuestionPair | Error> {
    const sentences = splitSentences(chunk)
    if (sentences.length < 2) return new Error('The chunk is one sentence; inverse cloze needs at least two')
    const usable: number[] = []
    sentences.forEach((s, i) => {
      const q = contentWords(s)
      if (s.length < MIN_QUERY_CHARS || s.length > MAX_QUERY_CHARS || q.size < MIN_QUERY_CONTENT_WORDS) return
      const restText = sentences.filter((_, j) => j !== i).join(' ')
      // A sentence repeated elsewhere in the chunk would be a verbatim copy of the passage.
      if (restText.toLowerCase().includes(s.replace(/[.!:;]+$/, '').toLowerCase())) return
      const rest = contentWords(restText)
      if ([...q].some((w) => rest.has(w))) usable.push(i)
    })
    if (usable.length === 0) return new Error('No sentence of the chunk makes a query that the rest of it answers')
    const pick = rng.pick(usable)
    const question = cleanPairText(sentences[pick]!.replace(/[.!:;]+$/, ''))
    const passage = sentences.filter((_, j) => j !== pick).join(' ')
    return { question, chunk: passage }
  }
}

/**
 * The article's one-line summary (a man page's NAME line) as the query of each of its chunks,
 * unless the chunk contains it word for word.
 */
export class SummaryQuestionMaker implements QuestionMaker {
  readonly label = 'offline-summary'

  async question(chunk: string, _rng: Rng, context?: ChunkContext): Promise<string | Error> {
    const summary = cleanPairText(context?.summary ?? '')
    if (!summary) return new Error('The article has no summary line')
    if (chunk.toLowerCase().includes(summary.toLowerCase())) return new Error('The chunk contains the summary line word for word')
    return summary
  }
}

/**
 * The default offline maker: the summary line for an article's first chunk when the corpus has
 * summaries and the chunk does not contain it, inverse cloze otherwise. The summary is never used
 * twice for one article: two identical queries in a batch would each have two right passages.
 */
export class OfflineQuestionMaker implements QuestionMaker {
  readonly label = 'offline-cloze+summary'
  private readonly cloze = new InverseClozeQuestionMaker()
  private readonly summary = new SummaryQuestionMaker()

  async question(chunk: string, rng: Rng, context?: ChunkContext): Promise<string | QuestionPair | Error> {
    if (context?.index === 0) {
      const summary = await this.summary.question(chunk, rng, context)
      if (!(summary instanceof Error)) return summary
    }
    return this.cloze.question(chunk, rng)
  }
}

export type OfflineQuestionKind = 'keywords' | 'cloze' | 'summary' | 'mixed'

export function offlineQuestionMaker(kind: OfflineQuestionKind): QuestionMaker {
  switch (kind) {
    case 'keywords':
      return new KeywordQuestionMaker()
    case 'cloze':
      return new InverseClozeQuestionMaker()
    case 'summary':
      return new SummaryQuestionMaker()
    case 'mixed':
      return new OfflineQuestionMaker()
  }
}
