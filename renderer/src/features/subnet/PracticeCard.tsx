import { Alert, Button, Card, Group, NumberInput, Stack, Text, Title } from '@mantine/core'
import { IconAlertTriangle, IconPlayerSkipForward, IconRefresh } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { PracticeInfo } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { formatDuration } from './subnet-format'

/**
 * The practice network's own controls: its block time and tempo (saved as settings, applied when
 * it restarts, which starts a fresh chain), producing blocks now, and where other programs reach it.
 */
export function PracticeCard({ netuid, info, onChanged }: { netuid: number; info: PracticeInfo | undefined; onChanged: () => void }) {
  const engine = useEngine()
  const [blockTimeS, setBlockTimeS] = useState<number | string>('')
  const [tempo, setTempo] = useState<number | string>('')
  const [busy, setBusy] = useState<'save' | 'restart' | 'advance' | null>(null)
  const [error, setError] = useState<string>()
  const [confirming, setConfirming] = useState(false)

  const configured = info?.configured
  useEffect(() => {
    if (!configured) return
    setBlockTimeS(configured.blockTimeMs / 1000)
    setTempo(configured.tempo)
  }, [configured?.blockTimeMs, configured?.tempo]) // eslint-disable-line react-hooks/exhaustive-deps
  useEngineEvent('settings.changed', () => onChanged())

  const run = async (what: NonNullable<typeof busy>, fn: () => Promise<unknown>) => {
    setBusy(what)
    setError(undefined)
    try {
      await fn()
      onChanged()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(null)
    }
  }

  const blockMs = typeof blockTimeS === 'number' ? Math.round(blockTimeS * 1000) : NaN
  const validBlock = Number.isInteger(blockMs) && blockMs >= 250 && blockMs <= 60_000
  const validTempo = typeof tempo === 'number' && Number.isInteger(tempo) && tempo >= 5 && tempo <= 1000
  const changed = !!configured && validBlock && validTempo && (blockMs !== configured.blockTimeMs || tempo !== configured.tempo)
  const save = () => run('save', () => engine.call('settings.update', { practiceBlockTimeMs: blockMs, practiceTempo: tempo as number }))
  const restart = () =>
    run('restart', async () => {
      setConfirming(false)
      await engine.call('chain.practiceRestart', {})
    })
  const advance = () => run('advance', () => engine.call('chain.practiceAdvance', { untilEpoch: netuid }))

  const running = info?.running ? `${info.blockTimeMs === 0 ? 'blocks on demand' : `a block every ${formatDuration(info.blockTimeMs ?? 0)}`}, tempo ${info.tempo}` : 'not running'
  return (
    <Card withBorder data-testid="practice-card">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>Practice network</Title>
          <Text size="xs" c="dimmed" data-testid="practice-running">
            {running}
          </Text>
        </Group>
        <Text size="sm" c="dimmed">
          A chain inside TaoDesk with no real TAO. Block time and tempo apply when it restarts; a restart starts a fresh chain (practice balances and registrations begin again).
        </Text>
        {info?.url && (
          <Text size="xs" c="dimmed" data-testid="practice-url">
            Other programs (the taodesk CLI, btcli, a second TaoDesk) can connect at <code>{info.url}</code>.
          </Text>
        )}
        {info?.pinned && (
          <Text size="xs" c="dimmed" data-testid="practice-pinned">
            This TaoDesk was started with a fixed practice block time and tempo; the settings below do not apply.
          </Text>
        )}
        <Group align="flex-end" gap="xs">
          <NumberInput label="Block time (s)" w={130} size="xs" min={0.25} max={60} step={0.5} decimalScale={2} value={blockTimeS} onChange={setBlockTimeS} error={blockTimeS !== '' && !validBlock ? '0.25–60 s' : undefined} data-testid="practice-block-time" />
          <NumberInput label="Tempo (blocks)" w={130} size="xs" min={5} max={1000} allowDecimal={false} value={tempo} onChange={setTempo} error={tempo !== '' && !validTempo ? '5–1000' : undefined} data-testid="practice-tempo" />
          <Button size="xs" variant="default" disabled={!changed} loading={busy === 'save'} onClick={() => void save()} data-testid="practice-save">
            Save
          </Button>
        </Group>
        {info?.restartNeeded && (
          <Alert color="blue" icon={<IconAlertTriangle size={16} />} p="xs" data-testid="practice-restart-needed">
            Saved: the running chain uses {info.blockTimeMs === 0 ? 'on-demand blocks' : `${(info.blockTimeMs ?? 0) / 1000} s blocks`} and tempo {info.tempo}. Restart the practice network to use {configured!.blockTimeMs / 1000} s blocks and tempo {configured!.tempo}.
          </Alert>
        )}
        <Group gap="xs">
          {confirming ? (
            <>
              <Button size="xs" color="red" loading={busy === 'restart'} onClick={() => void restart()} data-testid="practice-restart-confirm">
                Restart: start a fresh chain
              </Button>
              <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </>
          ) : (
            <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} disabled={!info?.running} loading={busy === 'restart'} onClick={() => setConfirming(true)} data-testid="practice-restart">
              Restart practice network
            </Button>
          )}
          <Button size="xs" variant="default" leftSection={<IconPlayerSkipForward size={14} />} disabled={!info?.running} loading={busy === 'advance'} onClick={() => void advance()} data-testid="practice-advance">
            Run to the next epoch of SN{netuid}
          </Button>
        </Group>
        {error && (
          <Text size="sm" c="red" data-testid="practice-error">
            {error}
          </Text>
        )}
      </Stack>
    </Card>
  )
}
