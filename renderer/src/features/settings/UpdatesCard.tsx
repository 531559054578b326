import { Button, Card, Group, Progress, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import type { UpdateStatus } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { updateStateText, updateStatusLine } from './update-status'

/** Current version, channel, last check, and the update actions (the user decides when to restart). */
export function UpdatesCard() {
  const engine = useEngine()
  const loaded = useEngineQuery('updates.status', {})
  const [live, setLive] = useState<UpdateStatus>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  useEngineEvent('updates.status', setLive)
  const status = live ?? loaded.data

  const run = (method: 'updates.check' | 'updates.download' | 'updates.restart' | 'updates.cancelRestart'): void => {
    setBusy(true)
    engine
      .call(method, {})
      .then((s) => {
        setLive(s)
        setError(undefined)
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false))
  }

  return (
    <Card withBorder padding="lg" data-testid="updates-card">
      <Stack gap="xs">
        <Title order={4}>Updates</Title>
        {status && (
          <>
            <Text data-testid="update-status-line">{updateStatusLine(status)}</Text>
            <Text size="sm" c={status.state === 'error' ? 'red' : 'dimmed'} data-testid="update-state">
              {updateStateText(status)}
            </Text>
            {status.error && status.state !== 'error' && <Text size="sm" c="orange">{status.error}</Text>}
            {status.state === 'downloading' && <Progress value={status.progress?.percent ?? 0} aria-label="Download progress" />}
            <Group gap="sm">
              <Button variant="default" onClick={() => run('updates.check')} loading={busy && status.state === 'checking'} disabled={status.state === 'unsupported' || status.state === 'checking' || status.state === 'downloading' || status.state === 'installing'}>
                Check now
              </Button>
              {(status.state === 'available' || (status.state === 'error' && status.available !== null)) && (
                <Button variant="default" onClick={() => run('updates.download')} disabled={busy}>
                  Download {status.available?.version}
                </Button>
              )}
              {status.state === 'ready' && (
                <Button onClick={() => run('updates.restart')} disabled={busy}>
                  Restart to update
                </Button>
              )}
              {status.state === 'waiting-for-safe-point' && (
                <Button variant="default" onClick={() => run('updates.cancelRestart')} disabled={busy}>
                  Don’t restart yet
                </Button>
              )}
            </Group>
          </>
        )}
        {(error ?? loaded.error) && <Text c="red" size="sm">{error ?? loaded.error}</Text>}
      </Stack>
    </Card>
  )
}
