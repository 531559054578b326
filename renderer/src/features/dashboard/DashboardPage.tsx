import { Card, Group, SimpleGrid, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import type { EngineHealth } from '../../../../native/contract'
import { useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { formatBytes, formatDuration } from '../../ui/format'
import { Stat } from '../../ui/Stat'

export function DashboardPage() {
  const info = useEngineQuery('app.info', {})
  const initialHealth = useEngineQuery('app.health', {})
  const [live, setLive] = useState<EngineHealth>()
  useEngineEvent('app.health', setLive)
  const health = live ?? initialHealth.data

  return (
    <Stack>
      <PageHeader
        title="Dashboard"
        description="Your neuron at a glance. Miner and validator status, rewards and alerts will appear here as those parts are set up."
      />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Stat framed size="xl" label="Engine uptime" value={health ? formatDuration(health.uptimeMs) : '…'} testId="engine-uptime" />
        <Stat framed size="xl" label="Engine memory" value={health ? formatBytes(health.rssBytes) : '…'} />
        <Stat framed size="xl" label="Event-loop lag" value={health ? `${health.eventLoopLagMs.toFixed(1)} ms` : '…'} />
        <Stat framed size="xl" label="Connected clients" value={health ? String(health.connectedClients) : '…'} />
      </SimpleGrid>
      <Card withBorder padding="md">
        <Text fw={600} mb="xs">
          Engine
        </Text>
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
      <Card withBorder padding="md">
        <Text fw={600} mb="xs">
          Getting started
        </Text>
        <Text size="sm" c="dimmed">
          1. Create or import a wallet. 2. Download an embedding model. 3. Register a hotkey on an embedding subnet (the Subnet page says which speak the protocol) and start the miner,
          or, with enough stake, the validator. Each step gets its own page.
        </Text>
      </Card>
    </Stack>
  )
}
