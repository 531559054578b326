import { useCallback, useEffect, useState } from 'react'
import type { RouteId } from './routes'
import { routeFromHash } from './routes'

/** The current page lives in the URL hash, so reloads and the back button work in the browser. */
export function useHashRoute(): [RouteId, (id: RouteId) => void] {
  const [route, setRoute] = useState<RouteId>(() => routeFromHash(window.location.hash))
  useEffect(() => {
    const onChange = (): void => setRoute(routeFromHash(window.location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  const navigate = useCallback((id: RouteId) => {
    window.location.hash = `/${id}`
  }, [])
  return [route, navigate]
}
