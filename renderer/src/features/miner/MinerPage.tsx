import '@mantine/charts/styles.css'
import { LineChart } from '@mantine/charts'
import { Alert, Badge, Button, Card, Group, Loader, NumberInput, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core'
import { IconAlertTriangle, IconPlayerPlay, IconPlayerStop, IconWorldCheck } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { MinerMinute, MinerRequestEntry, MinerStatus, NetworkId } from '../../../../native/contract'
import { MinerStartParams, NETWORK_CHOICES } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { boundsOf, defaultOf } from '../../ui/schema-fields'
import { RewardsSection } from './RewardsSection'
import { ZeroRewardsNote } from './ZeroRewardsNote'
import { RewardsCharts } from './RewardsCharts'
import { addressStatus, minerFormDefaults } from './miner-form'
import type { MinerFormValues } from './miner-form'
import { guiText } from '../../ui/gui-text'
import { networkName } from '../../ui/network-name'
import { errorMessage } from '../../../../native/base'
import { SelfScoreCard } from './SelfScoreCard'
import { InferenceEndpointsCard } from './InferenceEndpointsCard'
import { useChainStatus } from '../subnet/NetworkPicker'
import { ProtocolConfirmation, SubnetIdentityView, confirmationMatches } from '../subnet/SubnetIdentity'
import { useChosenSubnet } from '../subnet/use-chosen-subnet'

const FEED_SIZE = 50
const DEFAULT_HOTKEY = defaultOf(MinerStartParams.shape.hotkey)
const DEFAULT_PORT = defaultOf(MinerStartParams.shape.port)
const WARNING_TITLES: Record<string, string> = {
  unreachable: 'Validators cannot reach your axon',
  deregistration: 'Deregistration risk',
  deregistered: 'Deregistered',
  model_quality: 'Weak model',
  not_registered: 'Not registered',
  no_queries: 'No validator queries yet',
  address: 'Validators cannot use this address',
  serve: 'Your address is not published on chain',
  public_ip: 'Your public address is unknown',
  no_chain: 'Not connected to the chain',
  metagraph: 'Subnet data is out of date',
  rewards: 'Rewards cannot be shown',
  metrics_port: 'Metrics are off',
  disk_full: 'The disk is almost full',
}
/** Every warning has a title; one added in the engine later still gets a plain one. */
function warningTitle(code: string): string {
  return WARNING_TITLES[code] ?? 'The miner needs attention'
}
const STATE_COLOR: Record<MinerStatus['state'], string> = { stopped: 'gray', starting: 'blue', running: 'green', stopping: 'yellow', failed: 'red' }

function shortKey(k: string | null): string {
  return k ? `${k.slice(0, 6)}…${k.slice(-4)}` : '—'
}

type StartParams = { wallet: string; hotkey: string; network: string; netuid?: number; port: number; externalIp?: string; serve: boolean; force?: boolean }

/** The network as MinerStartParams wants it: a known id, or the custom endpoint's URL. */
function networkParam(id: NetworkId, customUrl: string): string {
  return id === 'custom' ? customUrl : id
}

function StartForm({ busy, onStart }: { busy: boolean; onStart: (p: StartParams, remembered: MinerFormValues) => void }) {
  const wallets = useEngineQuery('wallet.list', {})
  const settings = useEngineQuery('settings.get', {})
  const [form, setForm] = useState<MinerFormValues>()
  useEffect(() => {
    if (!form && wallets.data && settings.data) setForm(minerFormDefaults(settings.data.minerForm, wallets.data.wallets))
  }, [form, wallets.data, settings.data])
  useEngineEvent('wallet.changed', (list) => setForm((f) => (f ? minerFormDefaults(f, list.wallets) : f)))
  // The miner runs on the network the header shows; the picker offers the others by name.
  const chain = useChainStatus()
  const [picked, setPicked] = useState<NetworkId>()
  const network = picked ?? chain?.network
  const subnet = useChosenSubnet()
  const onSelected = network !== undefined && network === chain?.network
  const [typed, setTyped] = useState('')
  const verdict = onSelected ? subnet.protocol : null
  const confirmed = !verdict || verdict.verdict === 'speaks' || (subnet.netuid !== null && confirmationMatches(typed, subnet.netuid, subnet.identity))
  const walletList = wallets.data?.wallets ?? []
  const chosenWallet = walletList.find((w) => w.name === form?.wallet)
  const set = (patch: Partial<MinerFormValues>): void => setForm((f) => (f ? minerFormDefaults({ ...f, ...patch }, walletList) : f))
  if (wallets.data && walletList.length === 0) {
    return (
      <Card withBorder data-testid="miner-needs-wallet">
        <Stack gap="sm" align="flex-start">
          <Title order={4}>Start mining</Title>
          <Text size="sm">Mining needs a wallet: its hotkey signs the miner's answers and receives the rewards.</Text>
          <Button onClick={() => (window.location.hash = '/wallet')}>Create a wallet</Button>
        </Stack>
      </Card>
    )
  }
  // The last values load first, so the fields never flash the defaults.
  if (!form) {
    return (
      <Card withBorder>
        <Loader size="sm" />
      </Card>
    )
  }
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={4}>Start mining{onSelected && subnet.netuid !== null ? ` on subnet ${subnet.netuid}` : ''}</Title>
        {onSelected && subnet.netuid !== null && verdict && (
          <>
            <SubnetIdentityView netuid={subnet.netuid} identity={subnet.identity} protocol={verdict} />
            <ProtocolConfirmation netuid={subnet.netuid} identity={subnet.identity} protocol={verdict} action="mining" typed={typed} onTyped={setTyped} />
          </>
        )}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label="Wallet"
            description="Its hotkey signs answers and earns the rewards"
            data={walletList.map((w) => w.name)}
            value={form?.wallet || null}
            onChange={(v) => v && set({ wallet: v })}
            allowDeselect={false}
            data-testid="miner-wallet"
          />
          <Select
            label="Hotkey"
            description="A key of that wallet, registered on the subnet"
            data={(chosenWallet?.hotkeys ?? []).map((h) => h.name)}
            value={form?.hotkey || null}
            onChange={(v) => v && set({ hotkey: v })}
            allowDeselect={false}
            data-testid="miner-hotkey"
          />
          <Select
            label="Network"
            description={onSelected ? 'The network chosen in the header' : 'Not the network chosen in the header'}
            data={NETWORK_CHOICES.map((c) => ({ value: c.id, label: c.label }))}
            value={network ?? null}
            onChange={(v) => v && setPicked(v as NetworkId)}
            allowDeselect={false}
            data-testid="miner-network"
          />
          <NumberInput label="Axon port" value={form?.port ?? DEFAULT_PORT} {...boundsOf(MinerStartParams.shape.port)} onChange={(v) => set({ port: typeof v === 'number' ? v : DEFAULT_PORT })} data-testid="miner-port" />
          <TextInput
            label="Public IP"
            description={network === 'devnet' ? 'Leave empty: on the practice network validators on this machine reach your miner at 127.0.0.1' : 'Leave empty to detect it'}
            placeholder={network === 'devnet' ? '127.0.0.1 (this machine)' : 'detected automatically'}
            value={form?.externalIp ?? ''} onChange={(e) => set({ externalIp: e.currentTarget.value })} data-testid="miner-external-ip" />
          <Switch label="Publish the axon on chain" checked={form?.serve ?? true} onChange={(e) => set({ serve: e.currentTarget.checked })} mt="lg" />
        </SimpleGrid>
        <Group>
          <Button
            leftSection={<IconPlayerPlay size={16} />}
            disabled={!form?.wallet || !network || !confirmed}
            loading={busy}
            data-testid="miner-start"
            onClick={() =>
              form &&
              network &&
              onStart(
                {
                  wallet: form.wallet,
                  hotkey: form.hotkey || DEFAULT_HOTKEY,
                  network: networkParam(network, chain?.customUrl ?? ''),
                  netuid: onSelected ? (subnet.netuid ?? undefined) : undefined,
                  port: form.port,
                  externalIp: form.externalIp.trim() || undefined,
                  serve: form.serve,
                  force: verdict !== null && verdict.verdict !== 'speaks' && confirmed ? true : undefined,
                },
                form,
              )
            }
          >
            Start
          </Button>
        </Group>
      </Stack>
    </Card>
  )
}

