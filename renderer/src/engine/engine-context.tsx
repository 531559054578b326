import { createContext, useContext, useEffect, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import type { EventName, EventPayload } from '../../../native/contract'
import type { ConnectionState, EngineConnection } from './engine-connection'

const EngineContext = createContext<EngineConnection | undefined>(undefined)

export function EngineProvider({ engine, children }: { engine: EngineConnection; children: ReactNode }) {
  return <EngineContext.Provider value={engine}>{children}</EngineContext.Provider>
}

export function useEngine(): EngineConnection {
  const engine = useContext(EngineContext)
  if (!engine) throw new Error('useEngine outside EngineProvider')
  return engine
}

export function useConnectionState(): ConnectionState {
  const engine = useEngine()
  const [state, setState] = useState(engine.state)
  useEffect(() => {
    setState(engine.state)
    const sub = engine.onState(setState)
    return () => sub.dispose()
  }, [engine])
  return state
}

/** The network the header shows; pages reload their data when it changes. */
export function useNetwork(): string | null {
  const engine = useEngine()
  const [network, setNetwork] = useState(engine.network)
  useEffect(() => {
    setNetwork(engine.network)
    const sub = engine.onNetwork(setNetwork)
    return () => sub.dispose()
  }, [engine])
  return network
}

/** Subscribes to an engine event for the component's lifetime; the latest callback is used. */
export function useEngineEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const engine = useEngine()
  const latest = useRef(listener)
  latest.current = listener
  useEffect(() => {
    const sub = engine.on(event, (payload) => latest.current(payload))
    return () => sub.dispose()
  }, [engine, event])
}
