import '@mantine/charts/styles.css'
import { LineChart } from '@mantine/charts'
import { Alert, Badge, Button, Card, Drawer, Group, Progress, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconPlayerPlay, IconPlayerStop, IconRefresh } from '@tabler/icons-react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useMemo, useRef, useState } from 'react'
import type { LeaderboardEntry, ValidatorRound, ValidatorStatus } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { nextSort, sortLeaderboard } from './leaderboard-sort'
import type { SortKey, SortState } from './leaderboard-sort'

const ROW_HEIGHT = 34
const PHASE_LABEL: Record<ValidatorStatus['phase'], string> = {
  idle: 'Idle',
  metagraph: 'Reading the metagraph',
  data: 'Building evaluation data',
  querying: 'Querying miners',
  scoring: 'Scoring',
  weights: 'Setting weights',
  waiting: 'Waiting for the next round',
}

const COLUMNS: ReadonlyArray<{ key: SortKey; label: string; width: number; title: string }> = [
  { key: 'uid', label: 'UID', width: 60, title: 'Neuron uid' },
  { key: 'movingAverage', label: 'Moving avg', width: 100, title: 'Moving average of rewards (α 0.2): what weights are made from' },
  { key: 'lastScore', label: 'Score', width: 80, title: 'Latest score: min(100, 1/InfoNCE loss)' },
  { key: 'avgScore', label: 'Avg score', width: 90, title: 'Average score over recent rounds' },
  { key: 'avgTop1', label: 'Top-1', width: 70, title: 'Average top-1 recall (reported only)' },
  { key: 'avgLatencyS', label: 'Latency', width: 80, title: 'Average latency of successful answers' },
  { key: 'availability', label: 'Avail.', width: 70, title: 'Share of queries answered with a valid embedding' },
  { key: 'weight', label: 'Weight', width: 80, title: 'Our current normalized weight' },
  { key: 'consensus', label: 'Consensus', width: 90, title: "The chain's consensus for this uid" },
  { key: 'lastSeen', label: 'Last seen', width: 190, title: 'Last successful answer' },
]

const fmt = (x: number | null, digits = 3): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits))
const pct = (x: number): string => `${Math.round(x * 100)}%`
const when = (t: number | null): string => (t === null ? 'never' : new Date(t).toLocaleString())

function cell(r: LeaderboardEntry, key: SortKey): string {
  switch (key) {
    case 'uid':
      return String(r.uid)
    case 'avgTop1':
    case 'availability':
      return pct(r[key])
    case 'avgLatencyS':
      return r.avgLatencyS === null ? '–' : `${r.avgLatencyS.toFixed(2)} s`
    case 'lastSeen':
      return when(r.lastSeen)
    case 'consensus':
      return fmt(r.consensus)
    case 'weight':
      return fmt(r.weight, 4)
    default:
      return fmt(r[key])
  }
}

