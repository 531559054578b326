import '@mantine/charts/styles.css'
import { BarChart } from '@mantine/charts'
import { ActionIcon, Alert, Badge, Button, Card, Code, CopyButton, Group, NumberInput, SegmentedControl, Stack, Switch, Table, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconCheck, IconCopy, IconDownload } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { ApiKey } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { useBusyAction } from '../../ui/use-busy-action'
import { usageByDay } from './usage-series'

const COLORS = ['blue.6', 'teal.6', 'grape.6', 'orange.6', 'red.6', 'cyan.6', 'lime.6', 'pink.6']

/** The validator's subnet API: on/off and port, API keys, usage per key for billing, TLS guidance. */
export function SubnetApiPage() {
  const status = useEngineQuery('subnetApi.status', {})
  useEngineEvent('subnetApi.status', () => status.reload())
  return (
    <Stack gap="md">
      <PageHeader title="Subnet API" description="Serve the subnet’s miners to paying users through an OpenAI-compatible embeddings API, with your own API keys, limits and usage metering." />
      {status.error && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />}>
          {status.error}
        </Alert>
      )}
      <ServerCard />
      <KeysCard />
      <UsageCard />
      {status.data && (
        <Card withBorder data-testid="subnet-api-tls">
          <Title order={4} mb="xs">
            Exposing it to users (TLS)
          </Title>
          <Stack gap={6}>
            {status.data.tlsGuidance.split('\n').map((line) => (
              <Text size="sm" key={line}>
                {line}
              </Text>
            ))}
          </Stack>
        </Card>
      )}
    </Stack>
  )
}

function ServerCard() {
  const engine = useEngine()
  const status = useEngineQuery('subnetApi.status', {})
  useEngineEvent('subnetApi.status', () => status.reload())
  const [port, setPort] = useState<number | string>('')
  const [bind, setBind] = useState('')
  const action = useBusyAction()
  const s = status.data
  useEffect(() => {
    if (s && port === '') setPort(s.config.port)
    if (s && bind === '') setBind(s.config.bindAddress)
  }, [s, port, bind])
  if (!s) return null
  const configure = (patch: Parameters<typeof engine.call<'subnetApi.configure'>>[1]) =>
    action.run(async () => {
      const r = await engine.call('subnetApi.configure', patch)
      if (r.error) throw new Error(r.error)
      status.reload()
    })
  const portValid = typeof port === 'number' && port >= 1 && port <= 65535
  return (
    <Card withBorder data-testid="subnet-api-server">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Server</Title>
        {s.listening ? (
          <Badge color="teal" data-testid="subnet-api-listening">
            Listening
          </Badge>
        ) : (
          <Badge color="gray">Off</Badge>
        )}
      </Group>
      <Stack gap="sm">
        <Group align="flex-end">
          <NumberInput label="Port" value={port} onChange={setPort} min={1} max={65535} w={120} error={portValid ? undefined : '1 to 65535'} data-testid="subnet-api-port" />
          <TextInput label="Listen on" description="127.0.0.1 = this computer only" value={bind} onChange={(e) => setBind(e.currentTarget.value)} w={220} data-testid="subnet-api-bind" />
          <Switch
            label={s.config.enabled ? 'On' : 'Off'}
            checked={s.config.enabled}
            disabled={action.busy || !portValid || !bind.trim()}
            onChange={(e) => void configure({ enabled: e.currentTarget.checked, port: Number(port), bindAddress: bind.trim() })}
            data-testid="subnet-api-enabled"
          />
          {s.config.enabled && (Number(port) !== s.config.port || bind.trim() !== s.config.bindAddress) && (
            <Button variant="light" disabled={!portValid} onClick={() => void configure({ port: Number(port), bindAddress: bind.trim() })}>
              Apply
            </Button>
          )}
        </Group>
        <Switch label="Cross-check: ask two miners and refuse answers that disagree (slower, safer)" checked={s.config.crossCheck} onChange={(e) => void configure({ crossCheck: e.currentTarget.checked })} />
        {s.baseUrl && (
          <Text size="sm" data-testid="subnet-api-url">
            Base URL <Code>{s.baseUrl}</Code> · model <Code>{s.model}</Code> · {s.miners === 0 ? 'no miner ranked yet: run a validator round first' : `${s.miners} ranked miners`}
          </Text>
        )}
        {(action.error ?? s.error) && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="subnet-api-error">
            {action.error ?? s.error}
          </Alert>
        )}
      </Stack>
    </Card>
  )
}

