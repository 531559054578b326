/**
 * Builds one round's evaluation batch (spec §2.3): 8–32 articles, 1 or 4 chunks each, one
 * question per chunk, then the question/chunk texts shuffled together so the miner cannot tell
 * which is which.
 */
import { chunksOfArticle, cleanPairText } from './chunking'
import { FatalQuestionError } from './questions'
import type { ChunkContext, QuestionMaker } from './questions'
import type { Rng } from './random'
import type { ArticleSource } from './sources'

export const MIN_ARTICLES = 8
export const MAX_ARTICLES = 32

export interface RoundPair {
  readonly question: string
  readonly chunk: string
  readonly articleRef: string
}

export interface RoundData {
  readonly texts: readonly string[]
  readonly qIdx: readonly number[]
  readonly aIdx: readonly number[]
  readonly pairs: readonly RoundPair[]
  readonly provenance: {
    readonly source: string
    readonly description: string
    readonly questionMaker: string
    readonly articles: number
    readonly chunks: number
    readonly droppedPairs: number
    /** First reason a pair was dropped, if any (e.g. the LLM's HTTP error). */
    readonly dropReason?: string
  }
}

export interface BuildOptions {
  readonly minArticles?: number
  readonly maxArticles?: number
  readonly onProgress?: (done: number, total: number) => void
  readonly signal?: AbortSignal
}

export async function buildRoundData(source: ArticleSource, questions: QuestionMaker, rng: Rng, options: BuildOptions = {}): Promise<RoundData> {
  const numArticles = rng.int(options.minArticles ?? MIN_ARTICLES, options.maxArticles ?? MAX_ARTICLES)
  const batch = await source.articles(numArticles, rng)
  const chunks: Array<{ chunk: string; ref: string; context: ChunkContext }> = []
  for (const a of batch.articles) chunksOfArticle(a.text, rng).forEach((c, index) => chunks.push({ chunk: c, ref: a.ref, context: { index, summary: a.summary } }))
  const pairs: RoundPair[] = []
  let dropped = 0
  let dropReason: string | undefined
  for (let i = 0; i < chunks.length; i++) {
    if (options.signal?.aborted) throw new Error('Round cancelled')
    const made = await questions.question(chunks[i].chunk, rng, chunks[i].context)
    if (made instanceof FatalQuestionError) throw made
    // A maker may hand back its own passage (inverse cloze takes the query sentence out of it).
    const q = made instanceof Error || typeof made === 'string' ? made : made.question
    const chunk = cleanPairText(made instanceof Error || typeof made === 'string' ? chunks[i].chunk : made.chunk)
    if (q instanceof Error || !q || !chunk) {
      dropped++
      dropReason ??= q instanceof Error ? q.message : 'empty question or chunk'
    } else pairs.push({ question: q, chunk, articleRef: chunks[i].ref })
    options.onProgress?.(i + 1, chunks.length)
  }
  if (pairs.length < 2) {
    throw new Error(`Only ${pairs.length} question/chunk pairs could be made from ${chunks.length} chunks (need 2 for in-batch negatives).${dropReason ? ` ${dropReason}` : ''}`)
  }
  const perm = rng.permutation(2 * pairs.length)
  const texts = new Array<string>(2 * pairs.length)
  const qIdx: number[] = []
  const aIdx: number[] = []
  pairs.forEach((p, i) => {
    qIdx.push(perm[2 * i])
    aIdx.push(perm[2 * i + 1])
    texts[perm[2 * i]] = p.question
    texts[perm[2 * i + 1]] = p.chunk
  })
  return {
    texts,
    qIdx,
    aIdx,
    pairs,
    provenance: {
      source: source.label,
      description: batch.description,
      questionMaker: questions.label,
      articles: batch.articles.length,
      chunks: chunks.length,
      droppedPairs: dropped,
      dropReason,
    },
  }
}

/**
 * The first `count` question/passage pairs of consecutive rounds built from `source` (what a
 * validator with this source and question maker would send), for inspecting evaluation data.
 */
export async function samplePairs(source: ArticleSource, questions: QuestionMaker, rng: Rng, count: number, options: BuildOptions = {}): Promise<RoundPair[]> {
  const pairs: RoundPair[] = []
  while (pairs.length < count) pairs.push(...(await buildRoundData(source, questions, rng, options)).pairs)
  return pairs.slice(0, count)
}
