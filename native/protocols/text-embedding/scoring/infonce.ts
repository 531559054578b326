/**
 * SN5 scoring of one miner answer (spec §2.4): validate the embedding matrix, L2-normalize rows,
 * InfoNCE with temperature 0.1 over in-batch negatives (questions are anchors, their source
 * chunks the positives, the other pairs' chunks the negatives), score = min(100, 1 / loss),
 * plus top-1 / top-3 recall (reported only, not rewarded).
 *
 * Deliberate deviations from the reference code, both in the miner's disfavour only where the
 * reference rewards garbage (listed with their reasons in the README, "How answers are scored"):
 *  - any non-finite value (NaN, ±Infinity, or a number outside float32 range) makes the answer
 *    invalid (score 0). The reference gives NaN answers the maximum score (Python's
 *    `min(100.0, nan) == 100.0`).
 *  - with `rejectDegenerate` (default on) an answer whose rows are all the same vector (all zero
 *    included) is invalid (score 0). Such an answer carries no information; the reference
 *    scores it at chance level, 1/log(P).
 * A single all-zero row among informative rows is scored as the reference scores it: normalizing
 * x / max(‖x‖, 1e-12) keeps it zero, so all its cosines are 0 (a zero question's loss term is
 * log P; a zero chunk is a logit of 0 in every question's row).
 * A loss of exactly 0 scores 0 as in the reference (there it is a ZeroDivisionError).
 */

import { similarityMatrix } from './simd-dots'

export const DEFAULT_TEMPERATURE = 0.1
export const SCORE_CAP = 100
export const NORM_EPS = 1e-12
const FLOAT32_MAX = 3.4028234663852886e38

export type InvalidReason =
  | 'empty'
  | 'not-a-matrix'
  | 'wrong-row-count'
  | 'wrong-dimension'
  | 'non-numeric'
  | 'non-finite'
  | 'degenerate'
  | 'zero-loss'

export const INVALID_REASON_TEXT: Record<InvalidReason, string> = {
  empty: 'no embeddings in the answer',
  'not-a-matrix': 'the answer is not a list of rows',
  'wrong-row-count': 'the number of rows differs from the number of texts',
  'wrong-dimension': 'a row does not have the requested number of dimensions',
  'non-numeric': 'a value is not a number',
  'non-finite': 'a value is NaN, Infinity or outside float32 range',
  degenerate: 'every row is the same vector (or every row is all zeros)',
  'zero-loss': 'the loss is exactly 0 (the reference validator scores this 0)',
}

/** A validated answer: `rows` x `dim` float32 values, row-major. */
export interface EmbeddingMatrix {
  readonly rows: number
  readonly dim: number
  readonly data: Float32Array
}

export type Validation = { readonly ok: true; readonly matrix: EmbeddingMatrix } | { readonly ok: false; readonly reason: InvalidReason; readonly detail: string }

export interface ValidationOptions {
  readonly rejectDegenerate?: boolean
}

function invalid(reason: InvalidReason, detail: string): Validation {
  return { ok: false, reason, detail }
}

/**
 * Checks a deserialized `results` value against the request (row count = number of texts,
 * columns = dimensions, finite float32 values) without trusting its shape, and copies it into
 * one Float32Array. Never throws, whatever `results` is.
 */
export function validateEmbeddings(results: unknown, expectedRows: number, dim: number, options: ValidationOptions = {}): Validation {
  if (results === null || results === undefined) return invalid('empty', 'results is missing')
  if (!Array.isArray(results)) return invalid('not-a-matrix', `results is a ${typeof results}`)
  if (results.length === 0) return invalid('empty', 'results is an empty list')
  if (results.length !== expectedRows) return invalid('wrong-row-count', `${results.length} rows for ${expectedRows} texts`)
  const data = new Float32Array(expectedRows * dim)
  for (let r = 0; r < expectedRows; r++) {
    const row: unknown = results[r]
    if (!Array.isArray(row)) return invalid('not-a-matrix', `row ${r} is not a list`)
    if (row.length !== dim) return invalid('wrong-dimension', `row ${r} has ${row.length} values, expected ${dim}`)
    const base = r * dim
    for (let c = 0; c < dim; c++) {
      const v: unknown = row[c]
      if (typeof v !== 'number') return invalid('non-numeric', `row ${r} column ${c} is ${v === null ? 'null' : typeof v}`)
      if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) return invalid('non-finite', `row ${r} column ${c} is ${String(v)}`)
      data[base + c] = v
    }
  }
  const matrix: EmbeddingMatrix = { rows: expectedRows, dim, data }
  if (options.rejectDegenerate ?? true) {
    const why = degenerateReason(matrix)
    if (why) return invalid('degenerate', why)
  }
  return { ok: true, matrix }
}

/**
 * Why an answer carries no information (every row the same vector, all-zero rows included), if
 * it does not. One all-zero row among others is not degenerate: the reference scores it normally.
 */
export function degenerateReason(m: EmbeddingMatrix): string | undefined {
  const { rows, dim, data } = m
  for (let r = 1; r < rows; r++) {
    const a = r * dim
    for (let c = 0; c < dim; c++) if (data[a + c] !== data[c]) return undefined
  }
  for (let c = 0; c < dim; c++) if (data[c] !== 0) return rows < 2 ? undefined : 'every row is the same vector'
  return rows < 2 ? 'the only row is all zeros' : 'every row is all zeros'
}

/** Row-wise L2 normalization x / max(||x||, 1e-12), in place. */
export function l2NormalizeRows(m: EmbeddingMatrix): void {
  const { rows, dim, data } = m
  for (let r = 0; r < rows; r++) {
    const base = r * dim
    let ss = 0
    for (let c = 0; c < dim; c++) ss += data[base + c] * data[base + c]
    const inv = 1 / Math.max(Math.sqrt(ss), NORM_EPS)
    for (let c = 0; c < dim; c++) data[base + c] *= inv
  }
}