function Leaderboard({ rows, onSelect }: { rows: readonly LeaderboardEntry[]; onSelect: (uid: number) => void }) {
  const [sort, setSort] = useState<SortState>({ key: 'movingAverage', desc: true })
  const sorted = useMemo(() => sortLeaderboard(rows, sort), [rows, sort])
  const parent = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({ count: sorted.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 })
  const rowStyle = { display: 'flex', alignItems: 'center', gap: 8, padding: '0 10px', whiteSpace: 'nowrap' as const }
  return (
    <Card withBorder padding={0}>
      <div role="row" style={{ ...rowStyle, height: ROW_HEIGHT, fontWeight: 600, fontSize: 13, borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        {COLUMNS.map((c) => (
          <Tooltip key={c.key} label={c.title} openDelay={400}>
            <button
              type="button"
              data-testid={`sort-${c.key}`}
              onClick={() => setSort((s) => nextSort(s, c.key))}
              style={{ width: c.width, flexShrink: 0, textAlign: 'left', background: 'none', border: 0, padding: 0, cursor: 'pointer', font: 'inherit', color: 'inherit' }}
            >
              {c.label}
              {sort.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
            </button>
          </Tooltip>
        ))}
        <span>Hotkey / last status</span>
      </div>
      <div ref={parent} data-testid="leaderboard" style={{ height: Math.min(480, Math.max(ROW_HEIGHT * 3, sorted.length * ROW_HEIGHT)), overflow: 'auto', fontSize: 13 }}>
        {sorted.length === 0 && (
          <Text c="dimmed" p="md" size="sm">
            No miner has been queried yet. Run a round to fill the leaderboard.
          </Text>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const r = sorted[item.index]
            const bad = r.lastStatus !== 200 || r.availability < 1
            return (
              <div
                key={r.uid}
                role="row"
                data-testid="leaderboard-row"
                onClick={() => onSelect(r.uid)}
                style={{
                  ...rowStyle,
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                  cursor: 'pointer',
                  borderBottom: '1px solid var(--mantine-color-default-border)',
                }}
              >
                {COLUMNS.map((c) => (
                  <span key={c.key} style={{ width: c.width, flexShrink: 0, fontVariantNumeric: 'tabular-nums' }}>
                    {cell(r, c.key)}
                  </span>
                ))}
                <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', color: bad ? 'var(--mantine-color-red-text)' : 'var(--mantine-color-dimmed)' }}>
                  {r.hotkey.slice(0, 10)}… {bad ? `[${r.lastStatus}] ${r.lastMessage}` : ''}
                </span>
              </div>
            )
          })}
        </div>
      </div>
    </Card>
  )
}

function MinerDrawer({ uid, onClose }: { uid: number | null; onClose: () => void }) {
  const history = useEngineQuery('validator.miner', { uid: uid ?? 0, limit: 200 }, String(uid))
  const data = (uid === null ? [] : (history.data ?? [])).map((r) => ({
    round: `#${r.roundId}`,
    score: Number(r.score.toFixed(4)),
    'top-1': Number(r.top1.toFixed(3)),
    'latency (s)': Number(r.latencyS.toFixed(3)),
    'moving avg': Number(r.movingAverage.toFixed(4)),
  }))
  const last = history.data?.[history.data.length - 1]
  return (
    <Drawer opened={uid !== null} onClose={onClose} position="right" size="xl" title={`Miner uid ${uid ?? ''}`}>
      {history.error && <Alert color="red">{history.error}</Alert>}
      {data.length === 0 ? (
        <Text c="dimmed">No results for this miner yet.</Text>
      ) : (
        <Stack>
          {last && (
            <Text size="sm">
              Last answer: HTTP {last.status}, {last.message}
              {last.invalidReason ? ` (${last.invalidReason})` : ''}
            </Text>
          )}
          <Text fw={500}>Score and top-1 recall</Text>
          <LineChart h={200} data={data} dataKey="round" series={[{ name: 'score', color: 'blue.6' }, { name: 'top-1', color: 'teal.6' }]} />
          <Text fw={500}>Moving average (what weights are made from)</Text>
          <LineChart h={160} data={data} dataKey="round" series={[{ name: 'moving avg', color: 'grape.6' }]} />
          <Text fw={500}>Latency</Text>
          <LineChart h={160} data={data} dataKey="round" unit=" s" series={[{ name: 'latency (s)', color: 'orange.6' }]} />
        </Stack>
      )}
    </Drawer>
  )
}

export function ValidatorPage() {
  const engine = useEngine()
  const initial = useEngineQuery('validator.status', {})
  const [live, setLive] = useState<ValidatorStatus>()
  const [generation, setGeneration] = useState(0)
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState<string>()
  const [selected, setSelected] = useState<number | null>(null)
  useEngineEvent('validator.status', setLive)
  useEngineEvent('validator.round', (_r: ValidatorRound) => setGeneration((g) => g + 1))
  const status = live ?? initial.data
  const board = useEngineQuery('validator.leaderboard', { window: 50 }, String(generation))
  const rounds = useEngineQuery('validator.rounds', { limit: 10 }, String(generation))
  const weights = useEngineQuery('validator.weights', { limit: 10 }, String(generation))

  const act = async (what: 'start' | 'stop' | 'round') => {
    setBusy(true)
    setActionError(undefined)
    try {
      if (what === 'start') setLive(await engine.call('validator.start', {}))
      else if (what === 'stop') setLive(await engine.call('validator.stop', {}))
      else await engine.call('validator.runRound', {})
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
      setGeneration((g) => g + 1)
    }
  }

  const rho = status?.consensusCorrelation ?? null
  return (
    <Stack>
      <PageHeader
        title="Validator"
        description="Query miners with the subnet's own evaluation, score them with InfoNCE as the reference validator does, and set weights."
        actions={
          <>
            {status?.running ? (
              <Button color="red" leftSection={<IconPlayerStop size={16} />} loading={busy} onClick={() => void act('stop')} data-testid="validator-stop">
                Stop
              </Button>
            ) : (
              <>
                <Button variant="default" leftSection={<IconRefresh size={16} />} loading={busy} onClick={() => void act('round')} data-testid="validator-round">
                  Run one round
                </Button>
                <Button leftSection={<IconPlayerPlay size={16} />} loading={busy} onClick={() => void act('start')} data-testid="validator-start">
                  Start
                </Button>
              </>
            )}
          </>
        }
      />
      {actionError && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} withCloseButton onClose={() => setActionError(undefined)}>
          {actionError}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Round
          </Text>
          <Group gap="xs">
            <Badge color={status?.running ? 'green' : 'gray'} data-testid="validator-state">
              {status?.running ? 'running' : 'stopped'}
            </Badge>
            <Text size="sm">{status ? PHASE_LABEL[status.phase] : '…'}</Text>
          </Group>
          <Progress mt="xs" value={(status?.progress ?? 0) * 100} animated={status?.phase !== 'idle'} />
          <Text size="xs" c="dimmed" mt={4} data-testid="validator-detail">
            {status?.detail ?? ''}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Rounds completed
          </Text>
          <Text size="xl" fw={700}>
            {status?.roundsCompleted ?? 0}
          </Text>
        </Card>
        <Card withBorder>
          <Tooltip label="Spearman rank correlation between our weights and the chain's consensus: an early estimate of validator trust." multiline w={260}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Consensus agreement
            </Text>
          </Tooltip>
          <Text size="xl" fw={700} c={rho === null ? undefined : rho > 0.7 ? 'green' : rho > 0.3 ? 'yellow' : 'red'} data-testid="validator-consensus">
            {rho === null ? '–' : rho.toFixed(2)}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Last weights
          </Text>
          <Text size="sm" data-testid="validator-last-weights">
            {status?.lastWeights ? `${status.lastWeights.kind} · ${status.lastWeights.status}` : 'none yet'}
          </Text>
          {status?.lastWeights && (
            <Text size="xs" c="dimmed" lineClamp={3}>
              {status.lastWeights.message}
            </Text>
          )}
        </Card>
      </SimpleGrid>
      {status?.lastError && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The last round failed">
          {status.lastError}
        </Alert>
      )}
      {status?.hotkey && (
        <Text size="xs" c="dimmed">
          Hotkey {status.hotkey}. {status.hotkeyNote}
        </Text>
      )}
      <Text fw={600}>Leaderboard</Text>
      {board.error && <Alert color="red">{board.error}</Alert>}
      <Leaderboard rows={board.data ?? []} onSelect={setSelected} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Text fw={600} mb="xs">
            Recent rounds and their data
          </Text>
          <Table fz="xs" data-testid="validator-rounds">
            <Table.Tbody>
              {(rounds.data ?? []).map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>#{r.id}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge size="xs" color={r.status === 'done' ? 'green' : r.status === 'failed' ? 'red' : 'blue'}>
                      {r.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {r.status === 'failed'
                      ? r.error
                      : `${r.answered}/${r.queried} answered · ${r.pairs} pairs · ${r.description} · ${r.questionMaker}${typeof r.burn.reason === 'string' ? ` · ${r.burn.reason}` : ''}`}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder>
          <Text fw={600} mb="xs">
            Weight setting history
          </Text>
          <Table fz="xs" data-testid="validator-weights">
            <Table.Tbody>
              {(weights.data ?? []).map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td>{new Date(w.time).toLocaleString()}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge size="xs" color={w.status === 'ok' ? 'green' : w.status === 'failed' ? 'red' : 'gray'}>
                      {w.kind}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {w.message}
                    {w.spearman !== null ? ` (ρ ${w.spearman.toFixed(2)})` : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
      <MinerDrawer uid={selected} onClose={() => setSelected(null)} />
    </Stack>
  )
}
