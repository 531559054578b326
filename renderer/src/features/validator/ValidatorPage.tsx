import { Alert, Badge, Button, Card, Group, Progress, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconPlayerPlay, IconPlayerStop, IconRefresh, IconSettings } from '@tabler/icons-react'
import { useState } from 'react'
import type { ValidatorRound, ValidatorStatus } from '../../../../native/contract'
import { useEngine, useEngineEvent, useNetwork } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { Term } from '../../ui/Term'
import { ValidatorNeeds } from './ValidatorNeeds'
import { networkName } from '../../ui/network-name'
import { PageHeader } from '../../ui/PageHeader'
import { Leaderboard } from './Leaderboard'
import { MinerDrawer } from './MinerDrawer'
import { RoundsCard, WeightsCard } from './RoundHistory'
import { ValidatorSettings } from './ValidatorSettings'
import { useChainStatus } from '../subnet/NetworkPicker'
import { ProtocolConfirmation, SubnetIdentityView, confirmationMatches } from '../subnet/SubnetIdentity'
import { ago, dataSourceLabel, offersBuiltinData, roundData, weightLabel } from './validator-format'

const PHASE_LABEL: Record<ValidatorStatus['phase'], string> = {
  idle: 'Idle',
  metagraph: 'Reading the metagraph',
  data: 'Building evaluation data',
  querying: 'Querying miners',
  scoring: 'Scoring',
  weights: 'Setting weights',
  waiting: 'Waiting for the next round',
}

