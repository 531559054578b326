import { Badge, Card, Group, Table, Text, Title, Tooltip } from '@mantine/core'
import { useEffect, useRef } from 'react'
import type { ChainStatus } from '../../../../native/contract'
import { useEngineQuery } from '../../engine/use-engine-query'
import { commitTiming } from './subnet-format'

const STATUS_COLOR = { pending: 'blue', revealed: 'green', expired: 'orange', failed: 'red' } as const

/**
 * Weight commits (commit-reveal v2) that TaoDesk made on this network, and when each will be
 * revealed: TaoDesk sends reveal_weights itself at the first block of the reveal window.
 */
export function CommitsCard({ status, blockTimeMs, networkKey }: { status: ChainStatus | undefined; blockTimeMs: number | null; networkKey: string }) {
  const commits = useEngineQuery('chain.commits', {}, networkKey)
  const pending = status?.pendingCommits ?? 0
  const lastPending = useRef(pending)
  // Reload when the number of pending commits changes (a commit or a reveal happened).
  useEffect(() => {
    if (lastPending.current !== pending) commits.reload()
    lastPending.current = pending
  }, [pending, commits])
  const block = status?.block ?? null
  const list = commits.data ?? []
  return (
    <Card withBorder data-testid="commits-card">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Weight commits</Title>
        <Badge variant="light" data-testid="commits-pending">
          {pending} pending
        </Badge>
      </Group>
      {commits.error && (
        <Text size="sm" c="red">
          {commits.error}
        </Text>
      )}
      {!commits.error && list.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="commits-empty">
          No weight commits on this network. A validator on a commit-reveal subnet commits its weights here, and TaoDesk reveals each one when its reveal window opens.
        </Text>
      )}
      {list.length > 0 && (
        <Table fz="sm" striped withRowBorders={false}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Subnet</Table.Th>
              <Table.Th>Hotkey</Table.Th>
              <Table.Th>Committed</Table.Th>
              <Table.Th>Reveal window</Table.Th>
              <Table.Th>Reveal</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((c) => {
              const t = commitTiming(c, block, blockTimeMs)
              return (
                <Table.Tr key={c.id} data-testid="commit-row" data-status={c.status} style={{ fontVariantNumeric: 'tabular-nums' }}>
                  <Table.Td>SN{c.netuid}</Table.Td>
                  <Table.Td title={c.hotkey}>
                    {c.hotkey.slice(0, 6)}…{c.hotkey.slice(-4)}
                  </Table.Td>
                  <Table.Td>#{c.commitBlock.toLocaleString()}</Table.Td>
                  <Table.Td>
                    #{c.revealFrom.toLocaleString()}–#{c.revealUntil.toLocaleString()}
                  </Table.Td>
                  <Table.Td data-testid="commit-when">
                    {c.status === 'pending' ? (
                      <Text size="sm" c={t.phase === 'late' ? 'orange' : undefined}>
                        {t.text}
                      </Text>
                    ) : (
                      <Tooltip label={c.error ?? ''} disabled={!c.error}>
                        <Badge color={STATUS_COLOR[c.status]} variant="light">
                          {c.status}
                        </Badge>
                      </Tooltip>
                    )}
                  </Table.Td>
                </Table.Tr>
              )
            })}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  )
}
