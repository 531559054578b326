import { ActionIcon, Alert, Badge, Button, Card, Checkbox, CopyButton, Divider, Group, Image, Modal, NumberInput, PasswordInput, Progress, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconCheck, IconCopy, IconQrcode } from '@tabler/icons-react'
import QRCode from 'qrcode'
import { useEffect, useState } from 'react'
import { shortAddress } from './wallet-format'
import { KeyTools } from './KeyTools'
import { MoneySection } from './MoneySection'
import type { UnlockProgress, WalletSummary } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { FirstRunWizard } from './FirstRunWizard'

function AddressRow({ label, address, testId }: { label: string; address: string | null; testId: string }) {
  const [qr, setQr] = useState<string>()
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" w={110} c="dimmed">{label}</Text>
      <Text size="sm" ff="monospace" data-testid={testId} style={{ wordBreak: 'break-all' }}>
        {address ?? 'unknown until unlocked'}
      </Text>
      {address && (
        <>
          <CopyButton value={address}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy address'}>
                <ActionIcon variant="subtle" onClick={copy} aria-label={`Copy ${label}`}>
                  {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
          <ActionIcon variant="subtle" aria-label={`QR code of ${label}`} onClick={() => void QRCode.toDataURL(address, { margin: 1, width: 240 }).then(setQr)}>
            <IconQrcode size={16} />
          </ActionIcon>
          <Modal opened={qr !== undefined} onClose={() => setQr(undefined)} title={`${label} ${shortAddress(address)}`} centered>
            {qr && <Image src={qr} alt={`QR code of ${address}`} w={240} mx="auto" />}
          </Modal>
        </>
      )}
    </Group>
  )
}

function UnlockCard({ wallet, rememberAvailable }: { wallet: WalletSummary; rememberAvailable: boolean }) {
  const engine = useEngine()
  const [password, setPassword] = useState('')
  const [minutes, setMinutes] = useState<number>(15)
  const [progress, setProgress] = useState<UnlockProgress>()
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [remember, setRemember] = useState(false)
  const [now, setNow] = useState(Date.now())
  useEngineEvent('wallet.unlockProgress', (p) => {
    if (p.wallet === wallet.name) setProgress(p)
  })
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [])
  if (wallet.coldkey.format === 'missing') return null
  if (wallet.unlockedUntil && wallet.unlockedUntil > now) {
    const left = Math.max(0, Math.round((wallet.unlockedUntil - now) / 1000))
    return (
      <Group>
        <Badge color="orange" data-testid="wallet-unlocked">Unlocked · locks in {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}</Badge>
        <Button size="xs" variant="default" onClick={() => void engine.call('wallet.lock', { name: wallet.name })}>Lock now</Button>
      </Group>
    )
  }
  const unlock = async (useRemembered = false) => {
    setBusy(true)
    setError(undefined)
    try {
      await engine.call('wallet.unlock', useRemembered ? { name: wallet.name, minutes } : { name: wallet.name, password, minutes, remember })
      setPassword('')
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
      setProgress(undefined)
    }
  }
  const pct = progress && progress.phase === 'deriving' && progress.estimatedMs > 0 ? Math.min(95, (progress.elapsedMs / progress.estimatedMs) * 100) : 0
  return (
    <Stack gap="xs">
      <Group align="flex-end">
        <PasswordInput label="Coldkey password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} w={240} />
        <NumberInput label="Keep unlocked (minutes)" value={minutes} onChange={(v) => setMinutes(typeof v === 'number' ? v : 15)} min={1} max={1440} w={180} />
        <Button loading={busy} disabled={!password} onClick={() => void unlock()} data-testid="unlock">Unlock</Button>
        {wallet.remembered && (
          <Button variant="light" loading={busy} onClick={() => void unlock(true)} data-testid="unlock-remembered">Unlock with remembered password</Button>
        )}
      </Group>
      {rememberAvailable && !wallet.remembered && (
        <Checkbox
          label="Remember the password in this computer's keychain (anyone using your OS account can then unlock this coldkey)"
          checked={remember}
          onChange={(e) => setRemember(e.currentTarget.checked)}
        />
      )}
      {wallet.remembered && (
        <Group gap="xs">
          <Text size="xs" c="dimmed">The password is remembered in the OS keychain.</Text>
          <Button size="compact-xs" variant="subtle" onClick={() => void engine.call('wallet.forget', { name: wallet.name })}>Forget it</Button>
        </Group>
      )}
      {busy && (
        <Stack gap={2}>
          <Progress value={pct} animated aria-label="Unlocking" />
          <Text size="xs" c="dimmed">Hashing the password (Argon2i, 512 MiB)… {progress ? `${(progress.elapsedMs / 1000).toFixed(1)} s of about ${(progress.estimatedMs / 1000).toFixed(0)} s` : ''}</Text>
        </Stack>
      )}
      {error && <Alert color="red">{error}</Alert>}
    </Stack>
  )
}

