import type { LogEntry, LogFields, LogLevel } from '../../contract'

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  /** A logger for a named part of the engine ("miner", "chain", ...). */
  child(source: string): Logger
}

export type LogSink = (level: LogLevel, source: string, message: string, fields: LogFields) => LogEntry | undefined

const SECRET_KEY = /pass(word|phrase)?|mnemonic|seed|secret|private|token|authorization/i

/** Replaces the value of any field whose name looks secret, at any depth. */
export function redact(fields: LogFields): LogFields {
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > 6 || typeof value !== 'object' || value === null) return value
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : walk(v, depth + 1)
    return out
  }
  return walk(fields, 0) as LogFields
}

export function createLogger(sink: LogSink, source: string): Logger {
  const write = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    sink(level, source, message, redact(fields))
  }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (child) => createLogger(sink, child),
  }
}

export function formatLogLine(entry: LogEntry): string {
  const fields = Object.keys(entry.fields).length > 0 ? ` ${JSON.stringify(entry.fields)}` : ''
  return `${new Date(entry.time).toISOString()} ${entry.level.toUpperCase().padEnd(5)} [${entry.source}] ${entry.message}${fields}`
}
