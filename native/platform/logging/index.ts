export * from './logger'
export { createLogsHandlers } from './logs-handlers'
