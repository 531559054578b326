import { Alert, Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { IconAlertTriangle, IconCheck, IconArrowRight } from '@tabler/icons-react'
import { useState } from 'react'
import type { MinerStatus, ValidatorStatus } from '../../../../native/contract'
import { useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { Term } from '../../ui/Term'
import { guiText } from '../../ui/gui-text'
import { useChainStatus } from '../subnet/NetworkPicker'
import { useChosenSubnet } from '../subnet/use-chosen-subnet'
import { zeroRewardsReason } from '../miner/zero-rewards'
import { journeySteps, nextStep } from './journey'
import type { JourneyFacts } from './journey'

const go = (route: string) => () => {
  window.location.hash = `/${route}`
}

/** The user's work at a glance: what runs, what it earns, what needs attention, and the next step. */
export function DashboardPage() {
  const chain = useChainStatus()
  const subnet = useChosenSubnet()
  const networkKey = `${chain?.network ?? ''}|${chain?.state === 'connected' ? 'up' : 'down'}|${subnet.netuid ?? ''}`
  const wallets = useEngineQuery('wallet.list', {})
  const models = useEngineQuery('models.list', {})
  const minerInitial = useEngineQuery('miner.status', {})
  const validatorInitial = useEngineQuery('validator.status', {})
  const metagraph = useEngineQuery('chain.metagraph', { netuid: subnet.netuid ?? 0 }, networkKey)
  const [minerLive, setMiner] = useState<MinerStatus>()
  const [validatorLive, setValidator] = useState<ValidatorStatus>()
  useEngineEvent('miner.status', setMiner)
  useEngineEvent('validator.status', setValidator)
  const miner = minerLive ?? minerInitial.data
  const validator = validatorLive ?? validatorInitial.data
  const rewards = useEngineQuery('miner.rewards', {}, `${networkKey}|${miner?.state ?? ''}|${metagraph.data?.block ?? ''}`)

  const hotkeys = new Set((wallets.data?.wallets ?? []).flatMap((w) => w.hotkeys.map((h) => h.address).filter((a): a is string => !!a)))
  const facts: JourneyFacts = {
    wallets: wallets.data ? wallets.data.wallets.length : null,
    network: chain?.network ?? null,
    // The running miner's own rewards say it too, when the metagraph is slow to come.
    registered: metagraph.data ? metagraph.data.neurons.some((n) => hotkeys.has(n.hotkey)) : rewards.data?.registered === true ? true : null,
    modelInstalled: models.data ? models.data.models.some((m) => m.installed) : null,
    minerRunning: miner?.state === 'running',
    validatorRunning: validator?.running === true,
  }
  const next = nextStep(facts)
  const steps = journeySteps(facts)
  const attention = [
    ...(chain && chain.state !== 'connected' && chain.state !== 'connecting' ? [`The ${chain.label} cannot be reached${chain.lastError ? `: ${chain.lastError}` : '.'}`] : []),
    ...(miner?.state === 'failed' && miner.lastError ? [`The miner stopped: ${miner.lastError}`] : []),
    ...(miner?.warnings.map((w) => w.message) ?? []),
    ...(validator?.lastError ? [`Validator: ${validator.lastError}`] : []),
  ].map(guiText)
  const r = rewards.data && rewards.data.network === chain?.network ? rewards.data : null
  const zero = r ? zeroRewardsReason({ registered: r.registered, incentive: r.incentive, nextEpochInBlocks: r.nextEpochInBlocks, metagraph: metagraph.data ?? null, ownValidatorHotkey: validator?.lastWeights ? validator.hotkey : null }) : null

  return (
    <Stack>
      <PageHeader title="Dashboard" description="What you run, what it earns, and what to do next." />
      {next && (
        <Card withBorder padding="lg" data-testid="first-run">
          <Title order={4} mb="xs">
            Get started
          </Title>
          <List spacing="xs" mb="md" center>
            {steps.map((s) => (
              <List.Item
                key={s.id}
                icon={
                  <ThemeIcon size={22} radius="xl" color={s.done ? 'teal' : s.id === next.id ? 'blue' : 'gray'} variant={s.done ? 'filled' : 'light'}>
                    {s.done ? <IconCheck size={14} /> : <Text size="xs">{steps.indexOf(s) + 1}</Text>}
                  </ThemeIcon>
                }
                data-testid={`journey-${s.id}`}
                data-done={s.done}
              >
                <Text fw={s.id === next.id ? 700 : 500} size="sm" c={s.done ? 'dimmed' : undefined}>
                  {s.title}
                </Text>
                {s.id === next.id && (
                  <Text size="sm" c="dimmed">
                    {s.detail}
                  </Text>
                )}
              </List.Item>
            ))}
          </List>
          <Group>
            <Button rightSection={<IconArrowRight size={16} />} onClick={go(next.action.route)} data-testid="next-step">
              {next.action.label}
            </Button>
          </Group>
        </Card>
      )}
      {attention.length > 0 && (
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title="Needs attention" data-testid="attention">
          <Stack gap={4}>
            {attention.map((a) => (
              <Text size="sm" key={a}>
                {a}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder padding="md" data-testid="running">
          <Text fw={600} mb="xs">
            What you run
          </Text>
          <Stack gap="xs">
            <Group justify="space-between">
              <Group gap="xs">
                <Text size="sm">Miner</Text>
                <Badge color={miner?.state === 'running' ? 'green' : miner?.state === 'failed' ? 'red' : 'gray'}>{miner?.state ?? '…'}</Badge>
                {miner?.state === 'running' && (
                  <Text size="sm" c="dimmed">
                    subnet {miner.netuid}
                    {miner.uid !== null ? (
                      <>
                        {' '}
                        · <Term word="uid" /> {miner.uid}
                      </>
                    ) : (
                      ' · not registered'
                    )}
                  </Text>
                )}
              </Group>
              <Button size="xs" variant="light" onClick={go('miner')}>
                {miner?.state === 'running' ? 'Open' : 'Start'}
              </Button>
            </Group>
            <Group justify="space-between">
              <Group gap="xs">
                <Text size="sm">Validator</Text>
                <Badge color={validator?.running ? 'green' : 'gray'}>{validator ? (validator.running ? validator.phase : 'stopped') : '…'}</Badge>
              </Group>
              <Button size="xs" variant="light" onClick={go('validator')}>
                {validator?.running ? 'Open' : 'Set up'}
              </Button>
            </Group>
          </Stack>
        </Card>
        <Card withBorder padding="md" data-testid="earnings">
          <Text fw={600} mb="xs">
            What it earns
          </Text>
          {!r ? (
            <Text size="sm" c="dimmed">
              Earnings appear here once your miner runs on {chain?.label ?? 'the chosen network'}.
            </Text>
          ) : (
            <Stack gap={4}>
              <Text size="sm">
                <Term word="incentive" />: {(r.incentive * 100).toFixed(2)}% of the subnet's miner rewards
              </Text>
              <Text size="sm">
                Last epoch: {r.emissionAlpha.toFixed(4)} <Term word="alpha" />
                {r.emissionTao !== null ? ` (≈ ${r.emissionTao.toFixed(4)} TAO)` : ''} · about {r.emissionAlphaPerDay.toFixed(2)} alpha a day
              </Text>
              {zero && (
                <Text size="sm" c="orange" data-testid="zero-rewards-reason">
                  {zero}
                </Text>
              )}
            </Stack>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  )
}
