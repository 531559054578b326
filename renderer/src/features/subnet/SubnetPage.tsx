import { Alert, Badge, Button, Card, Group, NumberInput, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconRefresh, IconSearch } from '@tabler/icons-react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import type { Hyperparameters, MetagraphResult, Neuron, SubnetOverview } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { CommitsCard } from './CommitsCard'
import { CreateSubnetCard } from './CreateSubnetCard'
import { GLOSSARY } from '../../ui/glossary'
import { Term } from '../../ui/Term'
import { PageHeader } from '../../ui/PageHeader'
import { filterAndSortNeurons, nextNeuronSort, raoToTao } from './metagraph-table'
import type { NeuronSort, NeuronSortKey } from './metagraph-table'
import { useChainStatus } from './NetworkPicker'
import { PracticeCard } from './PracticeCard'
import { RegisterCard } from './RegisterCard'
import { REAL_BLOCK_TIME_MS } from './subnet-format'
import { SubnetList } from './SubnetList'
import { SubnetIdentityView } from './SubnetIdentity'
import { useChosenSubnet } from './use-chosen-subnet'
import { Stat } from '../../ui/Stat'

const ROW_HEIGHT = 34
const REFRESH_BLOCKS = 5

const COLUMNS: ReadonlyArray<{ key: NeuronSortKey; label: string; width: number; title: string }> = [
  { key: 'uid', label: 'UID', width: 56, title: GLOSSARY.uid },
  { key: 'stake', label: 'Stake', width: 96, title: 'Alpha stake on this subnet' },
  { key: 'incentive', label: 'Incentive', width: 84, title: `${GLOSSARY.incentive} Shown 0–1.` },
  { key: 'dividends', label: 'Dividends', width: 84, title: 'Share of validator emission (0–1)' },
  { key: 'emission', label: 'Emission', width: 92, title: `Alpha earned per epoch. ${GLOSSARY.alpha}` },
  { key: 'consensus', label: 'Consensus', width: 84, title: `${GLOSSARY.consensus} Shown 0–1.` },
  { key: 'validatorTrust', label: 'VTrust', width: 70, title: `${GLOSSARY.vtrust} Shown 0–1.` },
  { key: 'validatorPermit', label: 'Permit', width: 60, title: 'Holds a validator permit' },
  { key: 'lastUpdate', label: 'Updated', width: 80, title: 'Block of the last weights or registration' },
  { key: 'axon', label: 'Axon', width: 150, title: 'Served IP:port (miners)' },
  { key: 'hotkey', label: 'Hotkey', width: 150, title: 'Hotkey address' },
]

const f = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : '–')

function cell(n: Neuron, key: NeuronSortKey): string {
  switch (key) {
    case 'uid':
      return String(n.uid)
    case 'stake':
      return n.stake.toLocaleString(undefined, { maximumFractionDigits: 2 })
    case 'emission':
      return f(n.emission, 5)
    case 'validatorPermit':
      return n.validatorPermit ? 'yes' : ''
    case 'lastUpdate':
      return String(n.lastUpdate)
    case 'axon':
      return n.axon.serving ? `${n.axon.ip}:${n.axon.port}` : '—'
    case 'hotkey':
      return `${n.hotkey.slice(0, 6)}…${n.hotkey.slice(-4)}`
    default:
      return f(n[key])
  }
}

