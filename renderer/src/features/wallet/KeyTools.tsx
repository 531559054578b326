import { Alert, Button, Checkbox, Code, Group, Modal, PasswordInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core'
import { useState } from 'react'
import { passwordStrength } from '../../../../native/contract'
import type { RevealedMnemonic, WalletSummary } from '../../../../native/contract'
import { useEngine } from '../../engine/engine-context'
import { useBusyAction } from '../../ui/use-busy-action'

type Tool = 'new-hotkey' | 'regen'

/** Add a hotkey (its phrase shown once) or restore a coldkey/hotkey from its recovery phrase. */
export function KeyTools({ wallet }: { wallet: WalletSummary }) {
  const [tool, setTool] = useState<Tool>()
  return (
    <>
      <Group gap="xs">
        <Button size="xs" variant="default" onClick={() => setTool('new-hotkey')} data-testid="open-new-hotkey">New hotkey</Button>
        <Button size="xs" variant="default" onClick={() => setTool('regen')} data-testid="open-regen">Restore a key from its phrase</Button>
      </Group>
      {tool === 'new-hotkey' && <NewHotkey wallet={wallet} onClose={() => setTool(undefined)} />}
      {tool === 'regen' && <Regen wallet={wallet} onClose={() => setTool(undefined)} />}
    </>
  )
}

function NewHotkey({ wallet, onClose }: { wallet: WalletSummary; onClose: () => void }) {
  const engine = useEngine()
  const { busy, error, run } = useBusyAction()
  const [name, setName] = useState('')
  const [words, setWords] = useState<'12' | '24'>('12')
  const [encrypt, setEncrypt] = useState(false)
  const [password, setPassword] = useState('')
  const [revealed, setRevealed] = useState<RevealedMnemonic>()
  const strength = passwordStrength(password.trim())
  const create = () =>
    run(async () => {
      const created = await engine.call('wallet.newHotkey', { name: wallet.name, hotkey: name.trim(), words: words === '24' ? 24 : 12, ...(encrypt ? { password } : {}) })
      setPassword('')
      setRevealed(await engine.call('wallet.revealMnemonic', { token: created.revealToken }))
    })
  return (
    <Modal opened onClose={onClose} title={`New hotkey for ${wallet.name}`} size="lg">
      {!revealed ? (
        <Stack>
          <TextInput label="Hotkey name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="new-hotkey-name" />
          <SegmentedControl value={words} onChange={(v) => setWords(v as '12' | '24')} data={[{ value: '12', label: '12 words' }, { value: '24', label: '24 words' }]} />
          <Checkbox label="Encrypt the hotkey file with a password (btcli leaves hotkeys unencrypted; a miner then needs the password to start)" checked={encrypt} onChange={(e) => setEncrypt(e.currentTarget.checked)} />
          {encrypt && (
            <PasswordInput label="Hotkey password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={password && !strength.ok ? strength.problems.join(' ') : undefined} />
          )}
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button loading={busy} disabled={!name.trim() || (encrypt && !strength.ok)} onClick={() => void create()} data-testid="new-hotkey-create">Create</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          {revealed.phrases.map((p) => (
            <Stack key={p.name} gap="xs">
              <Text fw={600}>Recovery phrase of hotkey "{p.name}" (shown once: write it down)</Text>
              <SimpleGrid cols={4} data-testid={`new-hotkey-phrase`}>
                {p.words.map((w, i) => (
                  <Code key={i}>{i + 1}. {w}</Code>
                ))}
              </SimpleGrid>
            </Stack>
          ))}
          <Group justify="flex-end">
            <Button onClick={onClose}>I wrote it down</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

function Regen({ wallet, onClose }: { wallet: WalletSummary; onClose: () => void }) {
  const engine = useEngine()
  const { busy, error, run } = useBusyAction()
  const [role, setRole] = useState<'coldkey' | 'hotkey'>('hotkey')
  const [hotkey, setHotkey] = useState('default')
  const [mnemonic, setMnemonic] = useState('')
  const [password, setPassword] = useState('')
  const [again, setAgain] = useState('')
  const [overwrite, setOverwrite] = useState(false)
  const [done, setDone] = useState<string>()
  const strength = passwordStrength(password.trim())
  const needsPassword = role === 'coldkey'
  const existing = role === 'coldkey' ? wallet.coldkey.format !== 'missing' : wallet.hotkeys.some((h) => h.name === hotkey.trim())
  const restore = () =>
    run(async () => {
      const w = await engine.call('wallet.regen', {
        name: wallet.name,
        role,
        hotkey: hotkey.trim(),
        mnemonic: mnemonic.trim(),
        ...(needsPassword ? { password } : {}),
        overwrite,
      })
      setMnemonic('')
      setPassword('')
      setAgain('')
      const address = role === 'coldkey' ? w.coldkey.address : w.hotkeys.find((h) => h.name === hotkey.trim())?.address
      setDone(address ?? '')
    })
  return (
    <Modal opened onClose={onClose} title={`Restore a key of ${wallet.name}`} size="lg">
      {done !== undefined ? (
        <Stack>
          <Alert color="teal" data-testid="regen-done">Restored. Address: <Code>{done}</Code></Alert>
          <Group justify="flex-end"><Button onClick={onClose}>Close</Button></Group>
        </Stack>
      ) : (
        <Stack>
          <SegmentedControl value={role} onChange={(v) => setRole(v as 'coldkey' | 'hotkey')} data={[{ value: 'hotkey', label: 'Hotkey' }, { value: 'coldkey', label: 'Coldkey' }]} />
          {role === 'hotkey' && <TextInput label="Hotkey name" value={hotkey} onChange={(e) => setHotkey(e.currentTarget.value)} />}
          <Textarea label="Recovery phrase (12 or 24 words)" autosize minRows={2} value={mnemonic} onChange={(e) => setMnemonic(e.currentTarget.value)} data-testid="regen-mnemonic" autoComplete="off" spellCheck={false} />
          {needsPassword && (
            <>
              <PasswordInput label="New coldkey password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={password && !strength.ok ? strength.problems.join(' ') : undefined} />
              <PasswordInput label="Type it again" value={again} onChange={(e) => setAgain(e.currentTarget.value)} error={again && again !== password ? 'The two passwords differ.' : undefined} />
            </>
          )}
          {existing && (
            <Checkbox
              color="red"
              label={`Replace the existing ${role === 'coldkey' ? 'coldkey' : `hotkey "${hotkey.trim()}"`} file (its current key is lost unless you have its phrase)`}
              checked={overwrite}
              onChange={(e) => setOverwrite(e.currentTarget.checked)}
            />
          )}
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button
              loading={busy}
              disabled={!mnemonic.trim() || (role === 'hotkey' && !hotkey.trim()) || (needsPassword && (!strength.ok || password !== again)) || (existing && !overwrite)}
              onClick={() => void restore()}
              data-testid="regen-restore"
            >
              Restore
            </Button>
          </Group>
          {needsPassword && <Text size="xs" c="dimmed">The coldkey is encrypted with btcli's format ($NACL, Argon2i 512 MiB); saving takes a few seconds.</Text>}
        </Stack>
      )}
    </Modal>
  )
}
