export { createMetricsHandlers } from './metrics-handlers'
