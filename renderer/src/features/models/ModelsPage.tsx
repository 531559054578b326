import { Alert, Badge, Button, Card, Group, List, Progress, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconBolt, IconCpu, IconDownload, IconGauge, IconPlayerStop, IconShieldCheck, IconTrash } from '@tabler/icons-react'
import { useState } from 'react'
import type { BenchReport, DownloadProgress, ModelRow, ProviderPreference, QuantizeReport, RuntimeStatus, SelfScoreModel, VerifyReport } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { VERDICT_COLOR, canFetchFp16, canQuantize, canUse, describeCosine, describeQuality, formatBytes, progressPercent, quantizeSummary, rowStatus, timeoutShare } from './models-format'
import { useBusyAction } from '../../ui/use-busy-action'
import { GpuCard } from './GpuCard'

const STATE_COLOR: Record<RuntimeStatus['state'], string> = { none: 'gray', loading: 'blue', ready: 'green', failed: 'red' }
const PROVIDER_OPTIONS: { value: ProviderPreference; label: string }[] = [
  { value: 'auto', label: 'Automatic (best available)' },
  { value: 'cuda', label: 'CUDA (NVIDIA GPU, Linux)' },
  { value: 'dml', label: 'DirectML (Windows GPU)' },
  { value: 'coreml', label: 'CoreML (macOS)' },
  { value: 'webgpu', label: 'WebGPU (experimental)' },
  { value: 'cpu', label: 'CPU only' },
]

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

function ActiveModelCard({ status, busy, onApply }: { status: RuntimeStatus | undefined; busy: boolean; onApply: (p: ProviderPreference) => void }) {
  const [pref, setPref] = useState<ProviderPreference | null>(null)
  const chosen = pref ?? status?.providerPreference ?? 'auto'
  const skipped = status?.attempts.filter((a) => !a.used) ?? []
  const used = status?.attempts.find((a) => a.used)
  return (
    <Card withBorder data-testid="models-active">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Active model</Title>
          <Badge color={STATE_COLOR[status?.state ?? 'none']} data-testid="models-state">
            {status?.state ?? '…'}
          </Badge>
        </Group>
        {status?.modelId ? (
          <Group gap="lg">
            <Text fw={600} data-testid="models-active-id">
              {status.modelId}
            </Text>
            {used && (
              <Badge leftSection={<IconCpu size={14} />} variant="light" data-testid="models-provider">
                {used.label}
              </Badge>
            )}
            {status.dimension !== null && <Text size="sm">{status.dimension} dimensions{status.dimension < 1024 ? ' (zero-padded to 1024 for validators)' : ''}</Text>}
            {status.threads !== null && status.workers !== null && (
              <Text size="sm">
                {status.workers} inference worker{status.workers === 1 ? '' : 's'} × {status.threads} thread{status.threads === 1 ? '' : 's'}
              </Text>
            )}
          </Group>
        ) : (
          <Text c="dimmed">No model loaded yet: download one below (all-MiniLM-L6-v2 is a good start on a CPU), then press Use.</Text>
        )}
        {status?.error && (
          <Alert color="red" icon={<IconAlertTriangle size={16} />} title="The last model change failed">
            {status.error}
          </Alert>
        )}
        {skipped.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Why not the other execution providers
            </Text>
            <List size="sm" spacing={2} data-testid="models-provider-reasons">
              {skipped.map((a) => (
                <List.Item key={a.provider}>
                  <b>{a.label}:</b> {a.reason}
                </List.Item>
              ))}
            </List>
          </Stack>
        )}
        <Group align="flex-end">
          <Select label="Execution provider" data={PROVIDER_OPTIONS} value={chosen} onChange={(v) => setPref((v as ProviderPreference | null) ?? 'auto')} w={280} allowDeselect={false} />
          <Button variant="light" disabled={!status?.modelId || busy} loading={busy} onClick={() => onApply(chosen)}>
            Reload with this provider
          </Button>
        </Group>
      </Stack>
    </Card>
  )
}

