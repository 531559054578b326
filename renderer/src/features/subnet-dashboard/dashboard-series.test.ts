import { describe, expect, it } from 'vitest'
import type { DashboardRound } from '../../../../native/contract'
import { chartModel, dashboardCsv, verdict } from './dashboard-series'

const round = (roundId: number, best: number | null, baselines: DashboardRound['baselines']): DashboardRound => ({
  roundId,
  block: 100 * roundId,
  finishedAt: Date.UTC(2026, 0, 1, 0, roundId),
  best,
  median: best === null ? null : best / 2,
  scoredMiners: best === null ? 0 : 4,
  queried: 4,
  baselines,
  baselinesPending: false,
})

const rounds = [
  round(1, 3, [{ model: 'bge-small-en-v1.5', kind: 'local', score: 2, top1: 0.5, error: null }]),
  round(2, 4, [
    { model: 'bge-small-en-v1.5', kind: 'local', score: 2.5, top1: 0.6, error: null },
    { model: 'openai:text-embedding-3-small', kind: 'openai', score: null, top1: null, error: 'openai:text-embedding-3-small could not be scored: the OpenAI API refused the API key (401), "bad"' },
  ]),
]

describe('subnet dashboard series', () => {
  it('one row per round, one line per baseline under a key without dots (the chart reads dots as paths)', () => {
    const m = chartModel(rounds)
    expect(m.series.map((s) => [s.key, s.label])).toEqual([
      ['best', 'Best miner'],
      ['median', 'Median miner'],
      ['baseline0', 'bge-small-en-v1.5 (local)'],
      ['baseline1', 'OpenAI text-embedding-3-small'],
    ])
    expect(m.data).toEqual([
      { round: '#1 · block 100', best: 3, median: 1.5, baseline0: 2, baseline1: null },
      { round: '#2 · block 200', best: 4, median: 2, baseline0: 2.5, baseline1: null },
    ])
  })

  it('CSV: a score and an error column per baseline, quoted where needed', () => {
    expect(dashboardCsv(rounds).split('\n')).toEqual([
      'round,block,finished_at,miners_queried,miners_scored,best_miner_score,median_miner_score,bge-small-en-v1.5 score,bge-small-en-v1.5 error,openai:text-embedding-3-small score,openai:text-embedding-3-small error',
      '1,100,2026-01-01T00:01:00.000Z,4,4,3,1.5,2,,,',
      '2,200,2026-01-01T00:02:00.000Z,4,4,4,2,2.5,,,"openai:text-embedding-3-small could not be scored: the OpenAI API refused the API key (401), ""bad"""',
      '',
    ])
  })

  it('says in plain words whether the best miner beat the strongest baseline', () => {
    expect(verdict(rounds)).toBe('In round #2 the best miner (4.00) beat the strongest baseline, bge-small-en-v1.5 (local) (2.50).')
    expect(verdict([round(3, 1, [{ model: 'openai:text-embedding-3-large', kind: 'openai', score: 5, top1: 1, error: null }])])).toBe(
      'In round #3 the strongest baseline, OpenAI text-embedding-3-large (5.00), scored at least as well as the best miner (1.00).',
    )
    expect(verdict([round(4, null, [])])).toBeNull()
  })
})
