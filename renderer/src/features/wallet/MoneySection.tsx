import { Alert, Badge, Button, Group, Loader, Modal, NumberInput, Select, Stack, Table, Text, TextInput, Timeline } from '@mantine/core'
import { useEffect, useState } from 'react'
import { DEFAULT_SLIPPAGE_PERCENT, formatTao, parseTao } from '../../../../native/contract'
import type { Estimate, ExtrinsicEvent, ExtrinsicStage, WalletCall, WalletSummary } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { StaleMark } from '../../ui/StaleMark'
import { useChainStatus } from '../subnet/NetworkPicker'
import { networkName } from '../../ui/network-name'
import { balanceAfter, priceRows, shortAddress } from './wallet-format'
import { PracticeFaucet } from './PracticeFaucet'
import { clearStakeRequest, peekStakeRequest } from './stake-request'
import { usePrefilledStake } from './use-prefilled-stake'

type Kind = WalletCall['kind']
/** What a dialog opens with; `alpha`: a stake asked for by another page (the amount is worked out from the price). */
type DialogInit = { kind: Kind; hotkey?: string; netuid?: number; alpha?: bigint }

const STAGES: { stage: ExtrinsicStage; label: string }[] = [
  { stage: 'signing', label: 'Signed with the coldkey' },
  { stage: 'submitted', label: 'Submitted to the node' },
  { stage: 'ready', label: 'Ready in the transaction pool' },
  { stage: 'inBlock', label: 'In a block' },
  { stage: 'finalized', label: 'Finalized' },
]

const TITLES: Record<Kind, string> = { transfer: 'Transfer TAO', stake: 'Add stake', unstake: 'Remove stake' }

