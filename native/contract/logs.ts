import { z } from 'zod'
import { event, method } from './define'

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error'])
export type LogLevel = z.infer<typeof LogLevel>

/** Structured fields attached to a log line; JSON-serialisable values only. */
export const LogFields = z.record(z.string(), z.unknown())
export type LogFields = z.infer<typeof LogFields>

export const LogEntry = z.object({
  id: z.number().int().positive(),
  /** Unix epoch milliseconds. */
  time: z.number(),
  level: LogLevel,
  source: z.string(),
  message: z.string(),
  fields: LogFields,
})
export type LogEntry = z.infer<typeof LogEntry>

export const LogFilter = z
  .object({
    levels: z.array(LogLevel).max(4).optional(),
    sources: z.array(z.string().min(1).max(64)).max(64).optional(),
    search: z.string().max(200).optional(),
    /** Only entries with id greater than this (for paging forward or following). */
    afterId: z.number().int().nonnegative().optional(),
    /** Only entries with id smaller than this (for paging backward). */
    beforeId: z.number().int().positive().optional(),
    since: z.number().optional(),
    until: z.number().optional(),
  })
  .strict()
export type LogFilter = z.infer<typeof LogFilter>

export const LogQuery = LogFilter.extend({
  limit: z.number().int().min(1).max(5000).default(500),
}).strict()
export type LogQuery = z.input<typeof LogQuery>

export const LogExportFormat = z.enum(['jsonl', 'text'])
export type LogExportFormat = z.infer<typeof LogExportFormat>

export const LogExport = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  content: z.string(),
  count: z.number().int().nonnegative(),
})
export type LogExport = z.infer<typeof LogExport>

export const UiLogReport = z
  .object({
    level: LogLevel,
    message: z.string().min(1).max(2000),
    fields: LogFields.optional(),
  })
  .strict()

export const logsMethods = {
  'logs.query': method(LogQuery, z.array(LogEntry), 'Newest log entries matching a filter, oldest first.'),
  'logs.sources': method(z.object({}).strict(), z.array(z.string()), 'Every source that has written to the log.'),
  'logs.export': method(
    LogFilter.extend({ format: LogExportFormat.default('jsonl') }).strict(),
    LogExport,
    'The log entries matching a filter, as a file body the UI can save.',
  ),
  'logs.report': method(UiLogReport, z.object({ id: z.number().int() }), 'Record a message from the UI (source "ui").'),
}

export const logsEvents = {
  'logs.appended': event(LogEntry, 'A log entry was written.'),
}
