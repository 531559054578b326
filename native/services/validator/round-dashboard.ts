/**
 * The subnet dashboard's side of the validator: after a round's weights, its texts go to the
 * baseline models in the background (never delaying the next round's weights, bounded by
 * `baselineTimeoutS`), the results are kept with the round, and each change is announced.
 */
import type { DashboardRound, ValidatorConfig, ValidatorDashboard } from '../../contract/validator'
import type { Logger } from '../../platform/logging'
import { openAiBaseline } from './openai-baseline'
import { scoreBaselines } from './round-baselines'
import type { BaselineModel, BaselineRound } from './round-baselines'
import type { DashboardRow, ValidatorTables } from './validator-tables'

export interface RoundDashboardOptions {
  readonly tables: ValidatorTables
  readonly log: Logger
  readonly fire: (round: DashboardRound) => void
  /** The installed local models (absent: none, e.g. tests and engines without the embedding service). */
  readonly localModels?: () => BaselineModel[]
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export class RoundDashboard {
  private readonly pending = new Map<number, Promise<void>>()

  constructor(private readonly o: RoundDashboardOptions) {}

  /** The baseline models this configuration asks for. */
  models(config: ValidatorConfig, openAiApiKey: string | undefined): BaselineModel[] {
    const local = config.baselineLocalModels ? (this.o.localModels?.() ?? []) : []
    const remote = openAiApiKey ? config.baselineOpenAiModels.map((model) => openAiBaseline({ model, baseUrl: config.openAiBaseUrl, apiKey: openAiApiKey })) : []
    return [...local, ...remote]
  }

  /** Announces the round's miner scores now and scores its baselines in the background. */
  afterRound(netuid: number, roundId: number, round: BaselineRound, models: readonly BaselineModel[], budgetS: number): void {
    if (models.length === 0) return this.announce(netuid, roundId)
    const job = scoreBaselines(models, round, budgetS)
      .then((results) => {
        this.o.tables.recordBaselines(roundId, results)
        const failed = results.filter((r) => r.error)
        if (failed.length) this.o.log.warn('Some dashboard baselines could not be scored', { round: roundId, errors: failed.map((r) => r.error) })
      })
      .catch((error: unknown) => {
        // Recording failed (the database): the round itself is already kept.
        this.o.log.error('Could not record the dashboard baselines', { round: roundId, error: error instanceof Error ? error.message : String(error) })
      })
      .finally(() => {
        this.pending.delete(roundId)
        this.announce(netuid, roundId)
      })
    this.pending.set(roundId, job)
    this.announce(netuid, roundId)
  }

  view(netuid: number, limit: number): ValidatorDashboard {
    return { netuid, rounds: this.o.tables.dashboard(netuid, limit).map((r) => this.toRound(r)) }
  }

  /** Waits for the baselines in flight (engine shutdown). */
  async settle(): Promise<void> {
    await Promise.all(this.pending.values())
  }

  private announce(netuid: number, roundId: number): void {
    // A few rounds back: a later round may have finished while these baselines ran.
    const row = this.o.tables.dashboard(netuid, 5).find((r) => r.roundId === roundId)
    if (row) this.o.fire(this.toRound(row))
  }

  private toRound(r: DashboardRow): DashboardRound {
    return {
      roundId: r.roundId,
      block: r.block,
      finishedAt: r.finishedAt,
      best: r.scores.length ? Math.max(...r.scores) : null,
      median: median(r.scores),
      scoredMiners: r.scores.length,
      queried: r.queried,
      baselines: r.baselines ?? [],
      baselinesPending: this.pending.has(r.roundId),
    }
  }
}