/** Balance and stake of one wallet on the selected network, with transfer / stake / unstake dialogs. */
export function MoneySection({ wallet }: { wallet: WalletSummary }) {
  // Read again when the node comes up: a balance that failed while it was down recovers by itself.
  const chainUp = useChainStatus()?.state === 'connected'
  const balances = useEngineQuery('wallet.balances', { name: wallet.name }, `${wallet.name}|${chainUp ? 'up' : 'down'}`)
  // A stake asked for by another page (the validator's "Stake N more") opens the form filled in.
  const [request] = useState(() => peekStakeRequest(wallet.name))
  const [dialog, setDialog] = useState<DialogInit | undefined>(request ? { kind: 'stake', hotkey: request.hotkey, netuid: request.netuid, alpha: request.alpha } : undefined)
  useEffect(() => {
    if (request) clearStakeRequest(request)
  }, [request])
  useEngineEvent('wallet.extrinsic', (e) => {
    if (e.wallet === wallet.name && (e.stage === 'finalized' || e.stage === 'failed')) balances.reload()
  })
  useEngineEvent('chain.status', (s) => {
    if (balances.data && s.network !== balances.data.network) balances.reload()
  })
  const b = balances.data
  return (
    <Stack gap="xs" data-testid={`money-${wallet.name}`}>
      <Group justify="space-between">
        <Group gap="xs">
          <Text fw={600}>Balance</Text>
          {b && <Badge variant="light">{networkName(b.network)}</Badge>}
          <StaleMark from={balances.staleFrom} what="This balance and stake" />
          {balances.loading && <Loader size="xs" />}
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => balances.reload()}>Refresh</Button>
          <Button size="xs" onClick={() => setDialog({ kind: 'transfer' })} data-testid="open-transfer">Transfer</Button>
          <Button size="xs" variant="light" onClick={() => setDialog({ kind: 'stake' })} data-testid="open-stake">Stake</Button>
        </Group>
      </Group>
      {balances.error && <Alert color="yellow" data-testid="balance-error">{balances.error}</Alert>}
      {b && (
        <>
          <Text size="xl" fw={700} data-testid="free-balance">{formatTao(b.free)} TAO</Text>
          <Text size="xs" c="dimmed">Free balance of the coldkey, read {new Date(b.readAt).toLocaleTimeString()} from {b.endpoint}</Text>
          {b.stakes.length === 0 ? (
            <Text size="sm" c="dimmed">No stake on this network.</Text>
          ) : (
            <Table data-testid="stake-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Hotkey</Table.Th>
                  <Table.Th>Subnet</Table.Th>
                  <Table.Th>Stake (alpha)</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {b.stakes.map((s) => (
                  <Table.Tr key={`${s.hotkey}-${s.netuid}`}>
                    <Table.Td>{s.hotkeyName ?? 'delegate'} <Text span size="xs" c="dimmed" ff="monospace">{shortAddress(s.hotkey)}</Text></Table.Td>
                    <Table.Td>{s.netuid}</Table.Td>
                    <Table.Td ff="monospace">{formatTao(s.alpha)}</Table.Td>
                    <Table.Td>
                      <Button size="compact-xs" variant="subtle" onClick={() => setDialog({ kind: 'unstake', hotkey: s.hotkey, netuid: s.netuid })}>Unstake</Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
      {dialog && <MoneyDialog wallet={wallet} initial={dialog} network={b?.network ?? null} onFunded={() => balances.reload()} onClose={() => setDialog(undefined)} />}
    </Stack>
  )
}

function MoneyDialog({ wallet, initial, network, onFunded, onClose }: { wallet: WalletSummary; initial: DialogInit; network: string | null; onFunded: () => void; onClose: () => void }) {
  const engine = useEngine()
  const kind = initial.kind
  const ownHotkeys = wallet.hotkeys.filter((h) => h.address).map((h) => ({ value: h.address!, label: `${h.name} (${shortAddress(h.address!)})` }))
  const [to, setTo] = useState('')
  const [hotkey, setHotkey] = useState<string>(initial.hotkey ?? ownHotkeys[0]?.value ?? '')
  const [netuid, setNetuid] = useState<number>(initial.netuid ?? 5)
  const [amount, setAmount] = useState('')
  const settings = useEngineQuery('settings.get', {})
  const savedSlippage = settings.data?.stakeSlippagePercent ?? DEFAULT_SLIPPAGE_PERCENT
  const [slippage, setSlippage] = useState<number>()
  const prefill = usePrefilledStake(wallet.name, initial, settings.data ? savedSlippage : undefined, setAmount)
  const [step, setStep] = useState<'form' | 'review' | 'sending'>('form')
  const [estimate, setEstimate] = useState<Estimate>()
  const [call, setCall] = useState<WalletCall>()
  const after = estimate && call ? balanceAfter(estimate, call.kind) : undefined
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [id, setId] = useState<number>()
  // Events can arrive before wallet.submit answers with the id: keep this wallet's, filter by id below.
  const [seen, setSeen] = useState<ExtrinsicEvent[]>([])
  useEngineEvent('wallet.extrinsic', (e) => {
    if (e.wallet === wallet.name) setSeen((prev) => [...prev, e])
  })
  const events = id === undefined ? [] : seen.filter((e) => e.id === id)
  const locked = !(wallet.unlockedUntil && wallet.unlockedUntil > Date.now())
  const unit = kind === 'unstake' ? 'alpha' : 'TAO'

  const review = async () => {
    setError(undefined)
    let units: bigint
    try {
      units = parseTao(amount)
      if (units <= 0n) throw new Error('The amount must be above 0.')
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
      return
    }
    const c: WalletCall = kind === 'transfer' ? { kind, to: to.trim(), amount: units.toString() } : { kind, hotkey: hotkey.trim(), netuid, amount: units.toString() }
    const slippagePercent = slippage ?? savedSlippage
    setBusy(true)
    try {
      const e = await engine.call('wallet.estimate', { name: wallet.name, call: c, ...(kind === 'transfer' ? {} : { slippagePercent }) })
      // The tolerance typed here becomes the default of the next stake (settings stakeSlippagePercent).
      if (kind !== 'transfer' && slippagePercent !== savedSlippage) await engine.call('settings.update', { stakeSlippagePercent: slippagePercent })
      setEstimate(e)
      // Sign what was reviewed: the call with the limit price computed from the price shown.
      setCall(e.call)
      setStep('review')
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  const send = async () => {
    if (!call) return
    setBusy(true)
    setError(undefined)
    try {
      const r = await engine.call('wallet.submit', { name: wallet.name, call })
      setId(r.id)
      setStep('sending')
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  const last = events.at(-1)
  const reached = new Set(events.map((e) => e.stage))
  const done = last?.stage === 'finalized' || last?.stage === 'failed'
  return (
    <Modal opened onClose={onClose} title={`${TITLES[kind]} · ${wallet.name}`} size="lg" closeOnClickOutside={step !== 'sending' || done}>
      {step === 'form' && (
        <Stack>
          {kind === 'transfer' ? (
            <TextInput label="To address" placeholder="5…" value={to} onChange={(e) => setTo(e.currentTarget.value)} data-testid="money-to" />
          ) : (
            <>
              <Select
                label="Hotkey"
                description="One of this wallet's hotkeys, or paste any hotkey address (a validator you delegate to)."
                data={ownHotkeys.some((h) => h.value === hotkey) || !hotkey ? ownHotkeys : [...ownHotkeys, { value: hotkey, label: hotkey }]}
                value={hotkey}
                onChange={(v) => setHotkey(v ?? '')}
                searchable
                onSearchChange={(q) => {
                  if (q.length >= 46 && q.startsWith('5')) setHotkey(q)
                }}
                data-testid="money-hotkey"
              />
              <NumberInput label="Subnet (netuid)" value={netuid} onChange={(v) => setNetuid(typeof v === 'number' ? v : 0)} min={0} max={65535} data-testid="money-netuid" />
            </>
          )}
          <TextInput label={`Amount (${unit})`} placeholder="1.5" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} data-testid="money-amount" />
          {prefill && (
            <Text size="xs" c={prefill.error ? 'red' : 'dimmed'} data-testid="money-prefill">
              {prefill.error ?? prefill.note}
            </Text>
          )}
          {kind !== 'unstake' && network === 'devnet' && wallet.coldkey.address && <PracticeFaucet coldkey={wallet.coldkey.address} amount={amount} onFunded={onFunded} />}
          {kind !== 'transfer' && (
            <NumberInput
              label="Slippage tolerance (%)"
              description={`The chain refuses the whole ${kind} if the alpha price moves more than this from the price shown on the next step. Kept as your default.`}
              value={slippage ?? savedSlippage}
              onChange={(v) => setSlippage(typeof v === 'number' ? v : undefined)}
              min={0}
              max={100}
              step={0.1}
              decimalScale={4}
              suffix=" %"
              data-testid="money-slippage"
            />
          )}
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button loading={busy} onClick={() => void review()} disabled={!amount || (kind === 'transfer' ? !to : !hotkey)} data-testid="money-review">Review</Button>
          </Group>
        </Stack>
      )}
      {step === 'review' && estimate && call && after && (
        <Stack data-testid="money-confirm">
          <Text fw={600}>{estimate.summary}</Text>
          <Table>
            <Table.Tbody>
              <Table.Tr><Table.Td>Amount</Table.Td><Table.Td ff="monospace">{formatTao(call.amount)} {unit}</Table.Td></Table.Tr>
              {estimate.price && call.kind !== 'transfer' &&
                priceRows(estimate.price, call).map((r) => (
                  <Table.Tr key={r.testId}><Table.Td>{r.label}</Table.Td><Table.Td ff="monospace" data-testid={r.testId}>{r.value}</Table.Td></Table.Tr>
                ))}
              <Table.Tr>
                <Table.Td>Network fee</Table.Td>
                <Table.Td ff="monospace" data-testid="money-fee">{estimate.fee === null ? 'not reported by this node' : `${formatTao(estimate.fee)} TAO`}</Table.Td>
              </Table.Tr>
              <Table.Tr><Table.Td>Free balance now</Table.Td><Table.Td ff="monospace">{formatTao(estimate.free)} TAO</Table.Td></Table.Tr>
              <Table.Tr><Table.Td>Taken from your free balance</Table.Td><Table.Td ff="monospace">{formatTao(after.taken)} TAO{estimate.fee === null ? ' + fee' : ''}</Table.Td></Table.Tr>
              <Table.Tr>
                <Table.Td>Free balance afterwards</Table.Td>
                <Table.Td ff="monospace" data-testid="money-left">{after.atLeast ? 'at least ' : ''}{formatTao(after.left)} TAO{estimate.fee === null ? ' − fee' : ''}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {estimate.note && <Text size="xs" c="dimmed">{estimate.note}</Text>}
          {estimate.enough === false && (
            <Alert color="orange" data-testid="money-not-enough">
              {kind === 'unstake' ? 'The stake on this hotkey and subnet is smaller than this amount.' : 'The free balance does not cover this amount, the fee and the existential deposit (500 rao) that must stay.'} The chain will
              most likely refuse it.
            </Alert>
          )}
          {estimate.enough === false && kind === 'stake' && network === 'devnet' && wallet.coldkey.address && (
            <PracticeFaucet
              coldkey={wallet.coldkey.address}
              amount={formatTao(call.amount)}
              onFunded={() => {
                onFunded()
                void review()
              }}
            />
          )}
          {locked && <Alert color="yellow">The coldkey is locked. Unlock it on the wallet card first; the transaction is signed in the engine with the unlocked key.</Alert>}
          <Text size="xs" c="dimmed">Transactions on {estimate.network} cannot be undone. Check the address and amount.</Text>
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setStep('form')}>Back</Button>
            <Button color="red" loading={busy} disabled={locked} onClick={() => void send()} data-testid="money-send">Confirm and send</Button>
          </Group>
        </Stack>
      )}
      {step === 'sending' && (
        <Stack data-testid="money-status">
          <Timeline active={STAGES.findLastIndex((s) => reached.has(s.stage))} bulletSize={18} lineWidth={2}>
            {STAGES.map((s) => {
              const e = events.find((x) => x.stage === s.stage)
              return (
                <Timeline.Item key={s.stage} title={s.label}>
                  {e?.blockHash && <Text size="xs" c="dimmed" ff="monospace">{e.blockNumber !== undefined ? `#${e.blockNumber} ` : ''}{e.blockHash}</Text>}
                </Timeline.Item>
              )
            })}
          </Timeline>
          {!done && <Group gap="xs"><Loader size="xs" /><Text size="sm">Waiting for the chain…</Text></Group>}
          {last?.stage === 'finalized' && <Alert color="teal" data-testid="money-finalized">Finalized in block #{last.blockNumber}.</Alert>}
          {last?.stage === 'failed' && (
            <Alert color="red" title={last.errorCode} data-testid="money-failed">{last.error}</Alert>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose} variant={done ? 'filled' : 'default'}>{done ? 'Close' : 'Hide (keeps running)'}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