export function MetagraphTable({ neurons }: { neurons: readonly Neuron[] }) {
  const [sort, setSort] = useState<NeuronSort>({ key: 'stake', desc: true })
  const [query, setQuery] = useState('')
  const rows = useMemo(() => filterAndSortNeurons(neurons, query, sort), [neurons, query, sort])
  const parent = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 })
  const rowStyle = { display: 'flex', alignItems: 'center', gap: 8, padding: '0 10px', whiteSpace: 'nowrap' as const }
  return (
    <Card withBorder padding={0}>
      <Group p="sm" justify="space-between">
        <Title order={4}>Metagraph</Title>
        <Group gap="xs">
          <Text size="xs" c="dimmed" data-testid="metagraph-count">
            {rows.length === neurons.length ? `${neurons.length} neurons` : `${rows.length} of ${neurons.length} neurons`}
          </Text>
          <TextInput
            size="xs"
            w={260}
            leftSection={<IconSearch size={14} />}
            placeholder="uid, hotkey, coldkey or IP"
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            data-testid="metagraph-search"
            aria-label="Search the metagraph"
          />
        </Group>
      </Group>
      <div style={{ overflowX: 'auto' }}>
        <div style={{ minWidth: COLUMNS.reduce((a, c) => a + c.width + 8, 20) }}>
          <div role="row" style={{ ...rowStyle, height: ROW_HEIGHT, fontWeight: 600, fontSize: 13, borderBottom: '1px solid var(--mantine-color-default-border)', borderTop: '1px solid var(--mantine-color-default-border)' }}>
            {COLUMNS.map((c) => (
              <Tooltip key={c.key} label={c.title} openDelay={400}>
                <button
                  type="button"
                  role="columnheader"
                  aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                  data-testid={`mg-sort-${c.key}`}
                  onClick={() => setSort((s) => nextNeuronSort(s, c.key))}
                  style={{ width: c.width, flexShrink: 0, textAlign: 'left', background: 'none', border: 0, padding: 0, cursor: 'pointer', font: 'inherit', color: 'inherit' }}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
                </button>
              </Tooltip>
            ))}
          </div>
          <div ref={parent} data-testid="metagraph" style={{ height: Math.min(520, Math.max(ROW_HEIGHT * 3, rows.length * ROW_HEIGHT)), overflowY: 'auto', fontSize: 13 }}>
            {rows.length === 0 && (
              <Text c="dimmed" p="md" size="sm">
                {neurons.length === 0 ? 'No neuron is registered on this subnet yet.' : 'No neuron matches the search.'}
              </Text>
            )}
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const n = rows[item.index]!
                return (
                  <div
                    key={n.uid}
                    role="row"
                    data-testid="metagraph-row"
                    data-uid={n.uid}
                    title={`hotkey ${n.hotkey}\ncoldkey ${n.coldkey}${n.registrationBlock !== null ? `\nregistered at block ${n.registrationBlock}` : ''}${n.immune ? ' (immune)' : ''}`}
                    style={{ ...rowStyle, position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)`, borderBottom: '1px solid var(--mantine-color-default-border)' }}
                  >
                    {COLUMNS.map((c) => (
                      <span key={c.key} data-col={c.key} style={{ width: c.width, flexShrink: 0, overflow: 'hidden', textOverflow: 'ellipsis', fontVariantNumeric: 'tabular-nums' }}>
                        {cell(n, c.key)}
                        {c.key === 'uid' && n.immune ? ' •' : ''}
                      </span>
                    ))}
                  </div>
                )
              })}
            </div>
          </div>
        </div>
      </div>
      <Text size="xs" c="dimmed" p="xs">
        • immune (recently registered). Hover a row for full keys.
      </Text>
    </Card>
  )
}

function HyperparameterTable({ hp }: { hp: Hyperparameters }) {
  const rows: Array<[ReactNode, string]> = [
    [<Term key="t" word="tempo">Tempo (blocks per epoch)</Term>, String(hp.tempo)],
    ['Weights rate limit', `${hp.weightsRateLimit} blocks`],
    ['Commit-reveal', hp.commitRevealEnabled ? `on (v${hp.commitRevealVersion ?? 2}, reveal after ${hp.revealPeriodEpochs} epoch${hp.revealPeriodEpochs === 1 ? '' : 's'})` : 'off'],
    ['Weights version key', String(hp.weightsVersionKey)],
    ['Min allowed weights', String(hp.minAllowedWeights)],
    ['Max neurons / validators', `${hp.maxAllowedUids} / ${hp.maxAllowedValidators}`],
    ['Immunity period', `${hp.immunityPeriod} blocks`],
    ['Activity cutoff', `${hp.activityCutoff} blocks`],
    [<Term key="k" word="kappa">Kappa (consensus threshold)</Term>, (hp.kappa / 65535).toFixed(3)],
    ['Bonds moving average', (hp.bondsMovingAverage / 1_000_000).toFixed(3)],
    ['Serving rate limit', `${hp.servingRateLimit} blocks`],
    ['Registration', hp.registrationAllowed ? `open (min ${raoToTao(hp.minBurn)}, max ${raoToTao(hp.maxBurn)} TAO)` : 'closed'],
    ['Yuma 3 / liquid alpha', `${hp.yuma3 === null ? '?' : hp.yuma3 ? 'on' : 'off'} / ${hp.liquidAlpha === null ? '?' : hp.liquidAlpha ? 'on' : 'off'}`],
  ]
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Hyperparameters
      </Title>
      <Table striped withRowBorders={false} fz="sm" data-testid="hyperparameters">
        <Table.Tbody>
          {rows.map(([k, v], i) => (
            <Table.Tr key={i}>
              <Table.Td c="dimmed">{k}</Table.Td>
              <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  )
}

export function SubnetPage() {
  const engine = useEngine()
  const status = useChainStatus()
  const chosen = useChosenSubnet()
  const netuid = chosen.netuid ?? 5
  const setNetuid = chosen.choose
  const [overview, setOverview] = useState<SubnetOverview>()
  const [metagraph, setMetagraph] = useState<MetagraphResult>()
  const [error, setError] = useState<string>()
  const [loading, setLoading] = useState(false)
  const lastBlock = useRef(0)
  const generation = useRef(0)

  const load = async () => {
    const gen = ++generation.current
    setLoading(true)
    try {
      const [o, m] = await Promise.all([engine.call('chain.subnet', { netuid }), engine.call('chain.metagraph', { netuid })])
      if (gen !== generation.current) return
      setOverview(o)
      setMetagraph(m)
      setError(undefined)
      lastBlock.current = o.block
    } catch (e) {
      if (gen !== generation.current) return
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      if (gen === generation.current) setLoading(false)
    }
  }

  const network = status?.network
  const connected = status?.state === 'connected'
  useEffect(() => {
    setOverview(undefined)
    setMetagraph(undefined)
    void load()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [netuid, network, connected])

  // Follow the chain: refresh every few blocks, and right after an epoch.
  useEngineEvent('chain.status', (s) => {
    if (s.state !== 'connected' || s.block === null || !overview || loading) return
    const epochBlock = overview.block + overview.blocksUntilNextEpoch + 1
    if (s.block - lastBlock.current >= REFRESH_BLOCKS || (lastBlock.current < epochBlock && s.block >= epochBlock)) void load()
  })
  useEngineEvent('chain.tx', (p) => {
    if (p.stage === 'finalized') void load()
  })

  const networkKey = `${network ?? ''}|${connected ? 'up' : 'down'}|${status?.endpoint ?? ''}`
  const devnet = network === 'devnet'
  const practice = useEngineQuery('chain.practiceInfo', {}, networkKey)
  // On the practice network blocks come as often as it is set to (or on demand: no time estimate).
  const blockTimeMs = devnet ? (practice.data?.blockTimeMs ? practice.data.blockTimeMs : null) : REAL_BLOCK_TIME_MS

  const block = status?.block ?? overview?.block ?? null
  const untilEpoch = overview && block !== null ? Math.max(0, overview.blocksUntilNextEpoch - (block - overview.block)) : null
  // The chain's next epoch block (get_next_epoch_start_block): blocksUntilNextEpoch counts the blocks
  // strictly before it (chain/ops/subnets.ts epochTiming). A subnet with tempo 0 never runs one.
  const nextEpochAt = overview && overview.blocksUntilNextEpoch < Number.MAX_SAFE_INTEGER ? overview.block + overview.blocksUntilNextEpoch + 1 : null
  return (
    <Stack gap="md">
      <PageHeader
        title="Subnet"
        description={status ? `${status.label}${status.state === 'connected' ? '' : ` — ${status.state}`}` : 'The chain'}
        actions={
          <>
            <NumberInput
              aria-label="Subnet (netuid)"
              data-testid="netuid"
              w={110}
              size="xs"
              min={0}
              max={65535}
              value={netuid}
              leftSection={<Text size="xs">SN</Text>}
              onChange={(v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 && setNetuid(v)}
            />
            <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} loading={loading} onClick={() => void load()} data-testid="subnet-refresh">
              Refresh
            </Button>
          </>
        }
      />
      {error && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Could not read the subnet" data-testid="subnet-error">
          {error}
        </Alert>
      )}
      {overview?.stale && (
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />} data-testid="subnet-stale">
          The network cannot be reached. Showing the last known state from {new Date(overview.updatedAt).toLocaleString()}.
        </Alert>
      )}
      {overview && (
        <Card withBorder data-testid="subnet-identity-card">
          <SubnetIdentityView netuid={netuid} identity={overview.identity} protocol={overview.protocol} />
        </Card>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} style={{ alignItems: 'start' }}>
        <SubnetList netuid={netuid} onPick={setNetuid} networkKey={networkKey} />
        <Stack gap="md">
          {devnet && <PracticeCard netuid={netuid} info={practice.data} onChanged={practice.reload} />}
          <CommitsCard status={status} blockTimeMs={blockTimeMs} networkKey={networkKey} />
          <CreateSubnetCard network={status?.network ?? 'devnet'} />
        </Stack>
      </SimpleGrid>
      {overview && (
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Stat framed label="Registration price" value={`${raoToTao(overview.priceRao)} TAO`} testId="registration-price" hint="burned to register a hotkey" />
          <Stat framed label="Next epoch in" value={untilEpoch === null ? '–' : `${untilEpoch} blocks`} testId="epoch-countdown"
            hint={
              <>
                {nextEpochAt !== null && (
                  <span data-testid="next-epoch-block" data-block={nextEpochAt}>
                    at block {nextEpochAt.toLocaleString()} ·{' '}
                  </span>
                )}
                tempo {overview.hyperparameters.tempo}
              </>
            }
          />
          <Stat framed label="Neurons" value={`${overview.neurons} / ${overview.hyperparameters.maxAllowedUids}`} testId="neuron-count" />
          <Stat framed label="Block" value={block === null ? '–' : block.toLocaleString()} testId="subnet-block" hint={metagraph ? `metagraph via ${metagraph.source === 'runtime-api' ? 'runtime API' : 'storage'}` : undefined} />
        </SimpleGrid>
      )}
      {metagraph && <MetagraphTable neurons={metagraph.neurons} />}
      {overview && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <RegisterCard netuid={netuid} priceRao={overview.priceRao} network={status?.network ?? 'devnet'} registrationOpen={overview.hyperparameters.registrationAllowed} capOnChain={overview.registrationCapOnChain} identity={overview.identity} protocol={overview.protocol} />
          <HyperparameterTable hp={overview.hyperparameters} />
        </SimpleGrid>
      )}
      {!overview && !error && (
        <Text c="dimmed" size="sm">
          {loading ? 'Reading the chain…' : 'Not connected.'} <Badge variant="light">{status?.label ?? ''}</Badge>
        </Text>
      )}
    </Stack>
  )
}
