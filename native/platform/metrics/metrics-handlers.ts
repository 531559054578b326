import type { Handlers } from '../../contract'
import type { Store } from '../store'

export function createMetricsHandlers(store: Store): Pick<Handlers, 'metrics.query' | 'metrics.series'> {
  return {
    'metrics.query': ({ series, since, until, limit }) => store.timeSeries.query(series, { since, until }, limit),
    'metrics.series': () => store.timeSeries.seriesNames(),
  }
}