/** Dot product of two rows of the same matrix, 4 accumulators for speed. */
function dot(data: Float32Array, a: number, b: number, dim: number): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let c = 0
  const end4 = dim - (dim % 4)
  for (; c < end4; c += 4) {
    s0 += data[a + c] * data[b + c]
    s1 += data[a + c + 1] * data[b + c + 1]
    s2 += data[a + c + 2] * data[b + c + 2]
    s3 += data[a + c + 3] * data[b + c + 3]
  }
  for (; c < dim; c++) s0 += data[a + c] * data[b + c]
  return s0 + s1 + s2 + s3
}

export interface InfoNceResult {
  readonly loss: number
  /** Fraction of questions whose own chunk is the most similar one. */
  readonly top1: number
  /** Fraction of questions whose own chunk is among the 3 most similar. */
  readonly top3: number
}

/**
 * InfoNCE (info-nce-pytorch 0.1.4 semantics, mean reduction, unpaired in-batch negatives) on a
 * matrix whose rows are already L2-normalized (normalizing again, as the library does, is a
 * no-op up to rounding). `qIdx[i]` and `aIdx[i]` are the row of question i and of its chunk.
 * Dot products accumulate in float32 like the reference (PyTorch float32); the softmax in float64.
 */
export function infoNce(m: EmbeddingMatrix, qIdx: readonly number[], aIdx: readonly number[], temperature = DEFAULT_TEMPERATURE): InfoNceResult {
  const p = qIdx.length
  if (p === 0 || aIdx.length !== p) throw new Error(`infoNce needs equal, non-empty index lists (got ${qIdx.length} and ${aIdx.length})`)
  const { dim, data } = m
  const qNorm = new Float64Array(p)
  const aNorm = new Float64Array(p)
  for (let i = 0; i < p; i++) {
    qNorm[i] = Math.max(Math.sqrt(dot(data, qIdx[i] * dim, qIdx[i] * dim, dim)), NORM_EPS)
    aNorm[i] = Math.max(Math.sqrt(dot(data, aIdx[i] * dim, aIdx[i] * dim, dim)), NORM_EPS)
  }
  const sims = similarityMatrix(data, dim, qIdx, aIdx)
  const logits = new Float64Array(p)
  let lossSum = 0
  let hit1 = 0
  let hit3 = 0
  for (let i = 0; i < p; i++) {
    let max = -Infinity
    for (let j = 0; j < p; j++) {
      const l = sims[i * p + j] / (qNorm[i] * aNorm[j]) / temperature
      logits[j] = l
      if (l > max) max = l
    }
    let sum = 0
    for (let j = 0; j < p; j++) sum += Math.exp(logits[j] - max)
    lossSum += max + Math.log(sum) - logits[i]
    // Rank of the positive: how many negatives beat it (argmax picks the first on ties).
    const own = logits[i]
    let better = 0
    for (let j = 0; j < p; j++) if (logits[j] > own || (logits[j] === own && j < i)) better++
    if (better === 0) hit1++
    if (better < 3) hit3++
  }
  return { loss: lossSum / p, top1: hit1 / p, top3: hit3 / p }
}

export interface ScoreTask {
  readonly textCount: number
  readonly dimensions: number
  readonly normalized: boolean
  readonly qIdx: readonly number[]
  readonly aIdx: readonly number[]
  readonly temperature?: number
  readonly rejectDegenerate?: boolean
}

export interface AnswerScore {
  readonly valid: boolean
  readonly score: number
  /** NaN when the answer was invalid. */
  readonly loss: number
  readonly top1: number
  readonly top3: number
  readonly invalidReason?: InvalidReason
  readonly detail?: string
}

/** Scores one deserialized `results` value for a round. Never throws on miner input. */
export function scoreAnswer(results: unknown, task: ScoreTask): AnswerScore {
  const v = validateEmbeddings(results, task.textCount, task.dimensions, { rejectDegenerate: task.rejectDegenerate })
  if (!v.ok) return { valid: false, score: 0, loss: NaN, top1: 0, top3: 0, invalidReason: v.reason, detail: v.detail }
  return scoreMatrix(v.matrix, task)
}

/** Scores an already validated matrix (mutates it: rows are normalized in place when `normalized`). */
export function scoreMatrix(matrix: EmbeddingMatrix, task: ScoreTask): AnswerScore {
  if (task.normalized) l2NormalizeRows(matrix)
  const r = infoNce(matrix, task.qIdx, task.aIdx, task.temperature ?? DEFAULT_TEMPERATURE)
  if (!Number.isFinite(r.loss)) {
    return { valid: false, score: 0, loss: r.loss, top1: r.top1, top3: r.top3, invalidReason: 'non-finite', detail: 'the loss is not finite' }
  }
  if (r.loss <= 0) return { valid: false, score: 0, loss: 0, top1: r.top1, top3: r.top3, invalidReason: 'zero-loss', detail: INVALID_REASON_TEXT['zero-loss'] }
  return { valid: true, score: Math.min(SCORE_CAP, 1 / r.loss), loss: r.loss, top1: r.top1, top3: r.top3 }
}

/** What became of one raw response body (see `scoreBody`). */
export interface BodyScore {
  /** "unparsable": not JSON; "not-synapse": JSON without a `texts` list (both: the dendrite's 422). */
  readonly parse: 'ok' | 'unparsable' | 'not-synapse'
  readonly score: AnswerScore
  /** Why the body could not be parsed, when it could not. */
  readonly parseDetail?: string
  /** Milliseconds spent parsing + validating, and on InfoNCE. */
  readonly parseMs: number
  readonly scoreMs: number
}
