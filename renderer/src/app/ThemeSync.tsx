import { useMantineColorScheme } from '@mantine/core'
import { useEffect } from 'react'
import type { ThemePreference } from '../../../native/contract'
import { useEngineEvent } from '../engine/engine-context'
import { useEngineQuery } from '../engine/use-engine-query'

/** Applies the theme stored in the engine's settings, and follows changes from any client. */
export function ThemeSync() {
  const { setColorScheme } = useMantineColorScheme()
  const settings = useEngineQuery('settings.get', {})
  const apply = (theme: ThemePreference): void => setColorScheme(theme === 'system' ? 'auto' : theme)
  useEffect(() => {
    if (settings.data) apply(settings.data.theme)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings.data])
  useEngineEvent('settings.changed', (s) => apply(s.theme))
  return null
}
