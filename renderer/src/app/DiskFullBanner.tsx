import { Alert } from '@mantine/core'
import { IconDatabaseExclamation } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { useEngineEvent } from '../engine/engine-context'
import { useEngineQuery } from '../engine/use-engine-query'

/** Says, above every page, that the disk is full and what is not being saved (engine health `diskFull`). */
export function DiskFullBanner() {
  const initial = useEngineQuery('app.health', {})
  const [message, setMessage] = useState<string | null>(null)
  useEffect(() => setMessage(initial.data?.diskFull ?? null), [initial.data])
  useEngineEvent('app.health', (h) => setMessage(h.diskFull ?? null))
  if (!message) return null
  return (
    <Alert color="red" variant="filled" mb="md" icon={<IconDatabaseExclamation size={18} />} title="The disk is full" role="alert">
      {message}
    </Alert>
  )
}
