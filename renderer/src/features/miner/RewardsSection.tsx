import { Alert, Badge, Card, Group, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core'
import { IconFlame, IconInfoCircle } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { MinerRewards } from '../../../../native/contract'
import { useEngine, useEngineEvent, useNetwork } from '../../engine/engine-context'
import { networkName } from '../../ui/network-name'
import { Stat } from '../../ui/Stat'
import { StaleMark } from '../../ui/StaleMark'
import { rewardsStaleFrom } from './rewards-network'

const RISK_COLOR: Record<MinerRewards['deregistration']['level'], string> = { immune: 'blue', low: 'green', medium: 'yellow', high: 'red', unknown: 'gray' }
const RISK_LABEL: Record<MinerRewards['deregistration']['level'], string> = { immune: 'immune', low: 'low', medium: 'medium', high: 'high', unknown: 'unknown' }

function pct(x: number, digits = 2): string {
  return `${(x * 100).toFixed(digits)} %`
}

function amount(x: number): string {
  if (x === 0) return '0'
  if (Math.abs(x) >= 100) return x.toFixed(1)
  if (Math.abs(x) >= 1) return x.toFixed(3)
  return x.toPrecision(3)
}

function blocksToText(blocks: number): string {
  const s = blocks * 12
  return s < 3600 ? `~${Math.max(1, Math.round(s / 60))} min` : s < 172_800 ? `~${(s / 3600).toFixed(1)} h` : `~${(s / 86_400).toFixed(1)} days`
}

/** Earnings as the chain sees them, refreshed every block while the miner runs. */
export function RewardsSection({ running }: { running: boolean }) {
  const engine = useEngine()
  const [rewards, setRewards] = useState<MinerRewards | null>(null)
  const header = useNetwork()

  useEffect(() => {
    let cancelled = false
    if (!running) {
      setRewards(null)
      return
    }
    engine
      .call('miner.rewards')
      .then((r) => !cancelled && r && setRewards(r))
      .catch(() => undefined)
    return () => {
      cancelled = true
    }
  }, [engine, running])

  useEngineEvent('miner.rewards', setRewards)

  if (!running) return null
  if (!rewards) {
    return (
      <Card withBorder data-testid="miner-rewards">
        <Title order={4}>Rewards</Title>
        <Text size="sm" c="dimmed">
          Reading the subnet from the chain…
        </Text>
      </Card>
    )
  }
  const r = rewards
  const staleFrom = rewardsStaleFrom(r.network, header)
  const tao = r.emissionTao === null ? 'unknown' : `${amount(r.emissionTao)} τ`
  return (
    <Card withBorder data-testid="miner-rewards">
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={4}>Rewards</Title>
            <StaleMark from={staleFrom} what="The rewards" />
          </Group>
          <Text size="xs" c="dimmed">
            block {r.block} · next epoch in {r.nextEpochInBlocks} blocks · {r.network} subnet {r.netuid}
          </Text>
        </Group>
        {staleFrom && header && (
          <Text size="sm" c="dimmed" data-testid="rewards-other-network">
            The miner was started on {networkName(staleFrom)} and its figures stopped there when you switched the header to {networkName(header)}. To mine on {networkName(header)}, stop the miner and start it again.
          </Text>
        )}
        {!r.registered ? (
          <Alert color="yellow" icon={<IconInfoCircle size={18} />}>
            {r.deregistration.message}
          </Alert>
        ) : (
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
            <Stat label="Incentive" value={pct(r.incentive)} hint="share of miner emission" testId="rewards-incentive" />
            <Stat label="Emission / epoch" value={`${amount(r.emissionAlpha)} α`} hint={`${amount(r.emissionAlphaPerDay)} α per day`} testId="rewards-emission" />
            <Tooltip label={r.alphaPrice.note} multiline w={280}>
              <div>
                <Stat label="TAO value / epoch" value={tao} hint={r.emissionTaoPerDay === null ? 'alpha price unknown' : `${amount(r.emissionTaoPerDay)} τ per day at ${amount(r.alphaPrice.tao!)} τ/α`} testId="rewards-tao" />
              </div>
            </Tooltip>
            <Stat label="Rank" value={r.rank ? `${r.rank.position} of ${r.rank.of}` : '—'} hint="among miners by incentive; 1 = the best-paid" testId="rewards-rank" />
            <Stat
              label="Immunity"
              value={r.immunity ? (r.immunity.immune ? `${r.immunity.blocksLeft} blocks` : 'ended') : '—'}
              hint={r.immunity ? (r.immunity.immune ? `${blocksToText(r.immunity.blocksLeft)} left of ${r.immunity.immunityPeriod}` : `registered at block ${r.immunity.registrationBlock}`) : undefined}
              testId="rewards-immunity"
            />
            <Stat
              label="Deregistration risk"
              value={
                <Badge color={RISK_COLOR[r.deregistration.level]} variant="light" data-testid="rewards-risk">
                  {RISK_LABEL[r.deregistration.level]}
                </Badge>
              }
              hint={r.deregistration.position !== null ? `${r.deregistration.position} of ${r.deregistration.of} in pruning order` : undefined}
            />
          </SimpleGrid>
        )}
        {r.registered && (
          <Text size="sm" c="dimmed" data-testid="rewards-risk-message">
            {r.deregistration.message}
          </Text>
        )}
        <Alert color={r.burn.applies ? 'orange' : 'gray'} variant="light" icon={<IconFlame size={18} />} title={r.burn.applies ? `Reward burn: uid ${r.burn.burnerUid}` : 'No reward burn on this network'} data-testid="rewards-burn">
          {r.burn.message}
        </Alert>
      </Stack>
    </Card>
  )
}
