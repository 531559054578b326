import { Alert, Button, Group, Text } from '@mantine/core'
import { IconCoin } from '@tabler/icons-react'
import { EXISTENTIAL_DEPOSIT_RAO, formatTao, parseTao } from '../../../../native/contract'
import { useEngine } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { useBusyAction } from '../../ui/use-busy-action'
import { faucetShortfall, readableUnits } from './stake-request'

/** What a stake's network fee may come to, kept free on top of the amount when asking the faucet. */
const FEE_RESERVE_RAO = 10_000_000n

function parsedOrZero(amount: string): bigint {
  try {
    return parseTao(amount)
  } catch {
    return 0n
  }
}

/** Practice network only: when the free balance does not cover the amount, offers the faucet right in the form. */
export function PracticeFaucet({ coldkey, amount, onFunded }: { coldkey: string; amount: string; onFunded: () => void }) {
  const engine = useEngine()
  const balance = useEngineQuery('chain.balance', { address: coldkey }, coldkey)
  const { busy, error, run } = useBusyAction()
  const units = parsedOrZero(amount)
  if (!balance.data || units === 0n) return null
  const free = BigInt(balance.data.freeRao)
  const needed = units + FEE_RESERVE_RAO + EXISTENTIAL_DEPOSIT_RAO
  const missing = faucetShortfall(free, needed)
  if (missing === 0n) return null
  const fund = () =>
    run(async () => {
      await engine.call('chain.practiceFaucet', { address: coldkey, amountTao: formatTao(missing) })
      balance.reload()
      onFunded()
    })
  return (
    <Alert color="blue" title="Not enough practice TAO yet" data-testid="money-faucet-offer">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">
          Your free balance is {readableUnits(free)} TAO. This is the practice network: its faucet gives the missing TAO for free.
        </Text>
        <Button size="xs" variant="light" leftSection={<IconCoin size={14} />} loading={busy} style={{ flexShrink: 0 }} onClick={() => void fund()} data-testid="money-faucet">
          Get {readableUnits(missing)} practice TAO
        </Button>
      </Group>
      {error && <Text size="sm" c="red">{error}</Text>}
    </Alert>
  )
}
