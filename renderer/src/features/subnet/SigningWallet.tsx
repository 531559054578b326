import { Button, Group, PasswordInput, Stack, Text } from '@mantine/core'
import { IconLock } from '@tabler/icons-react'
import { useState } from 'react'
import type { ReactNode } from 'react'
import { raoToTao } from './metagraph-table'

/** The signing coldkey's balance, with room beside it for a faucet button. Test id: `${testIdPrefix}-balance`. */
export function ColdkeyBalance({ balanceRao, testIdPrefix, children }: { balanceRao: string | undefined; testIdPrefix: string; children?: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        Coldkey balance
      </Text>
      <Group gap="xs">
        <Text fw={600} data-testid={`${testIdPrefix}-balance`}>
          {balanceRao === undefined ? '–' : `${raoToTao(balanceRao)} TAO`}
        </Text>
        {children}
      </Group>
    </Stack>
  )
}

/**
 * The password field and button that unlock a wallet to sign. What `unlock` throws (a wrong password)
 * goes to `onError` for the card to show; `onError(undefined)` clears it as a new try starts. The
 * password is cleared once it succeeds. Test ids: `${testIdPrefix}-password`, `${testIdPrefix}-unlock`.
 */
export function UnlockWallet({
  walletName,
  unlock,
  onError,
  testIdPrefix,
}: {
  walletName: string
  unlock: (password: string) => Promise<void>
  onError: (message: string | undefined) => void
  testIdPrefix: string
}) {
  const [password, setPassword] = useState('')
  const [unlocking, setUnlocking] = useState(false)
  const submit = async () => {
    setUnlocking(true)
    onError(undefined)
    try {
      await unlock(password)
      setPassword('')
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e))
    } finally {
      setUnlocking(false)
    }
  }
  return (
    <Group align="flex-end" wrap="nowrap">
      <PasswordInput
        style={{ flex: 1 }}
        label={`Unlock "${walletName}" to sign`}
        description="The coldkey is decrypted in the engine for 15 minutes."
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && password && void submit()}
        data-testid={`${testIdPrefix}-password`}
      />
      <Button leftSection={<IconLock size={14} />} loading={unlocking} disabled={!password} onClick={() => void submit()} data-testid={`${testIdPrefix}-unlock`}>
        Unlock
      </Button>
    </Group>
  )
}
