/**
 * Scoring straight from a miner's raw response body: parse (answer-parser.ts), validate and
 * score (infonce.ts). This is what the scoring workers run; it is also callable in-thread.
 */
import { parseSynapseAnswer } from './answer-parser'
import type { BodyScore, ScoreTask } from './infonce'
import { scoreMatrix } from './infonce'

const UNSCORED = { valid: false, score: 0, loss: NaN, top1: 0, top3: 0 } as const

/** Never throws on miner input. */
export function scoreBody(body: Uint8Array, task: ScoreTask): BodyScore {
  const t0 = performance.now()
  const parsed = parseSynapseAnswer(body, task.textCount, task.dimensions, { rejectDegenerate: task.rejectDegenerate })
  const parseMs = performance.now() - t0
  if (parsed.kind === 'unparsable') return { parse: 'unparsable', parseDetail: parsed.detail, score: UNSCORED, parseMs, scoreMs: 0 }
  if (parsed.kind === 'not-synapse') return { parse: 'not-synapse', score: UNSCORED, parseMs, scoreMs: 0 }
  const v = parsed.validation
  if (!v.ok) return { parse: 'ok', score: { ...UNSCORED, invalidReason: v.reason, detail: v.detail }, parseMs, scoreMs: 0 }
  const t1 = performance.now()
  const score = scoreMatrix(v.matrix, task)
  return { parse: 'ok', score, parseMs, scoreMs: performance.now() - t1 }
}
