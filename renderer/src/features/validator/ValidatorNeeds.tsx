import { Alert, Button, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { IconCheck, IconExclamationMark } from '@tabler/icons-react'
import { MinerStartParams } from '../../../../native/contract'
import type { ValidatorConfigView } from '../../../../native/contract'
import { useEffect } from 'react'
import { useEngine } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { useBusyAction } from '../../ui/use-busy-action'
import { defaultOf } from '../../ui/schema-fields'
import { requestStake } from '../wallet/stake-request'
import { validatorNeeds } from './validator-needs'
import type { NeedAction } from './validator-needs'

/** The stake this app's miners (the OpenKaito blacklist) ask of a caller; the protocol's default. */
const MINER_MIN_STAKE = defaultOf(MinerStartParams.shape.blacklist).minStake
/** How often the list re-reads the metagraph while something is missing (a practice block is 2 s). */
const NEEDS_REFRESH_MS = 5000

/** Before Start: what the validator needs for its weights to count, each with the button that provides it. */
export function ValidatorNeeds({ config, networkKey, onChanged }: { config: ValidatorConfigView; networkKey: string; onChanged: () => void }) {
  const engine = useEngine()
  const wallets = useEngineQuery('wallet.list', {})
  const miner = useEngineQuery('miner.status', {})
  const settings = useEngineQuery('settings.get', {})
  const metagraph = useEngineQuery('chain.metagraph', { netuid: config.netuid }, `${networkKey}|${config.netuid}`)
  const subnet = useEngineQuery('chain.subnet', { netuid: config.netuid }, `${networkKey}|${config.netuid}`)
  const { busy, error, run } = useBusyAction()
  const form = settings.data?.minerForm
  const lastMinerKey = form ? (wallets.data?.wallets.find((w) => w.name === form.wallet)?.hotkeys.find((h) => h.name === form.hotkey)?.address ?? null) : null
  const needs =
    wallets.data && config.metagraph === 'chain'
      ? validatorNeeds({
          config,
          wallets: wallets.data.wallets,
          minerHotkey: miner.data?.hotkey ?? lastMinerKey,
          metagraph: metagraph.data ?? null,
          minerMinStake: MINER_MIN_STAKE,
          subnet: subnet.data ? { blocksUntilNextEpoch: subnet.data.blocksUntilNextEpoch, maxAllowedValidators: subnet.data.hyperparameters.maxAllowedValidators, kappa: subnet.data.hyperparameters.kappa } : null,
        })
      : null
  const missing = needs?.filter((n) => !n.ok) ?? []
  // Permits, stake and incentive change at epochs: while something is missing, follow the chain.
  const waiting = missing.length > 0
  useEffect(() => {
    if (!waiting) return
    const timer = setInterval(() => {
      metagraph.reload()
      subnet.reload()
    }, NEEDS_REFRESH_MS)
    return () => clearInterval(timer)
    // reload is stable
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [waiting])
  if (!needs) return null
  const act = (a: NeedAction) =>
    run(async () => {
      if (a.kind === 'route') window.location.hash = `/${a.route}`
      else if (a.kind === 'stake') requestStake({ wallet: a.wallet, hotkey: a.hotkey, netuid: a.netuid, alpha: BigInt(a.alpha) * 1_000_000_000n })
      else if (a.kind === 'use-wallet') await engine.call('validator.config.update', { wallet: a.wallet })
      else if (a.kind === 'use-hotkey') await engine.call('validator.config.update', { hotkey: a.hotkey })
      else {
        await engine.call('wallet.newHotkey', { name: a.wallet, hotkey: a.hotkey })
        await engine.call('validator.config.update', { hotkey: a.hotkey })
      }
      wallets.reload()
      metagraph.reload()
      onChanged()
    })
  return (
    <Card withBorder data-testid="validator-needs">
      <Title order={5} mb="xs">
        {missing.length === 0 ? 'Ready: its weights will count' : 'Before the validator can earn'}
      </Title>
      <Stack gap="xs">
        {needs.map((n) => (
          <Group key={n.id} justify="space-between" wrap="nowrap" data-testid={`validator-need-${n.id}`} data-ok={n.ok}>
            <Group gap="xs" wrap="nowrap">
              <ThemeIcon size={20} radius="xl" color={n.ok ? 'teal' : 'orange'}>
                {n.ok ? <IconCheck size={12} /> : <IconExclamationMark size={12} />}
              </ThemeIcon>
              <Text size="sm">{n.text}</Text>
            </Group>
            {n.action && (
              <Button size="xs" variant="light" style={{ flexShrink: 0 }} loading={busy} onClick={() => void act(n.action!)} data-testid={`validator-need-${n.id}-action`}>
                {n.action.label}
              </Button>
            )}
          </Group>
        ))}
        {error && <Alert color="red">{error}</Alert>}
      </Stack>
    </Card>
  )
}