function CardTitle({ children }: { children: string }) {
  return (
    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
      {children}
    </Text>
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
  const [typed, setTyped] = useState('')
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
      if (what === 'start') setLive(await engine.call('validator.start', { force: needsConfirmation && confirmed ? true : undefined }))
      else if (what === 'stop') setLive(await engine.call('validator.stop', {}))
      else await engine.call('validator.runRound', {})
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
      setGeneration((g) => g + 1)
    }
  }

  const switchToBuiltinData = async () => {
    try {
      await engine.call('validator.config.update', { dataSource: 'builtin' })
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e))
      return
    }
    await act('round')
  }

  const rho = status?.consensusCorrelation ?? null
  const lastRound = rounds.data?.[0]
  // Rounds run on the network of their time: after a switch in the header, the board is the old chain's until a new round.
  const network = useNetwork()
  const boardOld = engine.networkChangedAt !== null && !!lastRound && lastRound.startedAt < engine.networkChangedAt && (board.data?.length ?? 0) > 0
  const lastWeights = status?.lastWeights ?? null
  const config = useEngineQuery('validator.config.get', {}, String(generation))
  // The subnet it validates, as its identity says (a targets file has none to check).
  const chain = useChainStatus()
  const onChain = config.data?.metagraph === 'chain'
  const subnetKey = `${chain?.network ?? ''}|${chain?.state === 'connected' ? 'up' : 'down'}|${config.data?.netuid ?? ''}`
  const subnet = useEngineQuery('chain.subnet', { netuid: config.data?.netuid ?? 0 }, subnetKey)
  const identified = onChain && subnet.data && subnet.data.netuid === config.data?.netuid ? subnet.data : undefined
  const needsConfirmation = !!identified && identified.protocol.verdict !== 'speaks'
  const confirmed = !needsConfirmation || confirmationMatches(typed, identified.netuid, identified.identity)
  const [settingsOpen, setSettingsOpen] = useState(false)
  const entry = selected === null ? undefined : board.data?.find((b) => b.uid === selected)
  const source = config.data
    ? `${config.data.metagraph === 'file' ? 'miners from a targets file' : `subnet ${config.data.netuid} metagraph`} · ${dataSourceLabel(config.data.dataSource, network === 'devnet')} · ${config.data.llmBaseUrl ? `questions by ${config.data.llmModel}` : 'offline questions'} · ${config.data.sampleSize} miners per round`
    : ''
  return (
    <Stack>
      <PageHeader
        title="Validator"
        description={
          <>
            Query miners with the subnet's own evaluation, score them with <Term word="infonce" /> as the reference validator does, and set <Term word="weights" />.
          </>
        }
        actions={
          <>
            <Button variant="default" leftSection={<IconSettings size={16} />} onClick={() => setSettingsOpen(true)} data-testid="validator-settings-open">
              Settings
            </Button>
            {status?.running ? (
              <Button color="red" leftSection={<IconPlayerStop size={16} />} loading={busy} onClick={() => void act('stop')} data-testid="validator-stop">
                Stop
              </Button>
            ) : (
              <>
                <Button variant="default" leftSection={<IconRefresh size={16} />} loading={busy} onClick={() => void act('round')} data-testid="validator-round">
                  Run one round
                </Button>
                <Button leftSection={<IconPlayerPlay size={16} />} loading={busy} disabled={!confirmed} onClick={() => void act('start')} data-testid="validator-start">
                  Start
                </Button>
              </>
            )}
          </>
        }
      />
      {source && (
        <Text size="sm" c="dimmed" mt={-8} data-testid="validator-setup">
          {source}
        </Text>
      )}
      {identified && (
        <Card withBorder data-testid="validator-subnet">
          <Stack gap="xs">
            <SubnetIdentityView netuid={identified.netuid} identity={identified.identity} protocol={identified.protocol} />
            {!status?.running && <ProtocolConfirmation netuid={identified.netuid} identity={identified.identity} protocol={identified.protocol} action="validating" typed={typed} onTyped={setTyped} />}
          </Stack>
        </Card>
      )}
      {!status?.running && config.data && <ValidatorNeeds config={config.data} networkKey={subnetKey} onChanged={() => setGeneration((g) => g + 1)} />}
      {/* A failed round is shown once, below, as "The last round failed". */}
      {actionError && !(status?.lastError && actionError.includes(status.lastError)) && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} withCloseButton onClose={() => setActionError(undefined)} data-testid="validator-action-error">
          {actionError}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Card withBorder>
          <CardTitle>Round</CardTitle>
          <Group gap="xs">
            <Badge color={status?.running ? 'green' : 'gray'} data-testid="validator-state">
              {status?.running ? 'running' : 'stopped'}
            </Badge>
            <Text size="sm">
              {status ? PHASE_LABEL[status.phase] : '…'}
              {status?.currentRoundId ? ` · #${status.currentRoundId}` : ''}
            </Text>
          </Group>
          <Progress mt="xs" value={(status?.progress ?? 0) * 100} animated={!!status && status.phase !== 'idle' && status.phase !== 'waiting'} />
          <Text size="xs" c="dimmed" mt={4} lineClamp={2} title={status?.detail} data-testid="validator-detail">
            {status?.detail ?? ''}
          </Text>
        </Card>
        <Card withBorder>
          <CardTitle>Last round</CardTitle>
          {lastRound ? (
            <>
              <Group gap="xs">
                <Text size="xl" fw={700}>
                  #{lastRound.id}
                </Text>
                <Badge size="sm" variant="light" color={lastRound.status === 'done' ? 'green' : lastRound.status === 'failed' ? 'red' : 'blue'}>
                  {lastRound.status}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed" data-testid="validator-last-round">
                {ago(lastRound.finishedAt ?? lastRound.startedAt)}
                {lastRound.status === 'done' ? ` · ${lastRound.answered}/${lastRound.queried} answered · ${roundData(lastRound).label}` : ''} · {status?.roundsCompleted ?? 0} this session
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              No round yet
            </Text>
          )}
        </Card>
        <Card withBorder>
          <Tooltip label="Spearman rank correlation between our weights and the chain's consensus: an early estimate of validator trust." multiline w={260}>
            <div>
              <CardTitle>Consensus agreement</CardTitle>
            </div>
          </Tooltip>
          <Text size="xl" fw={700} c={rho === null ? undefined : rho > 0.7 ? 'green' : rho > 0.3 ? 'yellow' : 'red'} data-testid="validator-consensus">
            {rho === null ? '–' : rho.toFixed(2)}
          </Text>
          <Text size="xs" c="dimmed">
            {rho === null ? "Known after a round reads the chain's consensus" : rho > 0.7 ? 'Our ranking matches the subnet' : rho > 0.3 ? 'Partly matches the subnet' : 'Differs from the subnet: low trust likely'}
          </Text>
        </Card>
        <Card withBorder>
          <CardTitle>Last weights</CardTitle>
          {lastWeights ? (
            <>
              <Group gap="xs">
                <Badge size="sm" variant="light" color={weightLabel(lastWeights).color} data-testid="validator-last-weights">
                  {weightLabel(lastWeights).kind}
                </Badge>
                <Text size="xs" c="dimmed">
                  {ago(lastWeights.time)}
                  {lastWeights.block !== null ? ` · block ${lastWeights.block.toLocaleString()}` : ''}
                </Text>
              </Group>
              <Text size="xs" c="dimmed" lineClamp={2} mt={4} title={lastWeights.message}>
                {lastWeights.message}
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed" data-testid="validator-last-weights">
              none yet
            </Text>
          )}
        </Card>
      </SimpleGrid>
      {status?.lastError && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The last round failed" data-testid="validator-last-error">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{status.lastError}</Text>
            {config.data && offersBuiltinData(status.lastError, config.data.dataSource) && (
              <Button size="xs" variant="light" loading={busy} onClick={() => void switchToBuiltinData()} data-testid="validator-use-builtin">
                Use the built-in articles (offline) and run a round
              </Button>
            )}
          </Stack>
        </Alert>
      )}
      {status?.hotkey && (
        <Text size="xs" c="dimmed">
          Hotkey {status.hotkey}. {status.hotkeyNote}
        </Text>
      )}
      <Group gap="xs">
        <Text fw={600}>Leaderboard</Text>
        {boardOld && network && (
          <Badge color="orange" variant="light" data-testid="leaderboard-old">
            Old: from rounds before the switch to {networkName(network)}
          </Badge>
        )}
      </Group>
      {board.error && <Alert color="red">{board.error}</Alert>}
      <Leaderboard rows={board.data ?? []} selected={selected} onSelect={setSelected} />
      <SimpleGrid cols={{ base: 1, xl: 2 }}>
        <RoundsCard rounds={rounds.data ?? []} />
        <WeightsCard weights={weights.data ?? []} />
      </SimpleGrid>
      <MinerDrawer uid={selected} entry={entry} generation={generation} onClose={() => setSelected(null)} />
      <ValidatorSettings opened={settingsOpen} onClose={() => setSettingsOpen(false)} onSaved={() => setGeneration((g) => g + 1)} />
    </Stack>
  )
}
