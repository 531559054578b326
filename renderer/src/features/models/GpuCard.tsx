import { Alert, Badge, Button, Card, Group, List, Progress, Stack, Text, Title } from '@mantine/core'
import { IconDownload, IconPlayerStop } from '@tabler/icons-react'
import { useState } from 'react'
import type { PackProgressEvent } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { useBusyAction } from '../../ui/use-busy-action'
import { formatBytes, progressPercent } from './models-format'

/** NVIDIA GPUs on this machine, what CUDA still needs, and the runtime download that fills the gap. */
export function GpuCard() {
  const engine = useEngine()
  const status = useEngineQuery('models.gpuStatus', {})
  const [progress, setProgress] = useState<PackProgressEvent | null>(null)
  const { busy, error, run } = useBusyAction()
  useEngineEvent('models.gpuProgress', (p) => {
    setProgress(p)
    if (p.phase === 'done' || p.phase === 'failed') status.reload()
  })
  const s = status.data
  if (!s) return null
  const installing = s.pack.installing || (progress !== null && progress.phase !== 'done' && progress.phase !== 'failed')
  return (
    <Card withBorder data-testid="models-gpu">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>GPU</Title>
          <Badge color={s.ready ? 'green' : s.supported ? 'yellow' : 'gray'}>{s.ready ? 'ready for CUDA' : s.supported ? 'needs setup' : 'not available'}</Badge>
        </Group>
        {s.gpus.length > 0 && (
          <Text size="sm">
            {s.gpus.map((g) => `GPU ${g.index}: ${g.name} (${(g.memoryMiB / 1024).toFixed(0)} GiB)`).join(' · ')} · driver {s.driverVersion}
            {s.fp16 ? ' · tensor cores: fp16 models run well' : ''}
          </Text>
        )}
        {s.steps.length > 0 && (
          <List size="sm" spacing={2} data-testid="gpu-steps">
            {s.steps.map((step) => (
              <List.Item key={step}>{step}</List.Item>
            ))}
          </List>
        )}
        {s.packCanFix && !installing && (
          <Group>
            <Button leftSection={<IconDownload size={16} />} loading={busy} onClick={() => void run(async () => void (await engine.call('models.gpuInstall', {})))} data-testid="gpu-install">
              Download GPU runtime
            </Button>
            <Text size="xs" c="dimmed">
              CUDA 12, cuDNN 9 and onnxruntime {s.onnxruntimeVersion}'s CUDA provider, about 3 GB, into {s.pack.dir}; each file checked against its published sha256.
            </Text>
          </Group>
        )}
        {installing && (
          <Stack gap={4}>
            <Progress value={progressPercent(progress ?? undefined)} animated aria-label="GPU runtime download" />
            <Group justify="space-between">
              <Text size="xs">
                {progress ? `${progress.phase} ${progress.file ?? ''} ${formatBytes(progress.receivedBytes)} / ${formatBytes(progress.totalBytes)}` : 'starting…'}
              </Text>
              <Button size="xs" variant="light" color="red" leftSection={<IconPlayerStop size={14} />} onClick={() => void run(async () => void (await engine.call('models.gpuCancel', {})))}>
                Stop
              </Button>
            </Group>
          </Stack>
        )}
        {progress?.phase === 'failed' && progress.message && <Alert color="red">{progress.message}</Alert>}
        {error && <Alert color="red">{error}</Alert>}
      </Stack>
    </Card>
  )
}
