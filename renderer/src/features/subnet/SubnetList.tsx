import { Badge, Card, Group, ScrollArea, Table, Text, TextInput, Title } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import { useMemo, useState } from 'react'
import { useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { StaleMark } from '../../ui/StaleMark'
import { raoToTao } from './metagraph-table'
import { ProtocolBadge } from './SubnetIdentity'

/** Every subnet of the network with its size, tempo and price; a click picks it. */
export function SubnetList({ netuid, onPick, networkKey }: { netuid: number; onPick: (netuid: number) => void; networkKey: string }) {
  const subnets = useEngineQuery('chain.subnets', {}, networkKey)
  const [query, setQuery] = useState('')
  // A registration changes a subnet's size and price.
  useEngineEvent('chain.tx', (p) => p.stage === 'finalized' && subnets.reload())
  const rows = useMemo(() => {
    const q = query.trim()
    const list = subnets.data?.subnets ?? []
    return q ? list.filter((s) => String(s.netuid).startsWith(q.replace(/^sn/i, '')) || (s.identity?.name.toLowerCase().includes(q.toLowerCase()) ?? false)) : list
  }, [subnets.data, query])
  return (
    <Card withBorder padding={0} data-testid="subnet-list">
      <Group p="sm" justify="space-between">
        <Group gap="xs">
          <Title order={4}>Subnets</Title>
          <StaleMark from={subnets.staleFrom} what="These subnets" />
          {subnets.data?.stale && !subnets.staleFrom && (
            <Badge color="yellow" variant="light">
              last known
            </Badge>
          )}
        </Group>
        <TextInput size="xs" w={120} leftSection={<IconSearch size={14} />} placeholder="netuid or name" value={query} onChange={(e) => setQuery(e.currentTarget.value)} aria-label="Find a subnet" data-testid="subnet-list-search" />
      </Group>
      {subnets.error && (
        <Text size="sm" c="red" px="sm" pb="sm" data-testid="subnet-list-error">
          {subnets.error}
        </Text>
      )}
      {!subnets.error && subnets.data && rows.length === 0 && (
        <Text size="sm" c="dimmed" px="sm" pb="sm">
          {subnets.data.subnets.length === 0 ? 'This network has no subnets.' : 'No subnet matches.'}
        </Text>
      )}
      {!subnets.data && !subnets.error && (
        <Text size="sm" c="dimmed" px="sm" pb="sm">
          Reading subnets…
        </Text>
      )}
      {rows.length > 0 && (
        <ScrollArea.Autosize mah={260}>
          <Table highlightOnHover fz="sm" stickyHeader>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Subnet</Table.Th>
                <Table.Th>Runs</Table.Th>
                <Table.Th>Neurons</Table.Th>
                <Table.Th>Tempo</Table.Th>
                <Table.Th>Price</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr
                  key={s.netuid}
                  data-testid="subnet-row"
                  data-netuid={s.netuid}
                  aria-selected={s.netuid === netuid}
                  tabIndex={0}
                  onClick={() => onPick(s.netuid)}
                  onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onPick(s.netuid)}
                  style={{ cursor: 'pointer', fontVariantNumeric: 'tabular-nums' }}
                  bg={s.netuid === netuid ? 'var(--mantine-primary-color-light)' : undefined}
                  title={s.owner ? `owner ${s.owner}` : undefined}
                >
                  <Table.Td fw={s.netuid === netuid ? 700 : undefined}>SN{s.netuid}</Table.Td>
                  <Table.Td title={s.identity?.githubRepo || undefined}>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" data-testid="subnet-row-name">
                        {s.identity?.name || '—'}
                      </Text>
                      <ProtocolBadge protocol={s.protocol} size="xs" />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {s.neurons} / {s.maxNeurons}
                  </Table.Td>
                  <Table.Td>{s.tempo}</Table.Td>
                  <Table.Td>{raoToTao(s.burn)} TAO</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Card>
  )
}
