import type { DashboardRound } from '../../../../native/contract'

/** One line of the chart: a data key that is safe for the chart library (no dots), and what the legend says. */
export interface SeriesDef {
  readonly key: string
  readonly label: string
  readonly color: string
}

const BASELINE_COLORS = ['orange.6', 'grape.6', 'teal.6', 'red.6', 'cyan.6', 'lime.7']

/** The baseline models seen in any round, in the order they first appear. */
export function baselineNames(rounds: readonly DashboardRound[]): string[] {
  const names: string[] = []
  for (const r of rounds) for (const b of r.baselines) if (!names.includes(b.model)) names.push(b.model)
  return names
}

export function baselineLabel(model: string): string {
  return model.startsWith('openai:') ? `OpenAI ${model.slice('openai:'.length)}` : `${model} (local)`
}

export interface ChartModel {
  readonly series: SeriesDef[]
  /** One row per round: `round` (the x value) plus one number (or null) per series key. */
  readonly data: Array<Record<string, string | number | null>>
}

/** Best and median miner score and each baseline, per round (x: the round number and its block). */
export function chartModel(rounds: readonly DashboardRound[]): ChartModel {
  const names = baselineNames(rounds)
  const series: SeriesDef[] = [
    { key: 'best', label: 'Best miner', color: 'blue.6' },
    { key: 'median', label: 'Median miner', color: 'blue.3' },
    ...names.map((n, i) => ({ key: `baseline${i}`, label: baselineLabel(n), color: BASELINE_COLORS[i % BASELINE_COLORS.length] })),
  ]
  const data = rounds.map((r) => {
    const row: Record<string, string | number | null> = { round: roundLabel(r), best: r.best, median: r.median }
    names.forEach((n, i) => {
      row[`baseline${i}`] = r.baselines.find((b) => b.model === n)?.score ?? null
    })
    return row
  })
  return { series, data }
}

export function roundLabel(r: Pick<DashboardRound, 'roundId' | 'block'>): string {
  return r.block === null ? `#${r.roundId}` : `#${r.roundId} · block ${r.block}`
}

function csvCell(v: string | number | null): string {
  if (v === null) return ''
  const s = String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The dashboard as CSV: one row per round, a score column (and an error column) per baseline. */
export function dashboardCsv(rounds: readonly DashboardRound[]): string {
  const names = baselineNames(rounds)
  const header = ['round', 'block', 'finished_at', 'miners_queried', 'miners_scored', 'best_miner_score', 'median_miner_score', ...names.flatMap((n) => [`${n} score`, `${n} error`])]
  const lines = rounds.map((r) => {
    const cells: Array<string | number | null> = [r.roundId, r.block, new Date(r.finishedAt).toISOString(), r.queried, r.scoredMiners, r.best, r.median]
    for (const n of names) {
      const b = r.baselines.find((x) => x.model === n)
      cells.push(b?.score ?? null, b?.error ?? null)
    }
    return cells.map(csvCell).join(',')
  })
  return [header.map(csvCell).join(','), ...lines].join('\n') + '\n'
}

/** What the latest round says, in plain words (null: nothing to compare yet). */
export function verdict(rounds: readonly DashboardRound[]): string | null {
  const last = [...rounds].reverse().find((r) => r.best !== null && r.baselines.some((b) => b.score !== null))
  if (!last || last.best === null) return null
  const scored = last.baselines.filter((b) => b.score !== null)
  const strongest = scored.reduce((a, b) => ((b.score ?? 0) > (a.score ?? 0) ? b : a))
  const name = baselineLabel(strongest.model)
  const best = last.best.toFixed(2)
  const base = (strongest.score ?? 0).toFixed(2)
  return last.best > (strongest.score ?? 0)
    ? `In round #${last.roundId} the best miner (${best}) beat the strongest baseline, ${name} (${base}).`
    : `In round #${last.roundId} the strongest baseline, ${name} (${base}), scored at least as well as the best miner (${best}).`
}
