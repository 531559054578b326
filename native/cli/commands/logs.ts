import { setTimeout as sleep } from 'node:timers/promises'
import { LogLevel } from '../../contract'
import type { LogEntry, LogFilter } from '../../contract'
import { databasePath, resolveHome } from '../../host'
import { formatLogLine } from '../../platform/logging'
import { Store } from '../../platform/store'
import type { Command, CommandIo } from '../command'
import { UsageError, parseIntOption } from '../command'

const FOLLOW_POLL_MS = 250

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Print the engine log (works while the engine runs).',
  usage: `taodesk logs [--follow] [--json] [--level LEVEL] [--source NAME] [--search TEXT] [--limit N]

  --follow, -f      keep printing new entries until Ctrl+C
  --json            one JSON object per line: {id, time, level, source, message, fields}
  --level LEVEL     minimum level: debug, info, warn, error (default debug)
  --source NAME     only this source (repeatable)
  --search TEXT     only entries whose message or fields contain TEXT
  --limit N         how many recent entries to print first (default 100)`,
  options: {
    follow: { type: 'boolean', short: 'f' },
    json: { type: 'boolean' },
    level: { type: 'string' },
    source: { type: 'string', multiple: true },
    search: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const level = values.level === undefined ? 'debug' : LogLevel.safeParse(values.level)
    if (typeof level !== 'string' && !level.success) throw new UsageError('--level must be one of debug, info, warn, error')
    const minLevel = typeof level === 'string' ? level : level.data
    const limit = parseIntOption(values.limit, 'limit', 1, 100_000) ?? 100
    const sourcesValue = (values as Record<string, unknown>).source
    const filter: LogFilter = {
      levels: LogLevel.options.slice(LogLevel.options.indexOf(minLevel)),
      sources: Array.isArray(sourcesValue) ? (sourcesValue as string[]) : undefined,
      search: typeof values.search === 'string' ? values.search : undefined,
    }
    const store = Store.open(databasePath(resolveHome(io.env)), { readonly: true })
    try {
      const print = (entry: LogEntry): void => {
        io.stdout.write(values.json ? `${JSON.stringify(entry)}\n` : `${formatLogLine(entry)}\n`)
      }
      let lastId = 0
      for (const entry of store.eventLog.query(filter, limit)) {
        print(entry)
        lastId = entry.id
      }
      if (!values.follow) return 0
      if (lastId === 0) lastId = store.eventLog.query({}, 1)[0]?.id ?? 0
      return await follow(store, filter, lastId, print, io)
    } finally {
      store.close()
    }
  },
}

async function follow(store: Store, filter: LogFilter, afterId: number, print: (e: LogEntry) => void, io: CommandIo): Promise<number> {
  let stop = false
  void io.interrupted.then(() => {
    stop = true
  })
  let last = afterId
  while (!stop) {
    for (const entry of store.eventLog.query({ ...filter, afterId: last }, 1000)) {
      print(entry)
      last = entry.id
    }
    await Promise.race([sleep(FOLLOW_POLL_MS), io.interrupted])
  }
  return 0
}
