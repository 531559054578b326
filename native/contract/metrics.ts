import { z } from 'zod'
import { method } from './define'

export const SeriesName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9_.:-]+$/, 'lower-case letters, digits and _ . : - only')

export const MetricPoint = z.object({
  time: z.number(),
  value: z.number(),
  labels: z.record(z.string(), z.string()),
})
export type MetricPoint = z.infer<typeof MetricPoint>

export const MetricQuery = z
  .object({
    series: SeriesName,
    since: z.number().optional(),
    until: z.number().optional(),
    limit: z.number().int().min(1).max(100_000).default(10_000),
  })
  .strict()

export const metricsMethods = {
  'metrics.query': method(MetricQuery, z.array(MetricPoint), 'Points of one time series (metrics, rewards), oldest first.'),
  'metrics.series': method(z.object({}).strict(), z.array(z.string()), 'Names of every recorded series.'),
}
