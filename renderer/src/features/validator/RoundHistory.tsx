import { Badge, Card, Group, ScrollArea, Table, Text, Tooltip } from '@mantine/core'
import type { ValidatorRound, WeightRecord } from '../../../../native/contract'
import { ago, burnSummary, roundData, weightLabel } from './validator-format'
import { collapseRepeats, roundRepeatKey, weightRepeatKey } from './repeat-groups'

const nowrap = { whiteSpace: 'nowrap' } as const
const badgeCell = { minWidth: 84 } as const

/** "×N" next to a row that stands for N identical outcomes in a row (the newest is shown). */
function RepeatCount({ count }: { count: number }) {
  if (count < 2) return null
  return (
    <Text size="xs" c="dimmed" data-testid="repeat-count" title={`${count} times in a row; the latest is shown`}>
      ×{count}
    </Text>
  )
}

/** Recent rounds: status, where the evaluation data came from, questions, answers and the burn rule. */
export function RoundsCard({ rounds }: { rounds: readonly ValidatorRound[] }) {
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Recent rounds and their data
      </Text>
      {rounds.length === 0 ? (
        <Text size="sm" c="dimmed">
          No round yet.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={460}>
          <Table fz="xs" verticalSpacing={6} data-testid="validator-rounds">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Round</Table.Th>
                <Table.Th style={badgeCell}>Status</Table.Th>
                <Table.Th>Evaluation data</Table.Th>
                <Table.Th style={nowrap}>Answered</Table.Th>
                <Table.Th>Burn</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {collapseRepeats(rounds, roundRepeatKey).map(({ item: r, count }) => {
                const d = roundData(r)
                const burn = burnSummary(r.burn)
                return (
                  <Table.Tr key={r.id} data-testid="round-row" data-round={r.id}>
                    <Table.Td style={nowrap}>
                      <Text size="xs" fw={600}>
                        #{r.id}
                      </Text>
                      <Text size="xs" c="dimmed" title={new Date(r.startedAt).toLocaleString()}>
                        {ago(r.startedAt)}
                      </Text>
                    </Table.Td>
                    <Table.Td style={badgeCell}>
                      <Badge size="sm" variant="light" color={r.status === 'done' ? 'green' : r.status === 'failed' ? 'red' : 'blue'} style={{ overflow: 'visible' }}>
                        {r.status}
                      </Badge>
                      <RepeatCount count={count} />
                    </Table.Td>
                    {r.status === 'failed' ? (
                      <Table.Td colSpan={3}>
                        <Text size="xs" c="red">
                          {r.error}
                        </Text>
                      </Table.Td>
                    ) : (
                      <>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap" align="flex-start">
                            <Badge size="xs" variant="outline" color={d.label === 'Hugging Face' ? 'yellow' : 'gray'} style={{ overflow: 'visible', flexShrink: 0 }}>
                              {d.label}
                            </Badge>
                            <Text size="xs" style={{ wordBreak: 'break-word' }}>
                              {d.detail}
                            </Text>
                          </Group>
                          <Text size="xs" c="dimmed">
                            {r.pairs} question/chunk pairs{r.droppedPairs > 0 ? ` (${r.droppedPairs} dropped)` : ''} · questions: {d.questions}
                          </Text>
                        </Table.Td>
                        <Table.Td style={nowrap}>
                          {r.answered}/{r.queried}
                        </Table.Td>
                        <Table.Td>
                          <Tooltip label={burn.detail || 'No burn information'} multiline w={300} disabled={!burn.detail}>
                            <Text size="xs" style={{ cursor: burn.detail ? 'help' : undefined }}>
                              {burn.label}
                            </Text>
                          </Tooltip>
                        </Table.Td>
                      </>
                    )}
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Card>
  )
}

/** Every weight attempt: set, commit, reveal or skipped, with the chain's answer or the reason. */
export function WeightsCard({ weights }: { weights: readonly WeightRecord[] }) {
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Weight setting history
      </Text>
      {weights.length === 0 ? (
        <Text size="sm" c="dimmed">
          No weight attempt yet. Weights are set after a round, once the subnet's rate limit and the epoch length allow it.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={460}>
          <Table fz="xs" verticalSpacing={6} data-testid="validator-weights">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th style={badgeCell}>Attempt</Table.Th>
                <Table.Th style={nowrap}>Miners</Table.Th>
                <Table.Th>Result</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {collapseRepeats(weights, weightRepeatKey).map(({ item: w, count }) => {
                const l = weightLabel(w)
                return (
                  <Table.Tr key={w.id} data-testid="weight-row" data-kind={w.kind} data-status={w.status}>
                    <Table.Td style={nowrap}>
                      <Text size="xs" title={new Date(w.time).toLocaleString()}>
                        {ago(w.time)}
                      </Text>
                      {w.block !== null && (
                        <Text size="xs" c="dimmed">
                          block {w.block.toLocaleString()}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={badgeCell}>
                      <Badge size="sm" variant="light" color={l.color} style={{ overflow: 'visible' }}>
                        {l.kind}
                      </Badge>
                      <RepeatCount count={count} />
                    </Table.Td>
                    <Table.Td style={nowrap}>{w.kind === 'skipped' ? '–' : w.uids.length}</Table.Td>
                    <Table.Td>
                      <Text size="xs" c={w.status === 'failed' ? 'red' : undefined}>
                        {w.message}
                      </Text>
                      <Text size="xs" c="dimmed">
                        version key {w.versionKey}
                        {w.commitEpoch !== null ? ` · commit epoch ${w.commitEpoch}${w.kind === 'commit' ? (w.revealed ? ' · revealed' : ' · reveal pending') : ''}` : ''}
                        {w.spearman !== null ? ` · agreement with consensus ρ ${w.spearman.toFixed(2)}` : ''}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Card>
  )
}
