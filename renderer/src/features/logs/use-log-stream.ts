import { useEffect, useRef, useState } from 'react'
import type { LogEntry, LogFilter } from '../../../../native/contract'
import { useConnectionState, useEngine, useEngineEvent } from '../../engine/engine-context'
import { appendEntries, matchesFilter } from './log-filter'

const LOG_VIEW_CAP = 5000

export interface LogStream {
  readonly entries: readonly LogEntry[]
  readonly loading: boolean
  readonly error: string | undefined
}

/** The newest entries matching `filter`, loaded once, then kept live from `logs.appended`. */
export function useLogStream(filter: LogFilter, paused: boolean): LogStream {
  const engine = useEngine()
  const connection = useConnectionState()
  const [entries, setEntries] = useState<LogEntry[]>([])
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string>()
  const buffer = useRef<LogEntry[]>([])
  const ready = useRef(false)
  const filterKey = JSON.stringify(filter)

  useEffect(() => {
    if (connection !== 'connected') return
    let cancelled = false
    ready.current = false
    buffer.current = []
    setLoading(true)
    engine
      .call('logs.query', { ...filter, limit: 1000 })
      .then((rows) => {
        if (cancelled) return
        setEntries(appendEntries(rows, buffer.current, LOG_VIEW_CAP))
        buffer.current = []
        ready.current = true
        setError(undefined)
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => !cancelled && setLoading(false))
    return () => {
      cancelled = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine, connection, filterKey])

  // Batch live entries into one render per animation frame; a burst of logs must not freeze the page.
  const pending = useRef<LogEntry[]>([])
  const frame = useRef<number | undefined>(undefined)
  useEngineEvent('logs.appended', (entry) => {
    if (!matchesFilter(entry, filter)) return
    if (!ready.current || paused) {
      buffer.current.push(entry)
      if (buffer.current.length > LOG_VIEW_CAP) buffer.current.shift()
      return
    }
    pending.current.push(entry)
    if (frame.current === undefined) {
      frame.current = requestAnimationFrame(() => {
        frame.current = undefined
        const batch = pending.current
        pending.current = []
        setEntries((view) => appendEntries(view, batch, LOG_VIEW_CAP))
      })
    }
  })

  useEffect(() => {
    if (!paused && ready.current && buffer.current.length > 0) {
      const batch = buffer.current
      buffer.current = []
      setEntries((view) => appendEntries(view, batch, LOG_VIEW_CAP))
    }
  }, [paused])

  useEffect(() => () => {
    if (frame.current !== undefined) cancelAnimationFrame(frame.current)
  }, [])

  return { entries, loading, error }
}
