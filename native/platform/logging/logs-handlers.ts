import { EngineError } from '../../contract'
import type { Handlers, LogEntry } from '../../contract'
import type { Store } from '../store'
import type { Logger } from './logger'
import { formatLogLine } from './logger'

type LogsHandlers = Pick<Handlers, 'logs.query' | 'logs.sources' | 'logs.export' | 'logs.report'>

export function createLogsHandlers(store: Store, logsLogger: Logger, appendUi: (level: LogEntry['level'], message: string, fields: LogEntry['fields']) => number): LogsHandlers {
  return {
    'logs.query': ({ limit, ...filter }) => store.eventLog.query(filter, limit),
    'logs.sources': () => store.eventLog.sources(),
    'logs.export': ({ format, ...filter }) => {
      const lines: string[] = []
      for (const entry of store.eventLog.iterate(filter)) {
        lines.push(format === 'jsonl' ? JSON.stringify(entry) : formatLogLine(entry))
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      logsLogger.info('Log exported', { entries: lines.length, format })
      return {
        fileName: `taodesk-log-${stamp}.${format === 'jsonl' ? 'jsonl' : 'log'}`,
        mimeType: format === 'jsonl' ? 'application/x-ndjson' : 'text/plain',
        content: lines.length > 0 ? `${lines.join('\n')}\n` : '',
        count: lines.length,
      }
    },
    // Never acknowledge an entry that was not stored (appendUi gives 0 then).
    'logs.report': ({ level, message, fields }) => {
      const id = appendUi(level, message, fields ?? {})
      if (id > 0) return { id }
      const full = store.diskFull
      throw full ? new EngineError('NO_SPACE', full) : new EngineError('INTERNAL', 'The log entry could not be stored (the engine is stopping or its database failed); see the engine console output.')
    },
  }
}
