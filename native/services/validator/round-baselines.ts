/**
 * Baselines for the subnet dashboard: the texts of a finished round embedded by reference models
 * (installed local models, OpenAI's) and scored with the same InfoNCE as the miners' answers, so
 * that the dashboard can show whether the subnet's models beat them. Runs after the round's
 * weights, within one time budget, and never throws: a model that fails gets its reason instead
 * of a score.
 */
import type { DashboardBaseline } from '../../contract/validator'
import { scoreMatrix } from '../../protocols/text-embedding/scoring'

export interface BaselineModel {
  readonly name: string
  readonly kind: DashboardBaseline['kind']
  /** One row per text, exactly `dimensions` wide (as a miner answers). */
  embed(texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<Float32Array[]>
}

/** What a round asked the miners: the texts, which are questions and which their passages. */
export interface BaselineRound {
  readonly texts: readonly string[]
  readonly qIdx: readonly number[]
  readonly aIdx: readonly number[]
  readonly dimensions: number
}

/** Scores embedded rows exactly as a miner's answer is scored (L2-normalized, InfoNCE, 1 / loss). */
export function scoreRows(rows: readonly Float32Array[], round: BaselineRound): { score: number; top1: number } {
  const { texts, dimensions } = round
  if (rows.length !== texts.length) throw new Error(`it returned ${rows.length} embeddings for ${texts.length} texts`)
  const data = new Float32Array(texts.length * dimensions)
  rows.forEach((row, i) => {
    if (row.length !== dimensions) throw new Error(`it returned rows of ${row.length} values, expected ${dimensions}`)
    data.set(row, i * dimensions)
  })
  const s = scoreMatrix({ rows: texts.length, dim: dimensions, data }, { textCount: texts.length, dimensions, normalized: true, qIdx: round.qIdx, aIdx: round.aIdx })
  if (!s.valid) throw new Error(`its embeddings could not be scored (${s.detail ?? s.invalidReason ?? 'invalid'})`)
  return { score: s.score, top1: s.top1 }
}

async function scoreOne(model: BaselineModel, round: BaselineRound, signal: AbortSignal, budgetS: number): Promise<DashboardBaseline> {
  const base = { model: model.name, kind: model.kind }
  if (signal.aborted) return { ...base, score: null, top1: null, error: `Not scored: the baselines of this round ran out of their ${budgetS} s (raise "baseline time" in the dashboard settings).` }
  try {
    const rows = await model.embed(round.texts, round.dimensions, signal)
    return { ...base, ...scoreRows(rows, round), error: null }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    const text = signal.aborted ? `did not finish within ${budgetS} s (raise "baseline time" in the dashboard settings, or use a faster model)` : why
    return { ...base, score: null, top1: null, error: `${model.name} could not be scored: ${text}` }
  }
}

/**
 * Every model on the round's texts within `budgetS` seconds in all: the local models one after
 * another (they share this machine's cores), the remote ones alongside them.
 */
export async function scoreBaselines(models: readonly BaselineModel[], round: BaselineRound, budgetS: number): Promise<DashboardBaseline[]> {
  const signal = AbortSignal.timeout(budgetS * 1000)
  const local = models.filter((m) => m.kind === 'local')
  const remote = models.filter((m) => m.kind !== 'local')
  const localChain = (async () => {
    const out: DashboardBaseline[] = []
    for (const m of local) out.push(await scoreOne(m, round, signal, budgetS))
    return out
  })()
  const [localResults, remoteResults] = await Promise.all([localChain, Promise.all(remote.map((m) => scoreOne(m, round, signal, budgetS)))])
  const byName = new Map([...localResults, ...remoteResults].map((r) => [r.model, r]))
  return models.map((m) => byName.get(m.name)!)
}
