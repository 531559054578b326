import { Card, Group, SimpleGrid, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import type { EngineHealth } from '../../../../native/contract'
import { useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { formatBytes, formatDuration } from '../../ui/format'
import { Stat } from '../../ui/Stat'

/** Engine internals for support and the curious (moved off the Dashboard, which is about the user's work). */
export function EngineDiagnostics() {
  const info = useEngineQuery('app.info', {})
  const initialHealth = useEngineQuery('app.health', {})
  const [live, setLive] = useState<EngineHealth>()
  useEngineEvent('app.health', setLive)
  const health = live ?? initialHealth.data
  return (
    <Card withBorder padding="md" data-testid="engine-diagnostics">
      <Text fw={600} mb="xs">
        Diagnostics
      </Text>
      <SimpleGrid cols={{ base: 2, lg: 4 }} mb="sm">
        <Stat label="Engine uptime" value={health ? formatDuration(health.uptimeMs) : '…'} testId="engine-uptime" />
        <Stat label="Engine memory" value={health ? formatBytes(health.rssBytes) : '…'} />
        <Stat label="Event-loop lag" value={health ? `${health.eventLoopLagMs.toFixed(1)} ms` : '…'} />
        <Stat label="Connected clients" value={health ? String(health.connectedClients) : '…'} />
      </SimpleGrid>
      {info.error && <Text c="red">{info.error}</Text>}
      {info.data && (
        <Stack gap={4}>
          <Group gap="xs">
            <Text c="dimmed" w={140}>Version</Text>
            <Text data-testid="engine-version">{info.data.version}</Text>
          </Group>
          <Group gap="xs">
            <Text c="dimmed" w={140}>Mode</Text>
            <Text>{info.data.headless ? 'Headless server (browser UI)' : 'Desktop app'}</Text>
          </Group>
          <Group gap="xs">
            <Text c="dimmed" w={140}>Platform</Text>
            <Text>
              {info.data.platform} {info.data.arch}, Node {info.data.nodeVersion}
            </Text>
          </Group>
          <Group gap="xs">
            <Text c="dimmed" w={140}>Data folder</Text>
            <Text ff="monospace" size="sm">{info.data.home}</Text>
          </Group>
        </Stack>
      )}
    </Card>
  )
}
