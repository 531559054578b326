import { useCallback, useEffect, useState } from 'react'
import type { MethodName, ParamsIn, ResultOf } from '../../../native/contract'
import { useConnectionState, useEngine, useNetwork } from './engine-context'

export interface QueryState<T> {
  readonly data: T | undefined
  readonly error: string | undefined
  readonly loading: boolean
  /** The network the shown data was read on, when the header has switched since (the data is old). */
  readonly staleFrom: string | null
  reload(): void
}

/**
 * Calls a method whenever the connection comes up, `key` changes or the header's network changes.
 * After a switch the previous network's error is dropped at once, and its data stays visible,
 * marked by `staleFrom`, until the new network answers.
 */
export function useEngineQuery<M extends MethodName>(method: M, params: ParamsIn<M>, key = ''): QueryState<ResultOf<M>> {
  const engine = useEngine()
  const connection = useConnectionState()
  const network = useNetwork()
  const [dataNetwork, setDataNetwork] = useState<string | null>(null)
  const [data, setData] = useState<ResultOf<M>>()
  const [error, setError] = useState<string>()
  const [loading, setLoading] = useState(true)
  const [generation, setGeneration] = useState(0)
  const reload = useCallback(() => setGeneration((g) => g + 1), [])

  useEffect(() => {
    if (connection !== 'connected') return
    let cancelled = false
    setLoading(true)
    setError((e) => (dataNetwork !== network ? undefined : e))
    const call = engine.call.bind(engine) as (m: M, p: ParamsIn<M>) => Promise<ResultOf<M>>
    call(method, params)
      .then((value) => {
        if (cancelled) return
        setData(value)
        setDataNetwork(network)
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
  }, [engine, connection, method, key, generation, network])

  const staleFrom = data !== undefined && dataNetwork !== null && network !== null && dataNetwork !== network ? dataNetwork : null
  return { data, error, loading, staleFrom, reload }
}
