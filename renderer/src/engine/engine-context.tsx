import { createContext, useContext, useEffect, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import type { Disposable } from '../../../native/base'
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

/** A value the connection holds and announces when it changes. */
function useConnectionValue<T>(read: (engine: EngineConnection) => T, subscribe: (engine: EngineConnection, listener: (value: T) => void) => Disposable): T {
  const engine = useEngine()
  const [value, setValue] = useState(() => read(engine))
  useEffect(() => {
    setValue(read(engine))
    const sub = subscribe(engine, setValue)
    return () => sub.dispose()
    // read and subscribe are module-level functions at every call site.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine])
  return value
}

export function useConnectionState(): ConnectionState {
  return useConnectionValue((e) => e.state, (e, l) => e.onState(l))
}

/** The network the header shows; pages reload their data when it changes. */
export function useNetwork(): string | null {
  return useConnectionValue<string | null>((e) => e.network, (e, l) => e.onNetwork(l))
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
