import '@mantine/charts/styles.css'
import { LineChart } from '@mantine/charts'
import { ActionIcon, Alert, Badge, CopyButton, Drawer, Group, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconCheck, IconCopy } from '@tabler/icons-react'
import type { LeaderboardEntry } from '../../../../native/contract'
import { useEngineQuery } from '../../engine/use-engine-query'
import { ago, answerStatus } from './validator-format'
import { Stat } from '../../ui/Stat'

/** One miner over recent rounds: figures, charts, and its last answers with their messages. */
export function MinerDrawer({ uid, entry, generation, onClose }: { uid: number | null; entry: LeaderboardEntry | undefined; generation: number; onClose: () => void }) {
  const history = useEngineQuery('validator.miner', { uid: uid ?? 0, limit: 200 }, `${uid}:${generation}`)
  const results = uid === null ? [] : (history.data ?? [])
  const data = results.map((r) => ({
    round: `#${r.roundId}`,
    score: Number(r.score.toFixed(4)),
    'top-1': Math.round(r.top1 * 100),
    'top-3': Math.round(r.top3 * 100),
    // Failed queries are left out (a 60 s time-out would flatten every real latency); see Last answers.
    latency: r.status === 200 ? Number(r.latencyS.toFixed(3)) : null,
    'moving avg': Number(r.movingAverage.toFixed(4)),
  }))
  const answered = results.filter((r) => r.status === 200)
  return (
    <Drawer opened={uid !== null} onClose={onClose} position="right" size="xl" title={<Text fw={700}>Miner uid {uid ?? ''}</Text>} data-testid="miner-drawer">
      {history.error && <Alert color="red">{history.error}</Alert>}
      {entry && (
        <Group gap={6} mb="md" wrap="nowrap">
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="miner-hotkey">
            {entry.hotkey}
          </Text>
          <CopyButton value={entry.hotkey}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy hotkey'}>
                <ActionIcon variant="subtle" size="sm" onClick={copy} aria-label="Copy hotkey">
                  {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      )}
      {entry && (
        <SimpleGrid cols={4} mb="md">
          <Stat size="md" label="Moving avg" value={entry.movingAverage.toFixed(3)} testId="miner-moving-average" />
          <Stat size="md" label="Avg score" value={entry.avgScore.toFixed(3)} />
          <Stat size="md" label="Availability" value={`${Math.round(entry.availability * 100)}% of ${entry.queries}`} />
          <Stat size="md" label="Avg latency" value={entry.avgLatencyS === null ? '–' : `${entry.avgLatencyS.toFixed(2)} s`} />
        </SimpleGrid>
      )}
      {data.length === 0 ? (
        <Text c="dimmed">{history.loading ? 'Loading…' : 'No results for this miner yet.'}</Text>
      ) : (
        <Stack gap="xs">
          <Text fw={600}>Score per round</Text>
          <LineChart curveType="linear" h={170} data={data} dataKey="round" withDots={data.length <= 60} series={[{ name: 'score', color: 'blue.6' }]} />
          <Text fw={600}>Recall (reported, not rewarded)</Text>
          <LineChart curveType="linear" h={150} data={data} dataKey="round" unit="%" yAxisProps={{ domain: [0, 100] }} withDots={data.length <= 60} series={[{ name: 'top-1', color: 'teal.6' }, { name: 'top-3', color: 'cyan.4' }]} withLegend />
          <Text fw={600}>Moving average (what weights are made from)</Text>
          <LineChart curveType="linear" h={150} data={data} dataKey="round" withDots={data.length <= 60} series={[{ name: 'moving avg', color: 'grape.6' }]} />
          <Text fw={600}>
            Latency of answered queries
            {answered.length < results.length ? ` (${results.length - answered.length} failed ${results.length - answered.length === 1 ? 'query' : 'queries'} not shown)` : ''}
          </Text>
          <LineChart curveType="linear" h={150} data={data} dataKey="round" unit=" s" connectNulls={false} withDots={data.length <= 60} series={[{ name: 'latency', color: 'orange.6' }]} />
          <Text fw={600} mt="sm">
            Last answers
          </Text>
          <Table fz="xs" data-testid="miner-answers">
            <Table.Tbody>
              {[...results]
                .reverse()
                .slice(0, 8)
                .map((r) => {
                  const st = answerStatus(r.status, r.message)
                  return (
                    <Table.Tr key={r.roundId}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>#{r.roundId}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }} title={new Date(r.time).toLocaleString()}>
                        {ago(r.time)}
                      </Table.Td>
                      <Table.Td style={{ minWidth: 96 }}>
                        <Badge size="sm" variant="light" color={st.color} style={{ overflow: 'visible' }}>
                          {st.label}
                        </Badge>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>score {r.score.toFixed(3)}</Table.Td>
                      <Table.Td>{r.status === 200 && !r.invalidReason ? `top-1 ${Math.round(r.top1 * 100)}% · ${r.latencyS.toFixed(2)} s` : st.detail}</Table.Td>
                    </Table.Tr>
                  )
                })}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Drawer>
  )
}
