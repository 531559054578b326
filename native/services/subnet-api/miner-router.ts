/**
 * Sends a user's texts to the subnet's best miners: in leaderboard order, each attempt bounded by
 * what is left of the request's deadline, falling back to the next miner on a timeout or an error.
 * With the cross-check on, two miners answer and answers that disagree are refused.
 */
import { cosineSimilarity } from '../../base'

export interface MinerCandidate {
  readonly uid: number
  readonly score: number
}

/** Asks one miner for embeddings; must give up when `signal` aborts. */
/** The answer is checked here (one finite vector per text), so any shape may come back. */
export type AskMiner = (uid: number, texts: readonly string[], signal: AbortSignal) => Promise<unknown>

export interface RouteOptions {
  /** Milliseconds for the whole request. */
  readonly deadlineMs: number
  /** Milliseconds one miner gets before the next one is tried. */
  readonly perMinerMs: number
  readonly crossCheck: boolean
  /** Lowest mean cosine similarity between two miners' answers that counts as agreement. */
  readonly agreement: number
}

export class RouteError extends Error {
  constructor(
    readonly kind: 'no-miners' | 'all-failed' | 'disagree',
    message: string,
  ) {
    super(message)
    this.name = 'RouteError'
  }
}

export interface Routed {
  readonly uid: number
  readonly vectors: number[][]
  /** Miners tried and why they were passed over. */
  readonly skipped: Array<{ uid: number; reason: string }>
  readonly checkedWith: number | null
}

function valid(vectors: unknown, n: number): vectors is number[][] {
  return Array.isArray(vectors) && vectors.length === n && vectors.every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x)))
}

export function meanCosine(a: readonly number[][], b: readonly number[][]): number {
  if (a.length !== b.length) return -1
  let total = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x.length !== y.length) return -1
    total += cosineSimilarity(x, y)
  }
  return a.length === 0 ? 1 : total / a.length
}

function cos(x: readonly number[], y: readonly number[]): number {
  return meanCosine([x as number[]], [y as number[]])
}

/**
 * How far two miners agree, 1 = fully. Miners may run different models whose vector spaces are not
 * comparable, so with two or more texts the answers are compared by their structure (how similar
 * each pair of texts is in each answer: 1 minus the mean absolute difference); a single text can
 * only be compared directly.
 */
export function agreement(a: readonly number[][], b: readonly number[][]): number {
  if (a.length !== b.length) return -1
  if (a.length < 2) return meanCosine(a, b)
  let diff = 0
  let pairs = 0
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      diff += Math.abs(cos(a[i]!, a[j]!) - cos(b[i]!, b[j]!))
      pairs++
    }
  }
  return 1 - diff / pairs
}

export async function routeEmbeddings(candidates: readonly MinerCandidate[], texts: readonly string[], ask: AskMiner, o: RouteOptions): Promise<Routed> {
  if (candidates.length === 0) throw new RouteError('no-miners', 'No scored miner is available yet; the validator needs at least one finished round.')
  const ordered = [...candidates].sort((a, b) => b.score - a.score)
  const started = Date.now()
  const skipped: Array<{ uid: number; reason: string }> = []
  const answers: Array<{ uid: number; vectors: number[][] }> = []
  const wanted = o.crossCheck ? 2 : 1
  for (const c of ordered) {
    const left = o.deadlineMs - (Date.now() - started)
    if (left <= 0) break
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), Math.min(o.perMinerMs, left))
    try {
      const vectors = await Promise.race([
        ask(c.uid, texts, controller.signal),
        new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(new Error('timed out')), { once: true })),
      ])
      if (!valid(vectors, texts.length)) skipped.push({ uid: c.uid, reason: 'malformed answer' })
      else answers.push({ uid: c.uid, vectors })
    } catch (error) {
      skipped.push({ uid: c.uid, reason: error instanceof Error ? error.message : String(error) })
    } finally {
      clearTimeout(timer)
    }
    if (answers.length >= wanted) break
  }
  const first = answers[0]
  if (!first) throw new RouteError('all-failed', `No miner answered within ${o.deadlineMs} ms (${skipped.length} tried).`)
  if (!o.crossCheck) return { uid: first.uid, vectors: first.vectors, skipped, checkedWith: null }
  const second = answers[1]
  if (!second) throw new RouteError('all-failed', 'The cross-check needs two miners, and fewer than two answered in time.')
  if (agreement(first.vectors, second.vectors) < o.agreement) throw new RouteError('disagree', 'Two miners gave answers that disagree, so none is returned.')
  return { uid: first.uid, vectors: first.vectors, skipped, checkedWith: second.uid }
}
