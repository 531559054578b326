import { Alert, Badge, Button, Group, Popover, Radio, Stack, Text, TextInput, Tooltip, UnstyledButton } from '@mantine/core'
import { IconChevronDown } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { NETWORK_CHOICES } from '../../../../native/contract'
import type { ChainReset, ChainStatus, NetworkId } from '../../../../native/contract'
import { useConnectionState, useEngine, useEngineEvent } from '../../engine/engine-context'
import { useBusyAction } from '../../ui/use-busy-action'
import { networkName } from '../../ui/network-name'

const STATE_COLOR: Record<ChainStatus['state'], string> = { idle: 'gray', connecting: 'yellow', reconnecting: 'orange', connected: 'teal', disconnected: 'red' }
const STATE_LABEL: Record<ChainStatus['state'], string> = { idle: 'Not connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', connected: 'Connected', disconnected: 'Unreachable' }


/** The live chain status: from `chain.status` events, after an initial `chain.connect`. */
export function useChainStatus(): ChainStatus | undefined {
  const engine = useEngine()
  const connection = useConnectionState()
  const [status, setStatus] = useState<ChainStatus>()
  useEffect(() => {
    if (connection !== 'connected') return
    let cancelled = false
    // Opening the app means the user wants the chain: connect to the selected network.
    engine
      .call('chain.status')
      .then((s) => {
        if (!cancelled) setStatus(s)
        return engine.call('chain.connect')
      })
      .then((s) => !cancelled && setStatus(s))
      .catch(() => undefined)
    return () => {
      cancelled = true
    }
  }, [engine, connection])
  useEngineEvent('chain.status', setStatus)
  return status
}

/** Header control: which network, its state, latency and best block; click to switch. */
export function NetworkPicker() {
  const engine = useEngine()
  const status = useChainStatus()
  const [opened, setOpened] = useState(false)
  const [choice, setChoice] = useState<NetworkId>('finney')
  const [url, setUrl] = useState('')
  const { busy, error, setError, run } = useBusyAction()
  // The chain under this network started over: said in the header until the user reads it.
  const [reset, setReset] = useState<ChainReset>()
  useEngineEvent('chain.reset', setReset)

  useEffect(() => {
    if (!opened || !status) return
    setChoice(status.network)
    setUrl(status.customUrl)
    setError(undefined)
    // Only when the popover opens: keep the user's edits while it is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened])

  const apply = () =>
    run(async () => {
      await engine.call('chain.setNetwork', choice === 'custom' ? { network: choice, customUrl: url.trim() } : { network: choice })
      setOpened(false)
    })

  const state = status?.state ?? 'idle'
  const detail = status
    ? [status.block !== null ? `block ${status.block.toLocaleString()}` : null, status.latencyMs !== null ? (status.latencyMs < 1 ? '<1 ms' : `${Math.round(status.latencyMs)} ms`) : null].filter(Boolean).join(' · ')
    : ''
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} shadow="md" withArrow>
      <Popover.Target>
        <Tooltip label={status ? `${status.label} — ${status.endpoint}${status.lastError ? `\n${status.lastError}` : ''}` : 'Chain network'} multiline maw={420} disabled={opened}>
          <UnstyledButton onClick={() => setOpened((o) => !o)} data-testid="network-picker" aria-label="Choose the chain network">
            <Group gap={6} wrap="nowrap">
              <Badge variant="dot" color={STATE_COLOR[state]} data-testid="network-state" data-state={state} data-network={status?.network ?? ''}>
                {status ? networkName(status.network) : 'Chain'} · {STATE_LABEL[state]}
              </Badge>
              {detail && (
                <Text size="xs" c="dimmed" visibleFrom="md" data-testid="network-detail" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {detail}
                </Text>
              )}
              {reset && (
                <Badge color="yellow" variant="light" data-testid="chain-reset">
                  Chain started over
                </Badge>
              )}
              <IconChevronDown size={14} />
            </Group>
          </UnstyledButton>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm">
          {reset && (
            <Alert color="yellow" withCloseButton onClose={() => setReset(undefined)} data-testid="chain-reset-message">
              {reset.message}
            </Alert>
          )}
          <Radio.Group value={choice} onChange={(v) => setChoice(v as NetworkId)} label="Network" description="Mining and validating happen on the network you pick here.">
            <Stack gap={6} mt={6}>
              {NETWORK_CHOICES.map((c) => (
                <Radio key={c.id} value={c.id} label={c.label} description={c.description} data-testid={`network-choice-${c.id}`} />
              ))}
            </Stack>
          </Radio.Group>
          {choice === 'custom' && <TextInput label="Endpoint URL" placeholder="wss://node.example.org:443" value={url} onChange={(e) => setUrl(e.currentTarget.value)} data-testid="network-url" />}
          {status?.lastError && state !== 'connected' && (
            <Text size="xs" c="red">
              {status.lastError}
            </Text>
          )}
          {status?.practiceUrl && status.network === 'devnet' && (
            <Text size="xs" c="dimmed">
              Other tools can use this practice network at {status.practiceUrl}
            </Text>
          )}
          {error && (
            <Alert color="red" p="xs">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" size="xs" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button size="xs" loading={busy} onClick={() => void apply()} data-testid="network-apply">
              Connect
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}
