import { Alert, Button, Card, Group, Progress, Table, Text, Title } from '@mantine/core'
import { IconTargetArrow } from '@tabler/icons-react'
import { useState } from 'react'
import type { SelfScoreReport } from '../../../../native/contract'
import { Term } from '../../ui/Term'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'

/** Installed models scored side by side with the validator's InfoNCE, before going live or on demand. */
export function SelfScoreCard() {
  const engine = useEngine()
  const last = useEngineQuery('miner.lastSelfScore', {})
  const [report, setReport] = useState<SelfScoreReport | null>()
  const [progress, setProgress] = useState<{ modelId: string; done: number; total: number }>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  useEngineEvent('miner.selfScoreProgress', (p) => busy && setProgress(p))
  const shown = report ?? last.data ?? null

  const run = (): void => {
    setBusy(true)
    setError(undefined)
    setProgress(undefined)
    engine
      .call('miner.selfScore', {})
      .then(setReport)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        setBusy(false)
        setProgress(undefined)
      })
  }
  const best = shown?.models.reduce<number>((m, x) => Math.max(m, x.score ?? 0), 0) ?? 0
  const chance = shown?.models.find((m) => m.chanceTop1 !== null && m.chanceTop1 !== undefined)
  const weak = shown?.models.filter((m) => m.ok && m.nearChance) ?? []

  return (
    <Card withBorder data-testid="miner-selfscore">
      <Group justify="space-between" mb="xs">
        <div>
          <Title order={4}>Self-score</Title>
          <Text size="sm" c="dimmed">
            How validators would rate each installed model: their <Term word="infonce" /> scoring on {shown ? `${shown.dataset.pairs} query/passage pairs (${shown.dataset.name})` : 'a bundled evaluation set'}. Higher is better. Top-1 and top-3: how often the right passage is the most
            similar one, or among the three most similar; they say more than the score, which also depends on how spread the similarities are.
          </Text>
        </div>
        <Button leftSection={<IconTargetArrow size={16} />} onClick={run} loading={busy} data-testid="selfscore-run">
          Score models
        </Button>
      </Group>
      {busy && progress && <Progress value={(progress.done / progress.total) * 100} mb="xs" aria-label={`Scoring ${progress.modelId}`} />}
      {error && (
        <Text c="red" size="sm" data-testid="selfscore-error">
          {error}
        </Text>
      )}
      {weak.length > 0 && (
        <Alert color="yellow" mb="xs" data-testid="selfscore-near-chance">
          {weak.map((m) => m.modelId).join(', ')} {weak.length === 1 ? 'finds' : 'find'} the right passage first barely more often than chance ({percent(weak[0]!.chanceTop1)}): validators will score {weak.length === 1 ? 'it' : 'them'} near zero.
        </Alert>
      )}
      {shown ? (
        <Table data-testid="selfscore-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Model</Table.Th>
              <Table.Th>Score</Table.Th>
              <Table.Th>Loss</Table.Th>
              <Table.Th>Top-1</Table.Th>
              <Table.Th>Top-3</Table.Th>
              <Table.Th>Texts/s</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.models.map((m) => (
              <Table.Tr key={m.modelId}>
                <Table.Td>
                  <Text size="sm" fw={m.score === best && m.ok ? 700 : undefined}>
                    {m.modelId}
                    {m.active ? ' (serving)' : ''}
                  </Text>
                </Table.Td>
                {m.ok ? (
                  <>
                    <Table.Td>{m.score!.toFixed(3)}</Table.Td>
                    <Table.Td>{m.loss!.toFixed(3)}</Table.Td>
                    <Table.Td c={m.nearChance ? 'red' : undefined}>{percent(m.top1)}</Table.Td>
                    <Table.Td>{percent(m.top3)}</Table.Td>
                    <Table.Td>{m.textsPerSecond === null ? '—' : m.textsPerSecond.toFixed(0)}</Table.Td>
                  </>
                ) : (
                  <Table.Td colSpan={5}>
                    <Text size="sm" c="red">
                      {m.error}
                    </Text>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
            {chance && (
              <Table.Tr data-testid="selfscore-chance">
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    Chance level
                  </Text>
                </Table.Td>
                <Table.Td c="dimmed">{chance.chanceScore?.toFixed(3)}</Table.Td>
                <Table.Td />
                <Table.Td c="dimmed">{percent(chance.chanceTop1)}</Table.Td>
                <Table.Td c="dimmed">{percent(chance.chanceTop3)}</Table.Td>
                <Table.Td />
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          Not scored yet. Score your models before going live: the one you serve should clearly beat the others, and find the right passage far more often than chance (about 3 % with 32 pairs per batch).
        </Text>
      )}
    </Card>
  )
}

function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(0)} %`
}
