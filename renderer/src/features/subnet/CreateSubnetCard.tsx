import { Alert, Anchor, Button, Card, Checkbox, Code, Group, Select, Stack, Stepper, Text, TextInput, Title } from '@mantine/core'
import { IconAlertTriangle, IconCoin } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { NetworkId, SubnetCreationProgress } from '../../../../native/contract'
import { TaoAmount } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { useBusyAction } from '../../ui/use-busy-action'
import { raoToTao, suggestedMaxPrice } from './metagraph-table'
import { ColdkeyBalance, UnlockWallet } from './SigningWallet'
import { useSigningWallet } from './use-signing-wallet'

const STEPS: ReadonlyArray<{ key: string; label: string; description: string }> = [
  { key: 'register', label: 'Register the subnet', description: 'register_network with its identity' },
  { key: 'startCall', label: 'Start emission', description: 'start_call' },
  { key: 'done', label: 'Done', description: 'owner hotkey is uid 0' },
]


/**
 * Create a subnet you own: today's lock and fee, an identity that declares the text-embedding
 * protocol (so TaoDesk miners and validators recognise it), a typed confirmation of the amount,
 * then register_network and start_call with their progress.
 */
export function CreateSubnetCard({ network }: { network: NetworkId }) {
  const engine = useEngine()
  const signing = useSigningWallet(network)
  const { wallet, walletName, hotkey, coldkey } = signing
  const cost = useEngineQuery('chain.subnetCost', walletName ? { wallet: walletName } : {}, `${network}:${walletName ?? ''}`)
  const [name, setName] = useState('My embedding subnet')
  const [repo, setRepo] = useState('https://github.com/openkaito/openkaito')
  const [description, setDescription] = useState('Text embeddings scored by the OpenKaito protocol (InfoNCE); served by TaoDesk miners.')
  const [maxLock, setMaxLock] = useState('')
  const [agreed, setAgreed] = useState(false)
  const [op, setOp] = useState<SubnetCreationProgress>()
  const action = useBusyAction()

  useEngineEvent('chain.subnetCreation', (p) => {
    if (op && p.operationId === op.operationId) setOp(p)
  })
  useEffect(() => {
    if (cost.data && !maxLock) setMaxLock(suggestedMaxPrice(cost.data.lockRao))
  }, [cost.data, maxLock])
  const lock = cost.data ? BigInt(cost.data.lockRao) : null
  const fee = cost.data?.feeRao ? BigInt(cost.data.feeRao) : 0n
  const needed = lock === null ? null : lock + fee + 1_000_000n
  const capValid = TaoAmount.safeParse(maxLock.trim()).success
  const running = !!op && !op.done

  const fund = () =>
    action.run(async () => {
      if (!coldkey || needed === null) return
      // The lock and fee, less what the coldkey holds (the engine asks the faucet in as many requests as it takes).
      let have = BigInt((await engine.call('chain.balance', { address: coldkey })).freeRao)
      if (have < needed) have = BigInt((await engine.call('chain.practiceFaucet', { address: coldkey, amountTao: raoToTao(String(needed - have), 9) })).freeRao)
      signing.setBalanceRao(String(have))
    })
  const create = () =>
    action.run(async () => {
      if (!wallet || !hotkey) return
      setOp(undefined)
      const r = await engine.call('chain.createSubnet', { wallet: wallet.name, hotkey, maxLockTao: maxLock.trim(), identity: { name: name.trim(), githubRepo: repo.trim(), description: description.trim() }, startEmission: true })
      setOp((cur) => cur ?? { operationId: r.operationId, step: 'register', stage: 'checking', netuid: null, lockRao: r.lockRao, blockHash: null, done: false, error: null, time: Date.now() })
    })
  useEffect(() => {
    if (op?.done) void signing.refreshBalance()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [op?.done])

  const stepIndex = !op ? 0 : op.done && !op.error ? 3 : op.step === 'register' ? 0 : 1
  return (
    <Card withBorder data-testid="create-subnet-card">
      <Title order={4} mb="xs">
        Create a subnet
      </Title>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          A subnet you own, whose identity declares the text-embedding protocol (<Code>{cost.data?.declaration ?? '…'}</Code>) so TaoDesk miners and validators recognise it. The lock is returned if the subnet is
          ever dissolved; the fee is paid to the chain.{network === 'devnet' ? ' This is the practice network: its TAO has no value.' : ''}
        </Text>
        {cost.error && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="create-subnet-cost-error">
            Could not read what a subnet costs: {cost.error}
          </Alert>
        )}
        {cost.data && (
          <Group gap="xl" data-testid="create-subnet-cost">
            <Text size="sm">
              Lock now: <b>{raoToTao(cost.data.lockRao, 4)} TAO</b>
            </Text>
            <Text size="sm">Fee: {cost.data.feeRao === null ? 'choose a wallet' : `about ${raoToTao(cost.data.feeRao, 9)} TAO`}</Text>
            <Text size="sm" c={cost.data.blocksUntilAllowed > 0 ? 'orange' : 'dimmed'}>
              {cost.data.blocksUntilAllowed > 0 ? `Next subnet allowed in ${cost.data.blocksUntilAllowed} blocks` : 'A new subnet is allowed now'}
            </Text>
          </Group>
        )}
        {signing.wallets.length === 0 ? (
          <Alert color="blue" title="No wallet yet">
            Create or import a wallet on the <Anchor href="#/wallet" size="sm">Wallet page</Anchor> first: its coldkey owns and pays for the subnet.
          </Alert>
        ) : (
          <>
            <Group grow align="flex-end">
              <Select label="Owner wallet (coldkey pays)" data={signing.wallets.map((w) => w.name)} value={walletName} onChange={signing.setWalletName} allowDeselect={false} data-testid="create-subnet-wallet" />
              <Select label="Owner hotkey (becomes uid 0)" data={(wallet?.hotkeys ?? []).map((h) => h.name)} value={hotkey} onChange={signing.setHotkey} allowDeselect={false} data-testid="create-subnet-hotkey" />
            </Group>
            <TextInput label="Subnet name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={name.trim() ? undefined : 'a name people will see'} data-testid="create-subnet-name" />
            <Group grow>
              <TextInput label="Code repository" value={repo} onChange={(e) => setRepo(e.currentTarget.value)} />
              <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
            </Group>
            <Group grow align="flex-end">
              <TextInput
                label="Maximum lock (TAO)"
                description="refused if the lock is higher when sent"
                value={maxLock}
                onChange={(e) => setMaxLock(e.currentTarget.value)}
                error={maxLock && !capValid ? 'an amount such as 1500 (at most 9 decimals)' : undefined}
                data-testid="create-subnet-max-lock"
              />
              <ColdkeyBalance balanceRao={signing.balanceRao} testIdPrefix="create-subnet">
                {network === 'devnet' && coldkey && needed !== null && (signing.balanceRao === undefined || BigInt(signing.balanceRao) < needed) && (
                  <Button size="compact-xs" variant="light" leftSection={<IconCoin size={12} />} loading={action.busy} onClick={() => void fund()} data-testid="create-subnet-faucet">
                    Get enough practice TAO
                  </Button>
                )}
              </ColdkeyBalance>
            </Group>
            {wallet && !signing.unlocked ? (
              <UnlockWallet walletName={wallet.name} unlock={signing.unlock} onError={action.setError} testIdPrefix="create-subnet" />
            ) : (
              <>
                <Checkbox
                  checked={agreed}
                  onChange={(e) => setAgreed(e.currentTarget.checked)}
                  label={`I understand that up to ${capValid ? maxLock.trim() : '?'} TAO is locked${fee ? ` plus a fee of about ${raoToTao(String(fee), 9)} TAO` : ''}, and that emission starts right after.`}
                  data-testid="create-subnet-confirm"
                />
                <Group justify="flex-end">
                  <Button onClick={() => void create()} loading={action.busy || running} disabled={!hotkey || !capValid || !agreed || !name.trim()} data-testid="create-subnet-submit">
                    Create the subnet
                  </Button>
                </Group>
              </>
            )}
          </>
        )}
        {action.error && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="create-subnet-error">
            {action.error}
          </Alert>
        )}
        {op && (
          <Stack gap="xs" data-testid="create-subnet-progress" data-stage={op.stage} data-done={String(op.done)}>
            <Stepper active={stepIndex} size="xs" color={op.error ? 'red' : undefined}>
              {STEPS.map((s) => (
                <Stepper.Step key={s.key} label={s.label} description={s.description} loading={!op.done && STEPS[stepIndex]?.key === s.key} />
              ))}
            </Stepper>
            {!op.done && <Text size="sm">Step “{op.step === 'register' ? 'register the subnet' : 'start emission'}”: {op.stage}…</Text>}
            {op.done && !op.error && (
              <Alert color="teal" data-testid="create-subnet-done">
                Subnet {op.netuid} created for a lock of {op.lockRao ? raoToTao(op.lockRao, 4) : '?'} TAO; emission has started. Pick it in the subnet list to register miners and a validator.
              </Alert>
            )}
            {op.error && (
              <Alert color="red" title={op.step === 'register' ? 'The subnet was not created' : `Subnet ${op.netuid} was created, but emission did not start`} data-testid="create-subnet-failed">
                {op.error.message}
              </Alert>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  )
}
