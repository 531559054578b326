import { useCallback, useEffect, useState } from 'react'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { useChainStatus } from './NetworkPicker'

/**
 * The subnet the app works with: the `netuid` setting (shared by the header, the Subnet page and
 * the miner and validator forms), and its identity and protocol verdict on the selected network.
 */
export function useChosenSubnet() {
  const engine = useEngine()
  const settings = useEngineQuery('settings.get', {})
  const [netuid, setLocal] = useState<number | null>(null)
  useEffect(() => {
    if (settings.data && netuid === null) setLocal(settings.data.netuid)
  }, [settings.data, netuid])
  useEngineEvent('settings.changed', (s) => setLocal(s.netuid))
  const choose = useCallback(
    (n: number) => {
      setLocal(n)
      void engine.call('settings.update', { netuid: n }).catch(() => undefined)
    },
    [engine],
  )
  const status = useChainStatus()
  const key = `${status?.network ?? ''}|${status?.endpoint ?? ''}|${status?.state === 'connected' ? 'up' : 'down'}|${netuid ?? ''}`
  const subnet = useEngineQuery('chain.subnet', { netuid: netuid ?? 0 }, key)
  // An identity read on the previous network says nothing about this one: none until it answers.
  const current = subnet.data && subnet.data.netuid === netuid && subnet.staleFrom === null ? subnet.data : undefined
  return { netuid: netuid ?? settings.data?.netuid ?? null, choose, identity: current?.identity ?? null, protocol: current?.protocol ?? null, reload: subnet.reload }
}
