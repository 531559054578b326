import { Badge, Tooltip } from '@mantine/core'
import { useConnectionState, useEngine } from '../engine/engine-context'

const LABEL = { connecting: 'Connecting…', connected: 'Engine connected', disconnected: 'Engine offline', refused: 'Access expired' } as const
const COLOR = { connecting: 'yellow', connected: 'teal', disconnected: 'red', refused: 'red' } as const

export function ConnectionBadge() {
  const engine = useEngine()
  const state = useConnectionState()
  return (
    <Tooltip label={engine.kind === 'ipc' ? 'Desktop app: talking to the engine over IPC' : 'Browser: talking to the headless engine over a WebSocket'}>
      <Badge variant="dot" color={COLOR[state]} data-testid="connection-state" data-state={state}>
        {LABEL[state]}
      </Badge>
    </Tooltip>
  )
}
