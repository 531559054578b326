import { Alert, Anchor, Button, Card, Group, PasswordInput, Select, Stack, Stepper, Text, TextInput, Title } from '@mantine/core'
import { IconAlertTriangle, IconCoin, IconLock } from '@tabler/icons-react'
import { useEffect, useMemo, useState } from 'react'
import type { NetworkId, SubnetIdentity, SubnetProtocol, TxProgress, WalletSummary } from '../../../../native/contract'
import { TaoAmount } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { raoToTao, suggestedMaxPrice } from './metagraph-table'
import { ProtocolConfirmation, SubnetIdentityView, confirmationMatches } from './SubnetIdentity'

/** The progress steps a registration goes through (failed can happen at any of them). */
const STEPS: ReadonlyArray<{ stage: TxProgress['stage']; label: string; description: string }> = [
  { stage: 'checking', label: 'Checked', description: 'price, balance, key' },
  { stage: 'ready', label: 'Ready', description: 'in the node’s pool' },
  { stage: 'inBlock', label: 'In block', description: 'included' },
  { stage: 'finalized', label: 'Finalized', description: 'final on chain' },
]
const ORDER: Record<TxProgress['stage'], number> = { checking: 0, signing: 0, submitted: 0, future: 1, ready: 1, inBlock: 2, finalized: 4, failed: -1 }

function isUnlocked(w: WalletSummary | undefined): boolean {
  return !!w && w.unlockedUntil !== null && w.unlockedUntil > Date.now()
}

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
  const wallets = useEngineQuery('wallet.list', {})
  const [walletName, setWalletName] = useState<string | null>(null)
  const [hotkey, setHotkey] = useState<string | null>(null)
  const [maxPrice, setMaxPrice] = useState('')
  const [password, setPassword] = useState('')
  const [unlocking, setUnlocking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [balance, setBalance] = useState<string>()
  const [op, setOp] = useState<TxProgress>()
  const [lastStep, setLastStep] = useState(0)
  const [typed, setTyped] = useState('')
  const confirmed = protocol.verdict === 'speaks' || confirmationMatches(typed, netuid, identity)
  useEffect(() => setTyped(''), [netuid])

  useEngineEvent('wallet.changed', () => wallets.reload())
  useEngineEvent('wallet.lockChanged', () => wallets.reload())
  useEngineEvent('chain.tx', (p) => {
    if (!op || p.operationId !== op.operationId) return
    setOp(p)
    if (ORDER[p.stage] >= 0) setLastStep((s) => Math.max(s, ORDER[p.stage]))
    if (p.stage === 'finalized' || p.stage === 'failed') void refreshBalance()
  })

  const list = useMemo(() => wallets.data?.wallets ?? [], [wallets.data])
  const wallet = list.find((w) => w.name === walletName)
  useEffect(() => {
    if (!walletName && list.length > 0) setWalletName(list[0]!.name)
  }, [list, walletName])
  useEffect(() => {
    if (wallet && (!hotkey || !wallet.hotkeys.some((h) => h.name === hotkey))) setHotkey(wallet.hotkeys[0]?.name ?? null)
  }, [wallet, hotkey])
  // Suggest a cap 20 % above the price once; the user's value stays after that.
  useEffect(() => {
    if (!maxPrice) setMaxPrice(suggestedMaxPrice(priceRao))
  }, [priceRao, maxPrice])

  const coldkey = wallet?.coldkey.address ?? null
  const refreshBalance = async () => {
    if (!coldkey) return setBalance(undefined)
    try {
      setBalance((await engine.call('chain.balance', { address: coldkey })).freeRao)
    } catch {
      setBalance(undefined)
    }
  }
  useEffect(() => {
    void refreshBalance()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [coldkey, network])

  const unlock = async () => {
    if (!wallet) return
    setUnlocking(true)
    setError(undefined)
    try {
      await engine.call('wallet.unlock', { name: wallet.name, password, minutes: 15 })
      setPassword('')
      wallets.reload()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setUnlocking(false)
    }
  }

  const faucet = async () => {
    if (!coldkey) return
    setError(undefined)
    try {
      setBalance((await engine.call('chain.practiceFaucet', { address: coldkey, amountTao: '100' })).freeRao)
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

  const unlocked = isUnlocked(wallet)
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
        {list.length === 0 ? (
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
              <Select label="Wallet (coldkey pays)" data={list.map((w) => w.name)} value={walletName} onChange={setWalletName} allowDeselect={false} data-testid="register-wallet" />
              <Select
                label="Hotkey to register"
                data={(wallet?.hotkeys ?? []).map((h) => ({ value: h.name, label: `${h.name} (${(h.address ?? '?').slice(0, 8)}…)` }))}
                value={hotkey}
                onChange={setHotkey}
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
              <Stack gap={2}>
                <Text size="xs" c="dimmed">
                  Coldkey balance
                </Text>
                <Group gap="xs">
                  <Text fw={600} data-testid="register-balance">
                    {balance === undefined ? '–' : `${raoToTao(balance)} TAO`}
                  </Text>
                  {network === 'devnet' && coldkey && (
                    <Button size="compact-xs" variant="light" leftSection={<IconCoin size={12} />} onClick={() => void faucet()} data-testid="register-faucet">
                      Get practice TAO
                    </Button>
                  )}
                </Group>
              </Stack>
            </Group>
            {wallet && !unlocked ? (
              <Group align="flex-end" wrap="nowrap">
                <PasswordInput
                  style={{ flex: 1 }}
                  label={`Unlock "${wallet.name}" to sign`}
                  description="The coldkey is decrypted in the engine for 15 minutes."
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  onKeyDown={(e) => e.key === 'Enter' && password && void unlock()}
                  data-testid="register-password"
                />
                <Button leftSection={<IconLock size={14} />} loading={unlocking} disabled={!password} onClick={() => void unlock()} data-testid="register-unlock">
                  Unlock
                </Button>
              </Group>
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