function KeysCard() {
  const engine = useEngine()
  const keys = useEngineQuery('subnetApi.keys.list', {})
  const [name, setName] = useState('')
  const [rate, setRate] = useState<number | string>('')
  const [quota, setQuota] = useState<number | string>('')
  const [secret, setSecret] = useState<{ name: string; value: string }>()
  const action = useBusyAction()
  const issued = (r: { key: ApiKey; secret: string }) => {
    setSecret({ name: r.key.name, value: r.secret })
    keys.reload()
  }
  const create = () =>
    action.run(async () => {
      issued(await engine.call('subnetApi.keys.create', { name: name.trim(), ...(typeof rate === 'number' ? { ratePerMinute: rate } : {}), ...(typeof quota === 'number' ? { monthlyTokenQuota: quota } : {}) }))
      setName('')
    })
  const revoke = (k: ApiKey) =>
    action.run(async () => {
      await engine.call('subnetApi.keys.revoke', { id: k.id })
      keys.reload()
    })
  const rotate = (k: ApiKey) => action.run(async () => issued(await engine.call('subnetApi.keys.rotate', { id: k.id })))
  return (
    <Card withBorder data-testid="subnet-api-keys">
      <Title order={4} mb="xs">
        API keys
      </Title>
      <Stack gap="sm">
        <Group align="flex-end">
          <TextInput label="Who is it for" placeholder="customer or project" value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="subnet-api-key-name" />
          <NumberInput label="Requests a minute" description="empty = default, 0 = unlimited" value={rate} onChange={setRate} min={0} w={170} />
          <NumberInput label="Tokens a month" description="empty = default, 0 = unlimited" value={quota} onChange={setQuota} min={0} w={170} />
          <Button onClick={() => void create()} disabled={!name.trim()} loading={action.busy} data-testid="subnet-api-key-create">
            Create key
          </Button>
        </Group>
        {secret && (
          <Alert color="yellow" title={`Secret of “${secret.name}”: copy it now`} data-testid="subnet-api-secret" withCloseButton onClose={() => setSecret(undefined)}>
            <Group gap="xs" wrap="nowrap">
              <Code data-testid="subnet-api-secret-value">{secret.value}</Code>
              <CopyButton value={secret.value}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? 'Copied' : 'Copy'}>
                    <ActionIcon variant="subtle" onClick={copy} aria-label="Copy the secret" data-testid="subnet-api-secret-copy">
                      {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            </Group>
            <Text size="sm" mt={4}>
              You will not see this again: TaoDesk keeps only its hash. If it is lost, rotate the key.
            </Text>
          </Alert>
        )}
        {action.error && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="subnet-api-keys-error">
            {action.error}
          </Alert>
        )}
        {keys.data && keys.data.length === 0 && <Text c="dimmed">No keys yet. Create one for each user, so usage can be billed per key.</Text>}
        {keys.data && keys.data.length > 0 && (
          <Table data-testid="subnet-api-key-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Limits</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((k) => (
                <Table.Tr key={k.id} data-testid={`subnet-api-key-${k.name}`}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}</Code>
                  </Table.Td>
                  <Table.Td>
                    {k.ratePerMinute || '∞'}/min · {k.monthlyTokenQuota ? `${k.monthlyTokenQuota.toLocaleString()} tokens/month` : 'no quota'}
                  </Table.Td>
                  <Table.Td>{new Date(k.createdAt).toLocaleDateString()}</Table.Td>
                  <Table.Td>{k.revokedAt ? <Badge color="gray">revoked</Badge> : <Badge color="teal">active</Badge>}</Table.Td>
                  <Table.Td>
                    {!k.revokedAt && (
                      <Group gap={4} justify="flex-end">
                        <Button size="compact-xs" variant="light" onClick={() => void rotate(k)}>
                          Rotate
                        </Button>
                        <Button size="compact-xs" variant="light" color="red" onClick={() => void revoke(k)}>
                          Revoke
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  )
}

function UsageCard() {
  const usage = useEngineQuery('subnetApi.usage', {})
  const [measure, setMeasure] = useState<'requests' | 'texts' | 'tokens'>('tokens')
  useEffect(() => {
    const t = setInterval(() => usage.reload(), 10_000)
    return () => clearInterval(t)
  }, [usage])
  const rows = usage.data?.rows ?? []
  const { data, keys } = usageByDay(rows, measure)
  const download = () => {
    const url = URL.createObjectURL(new Blob([usage.data?.csv ?? ''], { type: 'text/csv' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `taodesk-subnet-api-usage-${new Date().toISOString().slice(0, 10)}.csv`
    a.click()
    URL.revokeObjectURL(url)
  }
  return (
    <Card withBorder data-testid="subnet-api-usage">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Usage per key</Title>
        <Group gap="xs">
          <SegmentedControl size="xs" value={measure} onChange={(v) => setMeasure(v as typeof measure)} data={['requests', 'texts', 'tokens']} />
          <Button size="xs" variant="light" leftSection={<IconDownload size={14} />} disabled={rows.length === 0} onClick={download} data-testid="subnet-api-usage-csv">
            Export CSV
          </Button>
        </Group>
      </Group>
      {usage.error && <Alert color="red">{usage.error}</Alert>}
      {rows.length === 0 ? (
        <Text c="dimmed">No usage yet. Requests answered with a key are counted here per UTC day.</Text>
      ) : (
        <Stack gap="sm">
          <BarChart h={220} data={data} dataKey="day" type="stacked" withLegend series={keys.map((k, i) => ({ name: k, color: COLORS[i % COLORS.length]! }))} />
          <Table data-testid="subnet-api-usage-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Day (UTC)</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Requests</Table.Th>
                <Table.Th>Texts</Table.Th>
                <Table.Th>Tokens</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...rows].reverse().map((r) => (
                <Table.Tr key={`${r.day}:${r.keyId}`}>
                  <Table.Td>{r.day}</Table.Td>
                  <Table.Td>{r.keyName}</Table.Td>
                  <Table.Td>{r.requests}</Table.Td>
                  <Table.Td>{r.texts}</Table.Td>
                  <Table.Td>{r.tokens}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Card>
  )
}