function WalletCard({ wallet, rememberAvailable }: { wallet: WalletSummary; rememberAvailable: boolean }) {
  return (
    <Card withBorder padding="lg" data-testid={`wallet-${wallet.name}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={700}>{wallet.name}</Text>
          <Text size="xs" c="dimmed">{wallet.path}</Text>
        </Group>
        <AddressRow label="Coldkey" address={wallet.coldkey.address} testId="coldkey-address" />
        {wallet.coldkey.problem && <Alert color="yellow">{wallet.coldkey.problem}</Alert>}
        {wallet.hotkeys.map((h) => (
          <Stack key={h.name} gap={2}>
            <AddressRow label={`Hotkey ${h.name}`} address={h.address} testId={`hotkey-address-${h.name}`} />
            {h.problem && <Text size="xs" c="yellow.8">{h.problem}</Text>}
          </Stack>
        ))}
        <UnlockCard wallet={wallet} rememberAvailable={rememberAvailable} />
        <KeyTools wallet={wallet} />
        <Divider />
        <MoneySection wallet={wallet} />
      </Stack>
    </Card>
  )
}

export function WalletPage() {
  const list = useEngineQuery('wallet.list', {})
  const activity = useEngineQuery('wallet.activity', { limit: 50 })
  const [wizard, setWizard] = useState(false)
  useEngineEvent('wallet.changed', () => list.reload())
  useEngineEvent('wallet.lockChanged', () => list.reload())
  useEngineEvent('wallet.activity', () => activity.reload())
  const wallets = list.data?.wallets ?? []
  // The wizard stays open until it finishes: creating a wallet changes the list, and the
  // phrases (shown once) must not disappear with the re-render.
  const empty = list.data !== undefined && wallets.length === 0
  useEffect(() => {
    if (empty) setWizard(true)
  }, [empty])
  const showWizard = wizard
  return (
    <Stack>
      <PageHeader
        title="Wallet"
        description="Your Bittensor coldkey and hotkeys, in the same files btcli uses. Secret keys never leave the engine."
        actions={!showWizard && <Button variant="default" onClick={() => setWizard(true)}>Add a wallet</Button>}
      />
      {list.error && <Alert color="red">{list.error}</Alert>}
      {showWizard && list.data && (
        <Card withBorder padding="lg">
          <FirstRunWizard
            directory={list.data.directory}
            onDone={() => {
              setWizard(false)
              list.reload()
            }}
          />
        </Card>
      )}
      {!showWizard && (
        <>
          <Text size="sm" c="dimmed">Wallets folder: {list.data?.directory}</Text>
          {list.data?.rememberUnavailableReason && <Text size="xs" c="dimmed" data-testid="remember-unavailable">{list.data.rememberUnavailableReason}</Text>}
          {wallets.map((w) => (
            <WalletCard key={w.name} wallet={w} rememberAvailable={list.data?.rememberAvailable ?? false} />
          ))}
          <Card withBorder padding="lg">
            <Text fw={600} mb="xs">Activity</Text>
            <Table data-testid="wallet-activity">
              <Table.Tbody>
                {(activity.data ?? []).map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>{new Date(a.time).toLocaleString()}</Table.Td>
                    <Table.Td>{a.wallet}</Table.Td>
                    <Table.Td>{a.message}</Table.Td>
                    <Table.Td w={100}><Badge style={{ flexShrink: 0 }} color={a.status === 'ok' ? 'teal' : a.status === 'failed' ? 'red' : 'gray'}>{a.status}</Badge></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </>
      )}
    </Stack>
  )
}
