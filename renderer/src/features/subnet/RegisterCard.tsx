import { Alert, Anchor, Button, Card, Group, Select, Stack, Stepper, Text, TextInput, Title } from '@mantine/core'
import { IconAlertTriangle, IconCoin } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { NetworkId, SubnetIdentity, SubnetProtocol, TxProgress } from '../../../../native/contract'
import { TaoAmount } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { raoToTao, suggestedMaxPrice } from './metagraph-table'
import { ColdkeyBalance, UnlockWallet } from './SigningWallet'
import { ProtocolConfirmation, SubnetIdentityView, confirmationMatches } from './SubnetIdentity'
import { useSigningWallet } from './use-signing-wallet'

/** The progress steps a registration goes through (failed can happen at any of them). */
const STEPS: ReadonlyArray<{ stage: TxProgress['stage']; label: string; description: string }> = [
  { stage: 'checking', label: 'Checked', description: 'price, balance, key' },
  { stage: 'ready', label: 'Ready', description: 'in the node’s pool' },
  { stage: 'inBlock', label: 'In block', description: 'included' },
  { stage: 'finalized', label: 'Finalized', description: 'final on chain' },
]
const ORDER: Record<TxProgress['stage'], number> = { checking: 0, signing: 0, submitted: 0, future: 1, ready: 1, inBlock: 2, finalized: 4, failed: -1 }