function StatusCard({ s, onStop, onTest, busy }: { s: MinerStatus; onStop: () => void; onTest: () => void; busy: boolean }) {
  const rows: Array<[string, string]> = [
    ['Hotkey', s.hotkey ? `${s.hotkey}${s.uid !== null ? ` (uid ${s.uid})` : ' (not registered)'}` : '—'],
    ['Network', s.network ? `${networkName(s.network)}${s.netuid !== null ? ` · subnet ${s.netuid}` : ''}` : '—'],
    ['Axon', s.listen ? `${s.externalIp ?? s.listen.host}:${s.listen.port}` : '—'],
    ['Address', addressStatus(s).text],
    ['Model', s.provider ?? '—'],
    ['Requests', `${s.totals.requests} (${s.totals.errors} failed) · ${s.totals.texts} texts · ${s.load.inFlight} running, ${s.load.queued} waiting`],
    ['Metrics', s.metricsUrl ?? 'off'],
  ]
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Title order={4}>Miner</Title>
          <Badge color={STATE_COLOR[s.state]} data-testid="miner-state">
            {s.state}
          </Badge>
        </Group>
        <Group gap="xs">
          <Button variant="default" leftSection={<IconWorldCheck size={16} />} onClick={onTest} disabled={s.state !== 'running'} loading={busy}>
            Test reachability
          </Button>
          <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} onClick={onStop} disabled={s.state !== 'running'} data-testid="miner-stop">
            Stop
          </Button>
        </Group>
      </Group>
      <Table>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Td w={120}>
                <Text size="sm" c="dimmed">
                  {k}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff={k === 'Hotkey' ? 'monospace' : undefined}>
                  {v}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  )
}

