import { outcomeKey } from '../../../../native/contract'
import type { ValidatorRound, WeightRecord } from '../../../../native/contract'

/** A row shown once for `count` consecutive rows with the same outcome (the newest one is kept). */
export interface Repeated<T> {
  readonly item: T
  readonly count: number
}

/** Folds runs of neighbours with the same key (null: never folded) into one row with a count. */
export function collapseRepeats<T>(items: readonly T[], key: (item: T) => string | null): Repeated<T>[] {
  const out: Array<{ item: T; count: number; key: string | null }> = []
  for (const item of items) {
    const k = key(item)
    const last = out.at(-1)
    if (k !== null && last?.key === k) last.count++
    else out.push({ item, count: 1, key: k })
  }
  return out.map(({ item, count }) => ({ item, count }))
}

/** Failed rounds fold by their error; other rounds each keep their row. */
export const roundRepeatKey = (r: ValidatorRound): string | null => (r.status === 'failed' ? `failed:${outcomeKey(r.error ?? '')}` : null)

/** Skipped weight attempts fold by their reason; every sent extrinsic keeps its row. */
export const weightRepeatKey = (w: WeightRecord): string | null => (w.kind === 'skipped' ? `skipped:${outcomeKey(w.message)}` : null)
