import { Alert, Button, Code, Group, Paper, PasswordInput, Progress, SegmentedControl, SimpleGrid, Stack, Stepper, Text, TextInput } from '@mantine/core'
import { useEffect, useState } from 'react'
import { loadCommonPasswords, newPasswordVerdict } from '../../../../native/contract'
import type { RevealedMnemonic } from '../../../../native/contract'
import { useEngine } from '../../engine/engine-context'
import { useBusyAction } from '../../ui/use-busy-action'
import { mismatchText } from './wallet-format'

/**
 * First run: create a wallet (password by btcli's rule, phrase shown once, then a check of a few
 * words) or point TaoDesk at an existing btcli wallets folder. The phrase reaches this screen
 * only through wallet.revealMnemonic (single-use token) and is dropped once checked.
 */
export function FirstRunWizard({ directory, onDone }: { directory: string; onDone: () => void }) {
  const engine = useEngine()
  const [mode, setMode] = useState<'create' | 'import'>('create')
  const [step, setStep] = useState(0)
  const [name, setName] = useState('default')
  const [hotkey, setHotkey] = useState('default')
  const [words, setWords] = useState<'12' | '24'>('12')
  const [password, setPassword] = useState('')
  const [again, setAgain] = useState('')
  const [folder, setFolder] = useState(directory)
  const { busy, error, setError, run } = useBusyAction()
  const [token, setToken] = useState<string>()
  const [revealed, setRevealed] = useState<RevealedMnemonic>()
  const [answers, setAnswers] = useState<Record<string, string>>({})
  const common = useCommonPasswords()
  const strength = newPasswordVerdict(password, common)

  const create = () =>
    run(async () => {
      const created = await engine.call('wallet.create', { name, hotkey, words: Number(words) as 12 | 24, password })
      setPassword('')
      setAgain('')
      setToken(created.revealToken)
      setRevealed(await engine.call('wallet.revealMnemonic', { token: created.revealToken }))
      setStep(1)
    })

  const check = () =>
    run(async () => {
      if (!token || !revealed) return
      const result = await engine.call('wallet.confirmBackup', {
        token,
        answers: revealed.checks.map((c) => ({ ...c, word: answers[`${c.role}-${c.position}`] ?? '' })),
      })
      if (!result.confirmed) {
        setError(mismatchText(result.wrong))
        return
      }
      setRevealed(undefined)
      setStep(3)
    })

  if (mode === 'import') {
    return (
      <Stack data-testid="wallet-wizard">
        <NetworksNote />
        <SegmentedControl value={mode} onChange={(v) => setMode(v as 'create')} data={[{ value: 'create', label: 'Create a wallet' }, { value: 'import', label: 'Use btcli wallets' }]} />
        <Text size="sm">TaoDesk reads btcli's files directly. Point it at your wallets folder (btcli's default is ~/.bittensor/wallets).</Text>
        <TextInput label="Wallets folder" value={folder} onChange={(e) => setFolder(e.currentTarget.value)} data-testid="wallet-folder" />
        {error && <Alert color="red">{error}</Alert>}
        <Group>
          <Button loading={busy} onClick={() => void run(async () => { await engine.call('wallet.setDirectory', { path: folder }); onDone() })}>
            Use this folder
          </Button>
        </Group>
      </Stack>
    )
  }

  return (
    <Stack data-testid="wallet-wizard">
      <NetworksNote />
      <SegmentedControl value={mode} onChange={(v) => setMode(v as 'import')} data={[{ value: 'create', label: 'Create a wallet' }, { value: 'import', label: 'Use btcli wallets' }]} disabled={step > 0} />
      <Stepper active={step} size="sm">
        <Stepper.Step label="Keys and password">
          <Stack mt="sm">
            <Group grow>
              <TextInput label="Wallet name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="wallet-name" />
              <TextInput label="Hotkey name" value={hotkey} onChange={(e) => setHotkey(e.currentTarget.value)} />
            </Group>
            <SegmentedControl value={words} onChange={(v) => setWords(v as '12')} data={[{ value: '12', label: '12 words' }, { value: '24', label: '24 words' }]} />
            <PasswordInput label="Coldkey password" description="At least 6 characters; btcli's strength score must be 20 or more." value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-testid="wallet-password" />
            <Progress value={strength.score} color={strength.ok ? (strength.score >= 60 ? 'teal' : 'yellow') : 'red'} aria-label="Password strength" />
            {password && (
              <Text size="xs" c={strength.ok ? 'dimmed' : 'red'} data-testid="wallet-password-verdict">
                {strength.ok ? (strength.score >= 60 ? 'Strong password.' : 'Acceptable password; a longer one is safer.') : `Too weak: ${strength.problems.join(' ')}`}
              </Text>
            )}
            <PasswordInput label="Type it again" value={again} onChange={(e) => setAgain(e.currentTarget.value)} error={again && again !== password ? 'The passwords differ' : undefined} data-testid="wallet-password-again" />
            <Text size="xs" c="dimmed">
              Files are written in btcli's format to <Code>{directory}/{name || '…'}</Code> (coldkey encrypted, hotkey as btcli leaves it). Creating takes a few seconds: the password is hashed with Argon2i (512 MiB).
            </Text>
            {error && <Alert color="red">{error}</Alert>}
            <Group>
              <Button loading={busy} disabled={!strength.ok || password !== again || !name} onClick={() => void create()} data-testid="wallet-create">
                Create wallet
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Write down the phrases">
          {revealed && (
            <Stack mt="sm">
              <Alert color="yellow" title="Shown once">
                Write these words on paper, in order. TaoDesk cannot show them again.
              </Alert>
              {revealed.phrases.map((p) =>
                p.role === 'coldkey' ? (
                  <Paper key={p.role} withBorder p="sm" bd="2px solid var(--mantine-color-red-6)" data-testid="phrase-card-coldkey">
                    <Stack gap={4}>
                      <Text fw={700}>Coldkey "{p.name}": the important one</Text>
                      <Text size="sm">Whoever has these words controls your TAO and stake. Keep them offline and never type them into a website.</Text>
                      <SimpleGrid cols={{ base: 3, sm: 4 }} spacing={4} data-testid={`phrase-${p.role}`}>
                        {p.words.map((w, i) => (
                          <Code key={i} fz="md">{`${i + 1}. ${w}`}</Code>
                        ))}
                      </SimpleGrid>
                    </Stack>
                  </Paper>
                ) : (
                  <Stack key={p.role} gap={4}>
                    <Text fw={600} size="sm" c="dimmed">Hotkey "{p.name}" (less critical)</Text>
                    <Text size="xs" c="dimmed">The hotkey signs the miner's and validator's work; it holds no TAO. Its words let you restore it on another machine.</Text>
                    <SimpleGrid cols={{ base: 3, sm: 4 }} spacing={4} data-testid={`phrase-${p.role}`}>
                      {p.words.map((w, i) => (
                        <Code key={i} c="dimmed">{`${i + 1}. ${w}`}</Code>
                      ))}
                    </SimpleGrid>
                  </Stack>
                ),
              )}
              <Group>
                <Button onClick={() => setStep(2)} data-testid="wallet-written">I wrote them down</Button>
              </Group>
            </Stack>
          )}
        </Stepper.Step>
        <Stepper.Step label="Check">
          {revealed && (
            <Stack mt="sm">
              <Text size="sm">Type these words from what you wrote down.</Text>
              {revealed.checks.map((c) => (
                <TextInput
                  key={`${c.role}-${c.position}`}
                  label={`${c.role === 'coldkey' ? 'Coldkey' : 'Hotkey'} word #${c.position}`}
                  value={answers[`${c.role}-${c.position}`] ?? ''}
                  onChange={(e) => setAnswers({ ...answers, [`${c.role}-${c.position}`]: e.currentTarget.value })}
                  data-testid={`check-${c.role}-${c.position}`}
                  autoComplete="off"
                />
              ))}
              {error && <Alert color="red">{error}</Alert>}
              <Group>
                <Button variant="default" onClick={() => setStep(1)}>Back to the words</Button>
                <Button loading={busy} onClick={() => void check()} data-testid="wallet-check">Check and finish</Button>
              </Group>
            </Stack>
          )}
        </Stepper.Step>
        <Stepper.Completed>
          <Stack mt="sm" align="flex-start" data-testid="wallet-ready">
            <Alert color="teal" title="Your wallet is ready">
              Next: get free practice TAO and register your hotkey on the practice subnet, so that validators can find your miner.
            </Alert>
            <Group>
              <Button
                onClick={() => {
                  onDone()
                  window.location.hash = '/subnet'
                }}
                data-testid="wallet-next"
              >
                Next: register on the practice subnet
              </Button>
              <Button variant="default" onClick={onDone} data-testid="wallet-show">
                Show my wallet
              </Button>
            </Group>
          </Stack>
        </Stepper.Completed>
      </Stepper>
    </Stack>
  )
}

/** The common-password list, loaded once in the background (the meter uses btcli's rule until then). */
function useCommonPasswords(): ReadonlySet<string> | null {
  const [list, setList] = useState<ReadonlySet<string> | null>(null)
  useEffect(() => {
    let live = true
    void loadCommonPasswords().then((l) => live && setList(l))
    return () => {
      live = false
    }
  }, [])
  return list
}

/** The three networks in a sentence each: TaoDesk starts on the practice network. */
function NetworksNote() {
  return (
    <Alert color="blue" title="Where TaoDesk runs" data-testid="wizard-networks">
      <Stack gap={4}>
        <Text size="sm">
          <b>Practice network</b> (where TaoDesk starts): a chain inside TaoDesk with free practice TAO, so you can register, mine and validate without spending anything.
        </Text>
        <Text size="sm">
          <b>Testnet</b>: Bittensor's public test chain; its TAO comes from a faucet and is worth nothing, but the subnets and validators on it are real.
        </Text>
        <Text size="sm">
          <b>Mainnet (finney)</b>: the real Bittensor network; registering burns real TAO, and a subnet pays only if its validators ask for what you serve.
        </Text>
      </Stack>
    </Alert>
  )
}
