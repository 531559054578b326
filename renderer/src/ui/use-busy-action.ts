import { useState } from 'react'

/** Runs one user action at a time: `busy` while it runs, its failure as `error` (cleared when the next one starts). */
export function useBusyAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const run = async (fn: () => Promise<void>): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      await fn()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, setError, run }
}
