import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core'
import { IconPlugConnectedX } from '@tabler/icons-react'
import { useState } from 'react'
import type { ConnectionState } from '../engine/engine-connection'
import { reconnectTarget } from './reconnect-target'

/** What the page says while it cannot talk to the engine, and how to get back. */
export function EngineOffline({ state }: { state: ConnectionState }) {
  const [pasted, setPasted] = useState('')
  if (state === 'refused') {
    const target = reconnectTarget(pasted, window.location)
    return (
      <Alert color="red" icon={<IconPlugConnectedX size={18} />} mb="md" title="TaoDesk restarted: this tab's access has expired" data-testid="engine-refused">
        <Stack gap="xs">
          <Text size="sm">
            The headless engine was restarted and made a new access key, so this tab can no longer talk to it. Nothing was lost: your wallets, settings and history are kept.
          </Text>
          <Text size="sm">
            To reconnect, open the new address that <b>taodesk serve</b> printed when it started (it ends with <b>?token=…</b>), or paste it here:
          </Text>
          <Group align="flex-end">
            <TextInput flex={1} placeholder={`${window.location.origin}/?token=…`} value={pasted} onChange={(e) => setPasted(e.currentTarget.value)} data-testid="reconnect-url" />
            <Button disabled={!target} onClick={() => target && window.location.assign(target)} data-testid="reconnect">
              Reconnect
            </Button>
          </Group>
        </Stack>
      </Alert>
    )
  }
  if (state !== 'disconnected') return null
  return (
    <Alert color="red" icon={<IconPlugConnectedX size={18} />} mb="md" title="Lost contact with the engine" data-testid="engine-offline">
      TaoDesk reconnects by itself as soon as the engine is back. If this lasts, check that the desktop app or <b>taodesk serve</b> is still running.
    </Alert>
  )
}