export function MinerPage() {
  const engine = useEngine()
  const initial = useEngineQuery('miner.status', {})
  const initialFeed = useEngineQuery('miner.requests', { limit: FEED_SIZE })
  const [status, setStatus] = useState<MinerStatus>()
  const [feed, setFeed] = useState<MinerRequestEntry[]>()
  const [minutes, setMinutes] = useState<MinerMinute[]>([])
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  useEngineEvent('miner.status', setStatus)
  useEngineEvent('miner.request', (r) => setFeed((f) => [r, ...(f ?? initialFeed.data ?? [])].slice(0, FEED_SIZE)))

  useEffect(() => {
    let cancelled = false
    const load = (): void => {
      engine
        .call('miner.metrics', { since: Date.now() - 60 * 60_000 })
        .then((m) => !cancelled && setMinutes(m))
        .catch(() => undefined)
    }
    load()
    const t = setInterval(load, 15_000)
    return () => {
      cancelled = true
      clearInterval(t)
    }
  }, [engine])

  const s = status ?? initial.data
  const rows = feed ?? initialFeed.data ?? []
  const act = (p: Promise<unknown>): void => {
    setBusy(true)
    p.then(() => setError(undefined))
      .catch((e: unknown) => setError(guiText(errorMessage(e))))
      .finally(() => setBusy(false))
  }
  const chartData = minutes.map((m) => ({ time: new Date(m.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), requests: m.requests, errors: m.errors, p50: Math.round(m.p50Ms), p95: Math.round(m.p95Ms) }))

  return (
    <Stack>
      <PageHeader title="Miner" description="Answer validators of an embedding subnet with text embeddings from your machine." />
      {error && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} withCloseButton onClose={() => setError(undefined)} data-testid="miner-error">
          {error}
        </Alert>
      )}
      {s?.warnings.map((w) => (
        <Alert key={w.code} color={w.code === 'deregistered' ? 'red' : 'yellow'} icon={<IconAlertTriangle size={18} />} title={warningTitle(w.code)} data-testid={`miner-warning-${w.code}`}>
          {guiText(w.message)}
          {w.code === 'unreachable' && s.reachability && (
            <ul>
              {s.reachability.advice.map((a) => (
                <li key={a}>{guiText(a)}</li>
              ))}
            </ul>
          )}
        </Alert>
      ))}
      {s && s.state !== 'running' && s.state !== 'stopping' && (
        <StartForm
          busy={busy || s.state === 'starting'}
          onStart={(p, remembered) => {
            void engine.call('settings.update', { minerForm: remembered }).catch(() => undefined)
            act(engine.call('miner.start', p))
          }}
        />
      )}
      {s && (s.state === 'running' || s.state === 'stopping') && (
        <StatusCard s={s} busy={busy} onStop={() => act(engine.call('miner.stop', {}))} onTest={() => act(engine.call('miner.selfTest', {}))} />
      )}
      <RewardsSection running={s?.state === 'running'} />
      {s?.state === 'running' && <ZeroRewardsNote />}
      {s?.state === 'running' && <RewardsCharts />}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Text fw={500} mb="xs">
            Requests per minute
          </Text>
          {chartData.length === 0 ? (
            <Text size="sm" c="dimmed">
              No requests in the last hour.
            </Text>
          ) : (
            <LineChart h={180} data={chartData} dataKey="time" series={[{ name: 'requests', color: 'blue.6' }, { name: 'errors', color: 'red.6' }]} />
          )}
        </Card>
        <Card withBorder>
          <Text fw={500} mb="xs">
            Latency (ms)
          </Text>
          {chartData.length === 0 ? (
            <Text size="sm" c="dimmed">
              No requests in the last hour.
            </Text>
          ) : (
            <LineChart h={180} data={chartData} dataKey="time" unit=" ms" series={[{ name: 'p50', color: 'teal.6' }, { name: 'p95', color: 'orange.6' }]} />
          )}
        </Card>
      </SimpleGrid>
      <SelfScoreCard />
      <InferenceEndpointsCard />
      <Card withBorder>
        <Text fw={500} mb="xs">
          Live requests
        </Text>
        {rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            No requests yet. Validators query registered miners every few minutes.
          </Text>
        ) : (
          <Table striped data-testid="miner-feed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Caller</Table.Th>
                <Table.Th>Texts</Table.Th>
                <Table.Th>Latency</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={`${r.id}-${r.time}`}>
                  <Table.Td>{new Date(r.time).toLocaleTimeString()}</Table.Td>
                  <Table.Td ff="monospace">
                    {r.hotkey ? shortKey(r.hotkey) : r.ip}
                    {r.uid !== null ? ` (uid ${r.uid})` : ''}
                  </Table.Td>
                  <Table.Td>{r.texts}</Table.Td>
                  <Table.Td>{Math.round(r.latencyMs)} ms</Table.Td>
                  <Table.Td>
                    <Badge color={r.status === 200 ? 'green' : r.status === 403 || r.status === 401 ? 'orange' : 'red'} variant="light" title={r.message}>
                      {r.status}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  )
}