function TryItCard({ ready }: { ready: boolean }) {
  const engine = useEngine()
  const [a, setA] = useState('How do I create a new directory?')
  const [b, setB] = useState('mkdir creates a directory with the given name.')
  const [result, setResult] = useState<{ cosine: number; ms: number } | null>(null)
  const { busy, error, run: act } = useBusyAction()
  const compare = (): Promise<void> => act(async () => setResult(await engine.call('models.similarity', { a, b })))
  return (
    <Card withBorder data-testid="models-tryit">
      <Stack gap="sm">
        <Title order={4}>Try it</Title>
        <Textarea label="First text" value={a} onChange={(e) => setA(e.currentTarget.value)} autosize minRows={2} data-testid="tryit-a" />
        <Textarea label="Second text" value={b} onChange={(e) => setB(e.currentTarget.value)} autosize minRows={2} data-testid="tryit-b" />
        <Group>
          <Button onClick={() => void compare()} disabled={!ready || !a.trim() || !b.trim()} loading={busy} data-testid="tryit-compare">
            Compare
          </Button>
          {!ready && <Text size="sm" c="dimmed">Load a model first.</Text>}
        </Group>
        {result && (
          <Group gap="sm" data-testid="tryit-result">
            <Text fw={700} size="xl">
              {result.cosine.toFixed(3)}
            </Text>
            <Text size="sm">
              cosine similarity: {describeCosine(result.cosine)} ({result.ms.toFixed(0)} ms)
            </Text>
          </Group>
        )}
        {error && <Alert color="red">{error}</Alert>}
      </Stack>
    </Card>
  )
}

function BenchCard({ ready }: { ready: boolean }) {
  const engine = useEngine()
  const [report, setReport] = useState<BenchReport | null>(null)
  const { busy, error, run: act } = useBusyAction()
  const run = (): Promise<void> => act(async () => setReport(await engine.call('models.bench', { texts: 64 })))
  return (
    <Card withBorder data-testid="models-bench">
      <Stack gap="sm">
        <Title order={4}>Is it fast enough?</Title>
        <Text size="sm" c="dimmed">
          Validators send up to 512 texts at once and give up after 60 seconds. This embeds 64 texts of realistic lengths and estimates a full request.
        </Text>
        <Group>
          <Button leftSection={<IconGauge size={16} />} onClick={() => void run()} disabled={!ready} loading={busy} data-testid="bench-run">
            Run a short benchmark
          </Button>
        </Group>
        {report && (
          <Stack gap={6} data-testid="bench-result">
            <Group gap="lg">
              <Text>
                <b>{report.textsPerSecond.toFixed(1)}</b> texts/s
              </Text>
              <Text>
                <b>{report.tokensPerSecond.toFixed(0)}</b> tokens/s
              </Text>
              <Text>
                512 texts ≈ <b>{report.estimate512Seconds.toFixed(1)} s</b> of {report.timeoutSeconds} s
              </Text>
              <Badge color={VERDICT_COLOR[report.verdict]} data-testid="bench-verdict">
                {report.verdict === 'ok' ? 'fast enough' : report.verdict === 'tight' ? 'tight' : 'too slow'}
              </Badge>
            </Group>
            <Progress value={timeoutShare(report)} color={VERDICT_COLOR[report.verdict]} aria-label="share of the validator timeout" />
            <Text size="sm">{report.advice}</Text>
          </Stack>
        )}
        {error && <Alert color="red">{error}</Alert>}
      </Stack>
    </Card>
  )
}