export function RegisterCard({
  netuid,
  priceRao,
  network,
  registrationOpen,
  capOnChain,
  identity,
  protocol,
}: {
  netuid: number
  identity: SubnetIdentity | null
  protocol: SubnetProtocol
  priceRao: string
  network: NetworkId
  registrationOpen: boolean
  /** The runtime has register_limit (the chain enforces the cap); undefined when not known. */
  capOnChain?: boolean
}) {
  const engine = useEngine()
  const signing = useSigningWallet(network)
  const { wallet, hotkey, coldkey } = signing
  const [maxPrice, setMaxPrice] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [op, setOp] = useState<TxProgress>()
  const [lastStep, setLastStep] = useState(0)
  const [typed, setTyped] = useState('')
  const confirmed = protocol.verdict === 'speaks' || confirmationMatches(typed, netuid, identity)
  useEffect(() => setTyped(''), [netuid])

  useEngineEvent('chain.tx', (p) => {
    if (!op || p.operationId !== op.operationId) return
    setOp(p)
    if (ORDER[p.stage] >= 0) setLastStep((s) => Math.max(s, ORDER[p.stage]))
    if (p.stage === 'finalized' || p.stage === 'failed') void signing.refreshBalance()
  })

  // Suggest a cap 20 % above the price once; the user's value stays after that.
  useEffect(() => {
    if (!maxPrice) setMaxPrice(suggestedMaxPrice(priceRao))
  }, [priceRao, maxPrice])

  const faucet = async () => {
    if (!coldkey) return
    setError(undefined)
    try {
      signing.setBalanceRao((await engine.call('chain.practiceFaucet', { address: coldkey, amountTao: '100' })).freeRao)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }

  const capValid = TaoAmount.safeParse(maxPrice.trim()).success
  const register = async () => {
    if (!wallet || !hotkey) return
    setBusy(true)
    setError(undefined)
    setOp(undefined)
    setLastStep(0)
    try {
      const r = await engine.call('chain.register', { wallet: wallet.name, hotkey, netuid, maxPriceTao: maxPrice.trim(), force: protocol.verdict !== 'speaks' && confirmed })
      const now = Date.now()
      setOp((cur) => cur ?? { operationId: r.operationId, kind: 'register', netuid, hotkey: r.hotkeyAddress, stage: 'checking', blockHash: null, uid: null, priceRao: r.priceRao, error: null, time: now })
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  const running = !!op && op.stage !== 'finalized' && op.stage !== 'failed'
  return (
    <Card withBorder data-testid="register-card">
      <Title order={4} mb="xs">
        Register a hotkey on subnet {netuid}
      </Title>
      <Stack gap="sm">
        <SubnetIdentityView netuid={netuid} identity={identity} protocol={protocol} />
        <ProtocolConfirmation netuid={netuid} identity={identity} protocol={protocol} action="registering" typed={typed} onTyped={setTyped} />
        <Text size="sm" c="dimmed" data-testid="register-cap-note">
          Registration burns the price in TAO from the coldkey.{' '}
          {capOnChain === undefined
            ? 'TaoDesk refuses if the price is above your maximum when the transaction is sent.'
            : capOnChain
            ? 'Your maximum goes into the transaction (register_limit): the chain refuses it if the price is higher.'
            : 'This chain has no register_limit, so your maximum is not enforced by the chain: TaoDesk checks the price just before sending and refuses above it, but the price can still rise before the transaction lands.'}
          {network === 'devnet' ? ' This is the practice network: its TAO has no value.' : ''}
        </Text>
        {!registrationOpen && <Alert color="yellow">Registration is closed on this subnet.</Alert>}
        {signing.wallets.length === 0 ? (
          <Alert color="blue" title="No wallet yet">
            Create or import a wallet on the{' '}
            <Anchor href="#/wallet" size="sm">
              Wallet page
            </Anchor>{' '}
            first.
          </Alert>
        ) : (
          <>
            <Group grow align="flex-end">
              <Select label="Wallet (coldkey pays)" data={signing.wallets.map((w) => w.name)} value={signing.walletName} onChange={signing.setWalletName} allowDeselect={false} data-testid="register-wallet" />
              <Select
                label="Hotkey to register"
                data={(wallet?.hotkeys ?? []).map((h) => ({ value: h.name, label: `${h.name} (${(h.address ?? '?').slice(0, 8)}…)` }))}
                value={hotkey}
                onChange={signing.setHotkey}
                allowDeselect={false}
                data-testid="register-hotkey"
              />
            </Group>
            <Group grow align="flex-end">
              <TextInput
                label="Maximum price (TAO)"
                description={`now ${raoToTao(priceRao, 9)} TAO`}
                value={maxPrice}
                onChange={(e) => setMaxPrice(e.currentTarget.value)}
                error={maxPrice && !capValid ? 'an amount such as 0.5 (at most 9 decimals)' : undefined}
                data-testid="register-max-price"
              />
              <ColdkeyBalance balanceRao={signing.balanceRao} testIdPrefix="register">
                {network === 'devnet' && coldkey && (
                  <Button size="compact-xs" variant="light" leftSection={<IconCoin size={12} />} onClick={() => void faucet()} data-testid="register-faucet">
                    Get practice TAO
                  </Button>
                )}
              </ColdkeyBalance>
            </Group>
            {wallet && !signing.unlocked ? (
              <UnlockWallet walletName={wallet.name} unlock={signing.unlock} onError={setError} testIdPrefix="register" />
            ) : (
              <Group justify="flex-end">
                <Button onClick={() => void register()} loading={busy || running} disabled={!hotkey || !capValid || !registrationOpen || !confirmed} data-testid="register-submit">
                  Register for at most {capValid ? maxPrice.trim() : '?'} TAO
                </Button>
              </Group>
            )}
          </>
        )}
        {error && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="register-error">
            {error}
          </Alert>
        )}
        {op && (
          <Stack gap="xs" data-testid="register-progress" data-stage={op.stage}>
            <Stepper active={op.stage === 'finalized' ? 4 : lastStep + (op.stage === 'failed' ? 0 : 1)} size="xs" color={op.stage === 'failed' ? 'red' : undefined}>
              {STEPS.map((s) => (
                <Stepper.Step key={s.stage} label={s.label} description={s.description} />
              ))}
            </Stepper>
            {op.stage === 'finalized' && (
              <Alert color="teal" data-testid="register-done">
                Registered as uid {op.uid ?? '?'} for {op.priceRao ? raoToTao(op.priceRao, 9) : '?'} TAO{op.blockHash ? ` (block ${op.blockHash.slice(0, 10)}…)` : ''}.
              </Alert>
            )}
            {op.stage === 'failed' && op.error && (
              <Alert color="red" title={op.error.code} data-testid="register-failed">
                {op.error.message}
              </Alert>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  )
}
