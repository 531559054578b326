import { ActionIcon, Badge, Button, Card, Group, NumberInput, Select, Switch, Table, Text, TextInput, Title } from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { InferenceEndpoint, InferenceEndpointStatus, InferenceSettings } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'

const KINDS = [
  { value: 'tei', label: 'text-embeddings-inference' },
  { value: 'openai', label: 'OpenAI-compatible (/v1/embeddings)' },
]

/** Remote inference servers the miner spreads validator requests over (saved for the next start). */
export function InferenceEndpointsCard() {
  const engine = useEngine()
  const saved = useEngineQuery('inference.settings', {})
  const [draft, setDraft] = useState<InferenceSettings>()
  const [health, setHealth] = useState<InferenceEndpointStatus[]>()
  const [message, setMessage] = useState<{ ok: boolean; text: string }>()
  const [busy, setBusy] = useState(false)
  useEffect(() => setDraft((d) => d ?? saved.data), [saved.data])
  // While the miner runs, its own health view replaces the last manual check.
  useEngineEvent('miner.status', (s) => s.inference && setHealth(s.inference))
  const settings = draft ?? { endpoints: [], local: true }

  const update = (i: number, patch: Partial<InferenceEndpoint>): void => setDraft({ ...settings, endpoints: settings.endpoints.map((e, k) => (k === i ? { ...e, ...patch } : e)) })
  const act = (work: Promise<unknown>, done: string): void => {
    setBusy(true)
    setMessage(undefined)
    work
      .then(() => setMessage({ ok: true, text: done }))
      .catch((e: unknown) => setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) }))
      .finally(() => setBusy(false))
  }
  const healthOf = (url: string): InferenceEndpointStatus | undefined => health?.find((h) => h.url === url)

  return (
    <Card withBorder data-testid="miner-inference">
      <Title order={4}>Inference endpoints</Title>
      <Text size="sm" c="dimmed" mb="xs">
        Optional: text-embeddings-inference or OpenAI-compatible servers (infinity, vLLM, Ollama, another TaoDesk&apos;s local API) that share the miner&apos;s work. Requests go to the endpoint expected to finish first, and move to another
        one if it fails. Used from the next miner start; API keys are read from an environment variable of the engine, never saved.
      </Text>
      {settings.endpoints.length > 0 && (
        <Table mb="xs">
          <Table.Tbody>
            {settings.endpoints.map((e, i) => {
              const h = healthOf(e.url)
              return (
                <Table.Tr key={i}>
                  <Table.Td>
                    <Select aria-label="Kind" data={KINDS} value={e.kind} allowDeselect={false} onChange={(v) => v && update(i, { kind: v as InferenceEndpoint['kind'] })} />
                  </Table.Td>
                  <Table.Td>
                    <TextInput aria-label="Address" placeholder="http://10.0.0.5:8080" value={e.url} onChange={(ev) => update(i, { url: ev.currentTarget.value })} />
                  </Table.Td>
                  <Table.Td w={90}>
                    <NumberInput aria-label="Weight" min={0.01} max={100} step={0.5} value={e.weight} onChange={(v) => update(i, { weight: typeof v === 'number' ? v : 1 })} />
                  </Table.Td>
                  <Table.Td>
                    <TextInput aria-label="API key variable" placeholder="key variable (optional)" value={e.apiKeyEnv ?? ''} onChange={(ev) => update(i, { apiKeyEnv: ev.currentTarget.value || undefined })} />
                  </Table.Td>
                  <Table.Td>
                    {h && (
                      <Badge color={h.healthy ? 'teal' : 'red'} title={h.lastError ?? undefined}>
                        {h.healthy ? `up${h.textsPerSecond !== null ? ` · ${h.textsPerSecond.toFixed(0)} texts/s` : ''}` : 'down'}
                      </Badge>
                    )}
                    {h && !h.healthy && h.lastError && (
                      <Text size="xs" c="red">
                        {h.lastError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon variant="subtle" color="red" aria-label="Remove endpoint" onClick={() => setDraft({ ...settings, endpoints: settings.endpoints.filter((_, k) => k !== i) })}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              )
            })}
          </Table.Tbody>
        </Table>
      )}
      <Group>
        <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setDraft({ ...settings, endpoints: [...settings.endpoints, { kind: 'tei', url: '', weight: 1 }] })} disabled={settings.endpoints.length >= 16}>
          Add endpoint
        </Button>
        <Switch label="Also use this machine's model" checked={settings.local} onChange={(ev) => setDraft({ ...settings, local: ev.currentTarget.checked })} />
        <Button variant="default" loading={busy} disabled={settings.endpoints.length === 0} onClick={() => act(engine.call('inference.check', { endpoints: settings.endpoints }).then(setHealth), 'Checked.')} data-testid="inference-check">
          Check
        </Button>
        <Button loading={busy} onClick={() => act(engine.call('inference.save', settings).then(setDraft), 'Saved: used from the next miner start.')} data-testid="inference-save">
          Save
        </Button>
      </Group>
      {message && (
        <Text size="sm" mt="xs" c={message.ok ? 'teal' : 'red'} data-testid="inference-message">
          {message.text}
        </Text>
      )}
    </Card>
  )
}
