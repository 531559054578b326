import { useCallback, useEffect, useState } from 'react'
import type { MethodName, ParamsIn, ResultOf } from '../../../native/contract'
import { useConnectionState, useEngine } from './engine-context'

export interface QueryState<T> {
  readonly data: T | undefined
  readonly error: string | undefined
  readonly loading: boolean
  reload(): void
}

/** Calls a method whenever the connection comes up or `key` changes. */
export function useEngineQuery<M extends MethodName>(method: M, params: ParamsIn<M>, key = ''): QueryState<ResultOf<M>> {
  const engine = useEngine()
  const connection = useConnectionState()
  const [data, setData] = useState<ResultOf<M>>()
  const [error, setError] = useState<string>()
  const [loading, setLoading] = useState(true)
  const [generation, setGeneration] = useState(0)
  const reload = useCallback(() => setGeneration((g) => g + 1), [])

  useEffect(() => {
    if (connection !== 'connected') return
    let cancelled = false
    setLoading(true)
    const call = engine.call.bind(engine) as (m: M, p: ParamsIn<M>) => Promise<ResultOf<M>>
    call(method, params)
      .then((value) => {
        if (cancelled) return
        setData(value)
        setError(undefined)
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e))
      })
      .finally(() => {
        if (!cancelled) setLoading(false)
      })
    return () => {
      cancelled = true
    }
    // params are described by `key`; callers pass a stable key for them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine, connection, method, key, generation])

  return { data, error, loading, reload }
}