function CatalogTable({ rows, progress, onChanged }: { rows: ModelRow[]; progress: Record<string, DownloadProgress>; onChanged: () => void }) {
  const engine = useEngine()
  const gpu = useEngineQuery('models.gpuStatus', {})
  const [busy, setBusy] = useState<string | null>(null)
  const [message, setMessage] = useState<{ color: string; text: string; problems?: string[] } | null>(null)
  const act = async (id: string, fn: () => Promise<unknown>): Promise<void> => {
    setBusy(id)
    setMessage(null)
    try {
      await fn()
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) })
    } finally {
      setBusy(null)
      onChanged()
    }
  }
  const [quantized, setQuantized] = useState<{ report: QuantizeReport; scores: SelfScoreModel[] | null } | null>(null)
  const quantize = (id: string): Promise<void> =>
    act(id, async () => {
      setQuantized(null)
      const report = await engine.call('models.quantize', { id })
      setQuantized({ report, scores: null })
      // Both models through the validator's scoring, side by side (a short run: 128 pairs).
      const scores = await engine.call('miner.selfScore', { models: [report.baseId, report.id], maxPairs: 128 }).then((r) => r.models).catch(() => [])
      setQuantized({ report, scores })
    })
  const verify = (id: string): Promise<void> =>
    act(id, async () => {
      const r: VerifyReport = await engine.call('models.verify', { id })
      setMessage(r.ok ? { color: 'green', text: `${id}: every file matches its hash.` } : { color: 'red', text: `${id} is damaged: download it again.`, problems: r.problems })
    })
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={4}>Models</Title>
        {message && (
          <Alert color={message.color} withCloseButton onClose={() => setMessage(null)} data-testid="models-message">
            {message.text}
            {message.problems && (
              <List size="sm">
                {message.problems.map((p) => (
                  <List.Item key={p}>{p}</List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}
        {quantized && (
          <Alert color={quantized.report.quality.passed ? 'teal' : 'red'} withCloseButton onClose={() => setQuantized(null)} title={`${quantized.report.id}: ${quantized.report.quality.passed ? 'passed its check' : 'failed its check'}`} data-testid="quantize-result">
            <List size="sm">
              {quantizeSummary(quantized.report, quantized.scores).map((line) => (
                <List.Item key={line}>{line}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Table.ScrollContainer minWidth={800}>
          <Table verticalSpacing="xs" data-testid="models-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Model</Table.Th>
                <Table.Th>Dim</Table.Th>
                <Table.Th>Pooling</Table.Th>
                <Table.Th>Max tokens</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>License</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => {
                const p = progress[m.id]
                const status = rowStatus(m, p)
                return (
                  <Table.Tr key={m.id} data-testid={`model-row-${m.id}`}>
                    <Table.Td maw={340}>
                      <Text fw={600} size="sm">
                        {m.id} {m.matryoshka && <Badge size="xs" variant="outline">Matryoshka</Badge>}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {m.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>{m.dimension ?? '?'}</Table.Td>
                    <Table.Td>{m.pooling}</Table.Td>
                    <Table.Td>{m.maxLength}</Table.Td>
                    <Table.Td>{formatBytes(m.sizeBytes)}</Table.Td>
                    <Table.Td>{m.license ?? '—'}</Table.Td>
                    <Table.Td miw={160}>
                      {status === 'downloading' ? (
                        <Stack gap={2}>
                          <Progress value={progressPercent(p)} animated aria-label={`download progress of ${m.id}`} />
                          <Text size="xs">{p ? `${formatBytes(p.receivedBytes)} / ${formatBytes(p.totalBytes)}` : 'starting…'}</Text>
                        </Stack>
                      ) : (
                        <Badge color={status === 'active' ? 'green' : status === 'installed' ? 'blue' : status === 'partial' ? 'yellow' : 'gray'} variant="light">
                          {status === 'partial' ? `partial (${formatBytes(m.partialBytes)})` : status}
                        </Badge>
                      )}
                      {m.source === 'int8' && (
                        <Tooltip label={m.quality ? `Cosine to ${m.quantizedFrom} on ${m.quality.texts} held-out texts: mean ${m.quality.meanCosine.toFixed(4)}, lowest ${m.quality.minCosine.toFixed(4)}` : 'Not checked yet'}>
                          <Badge ml={4} color={describeQuality(m.quality).color} variant="outline" data-testid={`int8-quality-${m.id}`}>
                            {describeQuality(m.quality).label}
                          </Badge>
                        </Tooltip>
                      )}
                      {m.fp16 === true && (
                        <Tooltip label="The hub's half-precision copy is installed beside this model; the CUDA provider runs it.">
                          <Badge ml={4} color="grape" variant="outline" data-testid={`fp16-${m.id}`}>
                            fp16
                          </Badge>
                        </Tooltip>
                      )}
                      {p?.phase === 'failed' && p.message && (
                        <Text size="xs" c="red" maw={320} data-testid={`model-error-${m.id}`}>
                          {p.message}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {status === 'downloading' && (
                          <Button size="xs" variant="light" color="red" leftSection={<IconPlayerStop size={14} />} onClick={() => void act(m.id, () => engine.call('models.cancelDownload', { id: m.id }))}>
                            Stop
                          </Button>
                        )}
                        {(status === 'available' || status === 'partial') && m.source === 'catalog' && (
                          <Button size="xs" leftSection={<IconDownload size={14} />} loading={busy === m.id} data-testid={`download-${m.id}`} onClick={() => void act(m.id, () => engine.call('models.download', { id: m.id }))}>
                            {status === 'partial' ? 'Resume' : 'Download'}
                          </Button>
                        )}
                        {status === 'installed' && canUse(m) && (
                          <Button size="xs" loading={busy === m.id} data-testid={`use-${m.id}`} onClick={() => void act(m.id, () => engine.call('models.use', { id: m.id }))}>
                            Use
                          </Button>
                        )}
                        {canFetchFp16(m, gpu.data) && (
                          <Tooltip label="Fetch the hub's half-precision copy beside it: the CUDA provider runs it faster on tensor-core GPUs (the original stays)">
                            <Button size="xs" variant="light" leftSection={<IconDownload size={14} />} loading={busy === m.id} data-testid={`fetch-fp16-${m.id}`} onClick={() => void act(m.id, () => engine.call('models.downloadFp16', { id: m.id }))}>
                              fp16
                            </Button>
                          </Tooltip>
                        )}
                        {canQuantize(m, rows) && (
                          <Tooltip label="Write an int8 copy beside it (faster on CPUs; the original stays) and check it against the original">
                            <Button size="xs" variant="light" leftSection={<IconBolt size={14} />} loading={busy === m.id} data-testid={`quantize-${m.id}`} onClick={() => void quantize(m.id)}>
                              int8
                            </Button>
                          </Tooltip>
                        )}
                        {(status === 'installed' || status === 'active') && (
                          <>
                            <Tooltip label="Re-check every file against its hash">
                              <Button size="xs" variant="default" leftSection={<IconShieldCheck size={14} />} onClick={() => void verify(m.id)}>
                                Verify
                              </Button>
                            </Tooltip>
                            <Tooltip label="Delete from disk">
                              <Button size="xs" variant="subtle" color="red" aria-label={`remove ${m.id}`} onClick={() => void act(m.id, () => engine.call('models.remove', { id: m.id }))}>
                                <IconTrash size={14} />
                              </Button>
                            </Tooltip>
                          </>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Card>
  )
}

function ImportCard({ onImported }: { onImported: () => void }) {
  const engine = useEngine()
  const [folder, setFolder] = useState('')
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)
  const submit = async (): Promise<void> => {
    setBusy(true)
    setResult(null)
    try {
      const row = await engine.call('models.import', { path: folder.trim(), ...(name.trim() ? { name: name.trim() } : {}) })
      setResult({ ok: true, text: `Imported ${row.id}. Press Use in the table to make it active.` })
      onImported()
    } catch (e) {
      setResult({ ok: false, text: errorText(e) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={4}>Import your own model</Title>
        <Text size="sm" c="dimmed">
          A folder with an ONNX export (model.onnx or onnx/model.onnx) and tokenizer.json or vocab.txt. Pooling is read from 1_Pooling/config.json (sentence-transformers layout).
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Folder on the engine's machine" placeholder="/home/me/models/my-bge" value={folder} onChange={(e) => setFolder(e.currentTarget.value)} data-testid="import-folder" />
          <TextInput label="Name (optional)" placeholder="letters, digits, . _ -" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        </SimpleGrid>
        <Group>
          <Button onClick={() => void submit()} disabled={!folder.trim()} loading={busy} data-testid="import-submit">
            Import
          </Button>
        </Group>
        {result && <Alert color={result.ok ? 'green' : 'red'}>{result.text}</Alert>}
      </Stack>
    </Card>
  )
}

export function ModelsPage() {
  const engine = useEngine()
  const list = useEngineQuery('models.list', {})
  const status = useEngineQuery('models.status', {})
  const [live, setLive] = useState<RuntimeStatus | null>(null)
  const [progress, setProgress] = useState<Record<string, DownloadProgress>>({})
  const [applying, setApplying] = useState(false)
  useEngineEvent('models.downloadProgress', (p) => {
    setProgress((prev) => ({ ...prev, [p.id]: p }))
    if (p.phase === 'done' || p.phase === 'failed') list.reload()
  })
  useEngineEvent('models.changed', (s) => {
    setLive(s)
    list.reload()
  })
  const current = live ?? status.data
  const reloadAll = (): void => {
    list.reload()
    status.reload()
  }
  const apply = async (provider: ProviderPreference): Promise<void> => {
    if (!current?.modelId) return
    setApplying(true)
    try {
      setLive(await engine.call('models.use', { id: current.modelId, provider }))
    } catch {
      // The status card shows the error from the models.changed event.
    } finally {
      setApplying(false)
    }
  }
  return (
    <Stack>
      <PageHeader title="Models" description="The embedding model your miner answers with: download or import one, check it runs on your hardware, and that it is fast enough for validators." />
      {(list.error || status.error) && <Alert color="red">{list.error ?? status.error}</Alert>}
      <ActiveModelCard status={current} busy={applying || current?.state === 'loading'} onApply={(p) => void apply(p)} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <TryItCard ready={current?.state === 'ready'} />
        <BenchCard ready={current?.state === 'ready'} />
      </SimpleGrid>
      <CatalogTable rows={list.data?.models ?? []} progress={progress} onChanged={reloadAll} />
      <GpuCard />
      <ImportCard onImported={reloadAll} />
    </Stack>
  )
}
