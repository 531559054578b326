import { Alert, Button, Divider, Drawer, Group, NumberInput, PasswordInput, SegmentedControl, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { ValidatorConfigPatch, ValidatorConfigView } from '../../../../native/contract'
import { ValidatorConfig } from '../../../../native/contract'
import { useEngine } from '../../engine/engine-context'
import { boundsOf } from '../../ui/schema-fields'
import { questionSourceNote, weightsIntervalNote } from './validator-format'
import { useEngineQuery } from '../../engine/use-engine-query'

const FIELDS = ValidatorConfig.shape

type Draft = Omit<ValidatorConfigView, 'llmApiKeySet' | 'hfTokenSet' | 'credentialsStorage'>

/** Only the fields that changed, plus secrets the user typed (empty secret fields keep the saved value). */
export function configPatch(saved: Draft, draft: Draft, secrets: { llmApiKey: string; hfToken: string; clearLlmKey: boolean; clearHfToken: boolean }): ValidatorConfigPatch {
  const patch: Record<string, unknown> = {}
  for (const key of Object.keys(draft) as (keyof Draft)[]) if (draft[key] !== saved[key]) patch[key] = draft[key]
  if (secrets.clearLlmKey) patch.llmApiKey = ''
  else if (secrets.llmApiKey) patch.llmApiKey = secrets.llmApiKey
  if (secrets.clearHfToken) patch.hfToken = ''
  else if (secrets.hfToken) patch.hfToken = secrets.hfToken
  return patch as ValidatorConfigPatch
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function strip(c: ValidatorConfigView): Draft {
  const { llmApiKeySet: _a, hfTokenSet: _b, credentialsStorage: _c, ...rest } = c
  return rest
}

/** The validator's settings: where miners and data come from, question making, burn rule, weights. */
export function ValidatorSettings({ opened, onClose, onSaved }: { opened: boolean; onClose: () => void; onSaved: (c: ValidatorConfigView) => void }) {
  const engine = useEngine()
  const [saved, setSaved] = useState<ValidatorConfigView>()
  const [draft, setDraft] = useState<Draft>()
  const [llmApiKey, setLlmApiKey] = useState('')
  const [hfToken, setHfToken] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(false)
  const subnet = useEngineQuery('chain.subnet', { netuid: draft?.netuid ?? 0 }, `${opened}|${draft?.netuid ?? ''}`)
  const tempo = subnet.data && subnet.data.netuid === draft?.netuid ? subnet.data.hyperparameters.tempo : null

  useEffect(() => {
    if (!opened) return
    setError(undefined)
    setDone(false)
    setLlmApiKey('')
    setHfToken('')
    engine
      .call('validator.config.get', {})
      .then((c) => {
        setSaved(c)
        setDraft(strip(c))
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
  }, [engine, opened])

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => (d ? { ...d, [key]: value } : d))
    setError(undefined)
    setDone(false)
  }
  const num = (v: string | number, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)

  const save = async (secrets = { clearLlmKey: false, clearHfToken: false }) => {
    if (!saved || !draft) return
    setBusy(true)
    setError(undefined)
    setDone(false)
    try {
      const next = await engine.call('validator.config.update', configPatch(strip(saved), draft, { llmApiKey, hfToken, ...secrets }))
      setSaved(next)
      setDraft(strip(next))
      setLlmApiKey('')
      setHfToken('')
      setDone(true)
      onSaved(next)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="lg" title={<Text fw={700}>Validator settings</Text>}>
      {!draft || !saved ? (
        error ? <Alert color="red">{error}</Alert> : <Text c="dimmed">Loading…</Text>
      ) : (
        <Stack gap="sm" data-testid="validator-settings">
          <Divider label="Identity and subnet" labelPosition="left" />
          <SimpleGrid cols={3}>
            <TextInput label="Wallet" description="Signs queries and weights" placeholder="none: temporary key" value={draft.wallet} onChange={(e) => set('wallet', e.currentTarget.value)} data-testid="vs-wallet" />
            <TextInput label="Hotkey" value={draft.hotkey} onChange={(e) => set('hotkey', e.currentTarget.value)} />
            <NumberInput label="Subnet (netuid)" {...boundsOf(FIELDS.netuid)} value={draft.netuid} onChange={(v) => set('netuid', num(v, draft.netuid))} />
          </SimpleGrid>
          <Divider label="Miners to query" labelPosition="left" />
          <SegmentedControl
            value={draft.metagraph}
            onChange={(v) => set('metagraph', v as Draft['metagraph'])}
            data={[
              { value: 'chain', label: 'From the chain metagraph' },
              { value: 'file', label: 'From a targets file' },
            ]}
          />
          {draft.metagraph === 'file' && (
            <TextInput
              label="Targets file"
              description='JSON list of {"hotkey", "ip", "port"}: watch your own miners without a chain (weights are not set)'
              placeholder="/home/me/targets.json"
              value={draft.targetsFile}
              onChange={(e) => set('targetsFile', e.currentTarget.value)}
            />
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Wire format
            </Text>
            <SegmentedControl
              value={draft.wire}
              onChange={(v) => set('wire', v as Draft['wire'])}
              data={[
                { value: 'v10', label: 'v10 synapse (bittensor 9/10)' },
                { value: 'btauth', label: 'btauth/1 (SDK 11)' },
              ]}
              data-testid="vs-wire"
            />
            <Text size="xs" c="dimmed">
              Ask miners the way the subnet's miners answer: v10 posts TextEmbeddingSynapse, as OpenKaito's validators do; btauth/1 posts a hotkey-signed /v1/embeddings request, as subnets built on SDK 11 do. A subnet's identity may declare which it uses.
            </Text>
          </Stack>
          <SimpleGrid cols={3}>
            <NumberInput label="Miners per round" {...boundsOf(FIELDS.sampleSize)} value={draft.sampleSize} onChange={(v) => set('sampleSize', num(v, draft.sampleSize))} data-testid="vs-sample" />
            <NumberInput label="Timeout (s)" {...boundsOf(FIELDS.timeoutS)} value={draft.timeoutS} onChange={(v) => set('timeoutS', num(v, draft.timeoutS))} />
            <NumberInput label="Pause between rounds (s)" {...boundsOf(FIELDS.intervalS)} value={draft.intervalS} onChange={(v) => set('intervalS', num(v, draft.intervalS))} />
          </SimpleGrid>
          <Divider label="Evaluation data" labelPosition="left" />
          <SegmentedControl
            value={draft.dataSource}
            onChange={(v) => set('dataSource', v as Draft['dataSource'])}
            data={[
              { value: 'auto', label: 'Follow the network' },
              { value: 'huggingface', label: "Subnet's datasets (Hugging Face)" },
              { value: 'builtin', label: 'Built-in (offline)' },
              { value: 'local', label: 'Local corpus' },
            ]}
            data-testid="vs-data-source"
          />
          <Text size="xs" c="dimmed">
            Follow the network: TaoDesk's built-in articles (its own documentation, no traffic off the machine) on the practice network, the subnet's Hugging Face datasets elsewhere.
          </Text>
          {draft.dataSource === 'builtin' ? null : draft.dataSource === 'local' ? (
            <TextInput
              label="Corpus"
              description="A JSONL file ({text} per line, optionally with title and a one-line summary the offline questions use) or a folder of .txt/.md files, on the engine's machine"
              placeholder="/home/me/corpus.jsonl"
              value={draft.corpusPath}
              onChange={(e) => set('corpusPath', e.currentTarget.value)}
              data-testid="vs-corpus"
            />
          ) : (
            <SimpleGrid cols={2}>
              <TextInput label="Datasets server" value={draft.datasetsServerUrl} onChange={(e) => set('datasetsServerUrl', e.currentTarget.value)} />
              <PasswordInput
                label="Hugging Face token"
                description={`${saved.hfTokenSet ? 'Saved. Type a new one to replace it.' : 'Optional; some datasets need it.'} ${capitalize(saved.credentialsStorage)}.`}
                value={hfToken}
                onChange={(e) => setHfToken(e.currentTarget.value)}
              />
            </SimpleGrid>
          )}
          <Text size="sm" fw={600}>
            Questions
          </Text>
          <SimpleGrid cols={2}>
            <TextInput
              label="OpenAI-compatible endpoint"
              description="Empty: offline questions from the text itself (no LLM); see below"
              placeholder="https://api.openai.com/v1 or http://localhost:11434/v1"
              value={draft.llmBaseUrl}
              onChange={(e) => set('llmBaseUrl', e.currentTarget.value)}
              data-testid="vs-llm-url"
            />
            <TextInput label="Model" value={draft.llmModel} onChange={(e) => set('llmModel', e.currentTarget.value)} disabled={!draft.llmBaseUrl} />
          </SimpleGrid>
          <Group align="flex-end" gap="xs">
            <PasswordInput
              style={{ flex: 1 }}
              label="API key"
              description={`${saved.llmApiKeySet ? 'Saved (never shown). Type a new one to replace it.' : 'Not set; a local server such as Ollama needs none.'} ${capitalize(saved.credentialsStorage)}.`}
              value={llmApiKey}
              onChange={(e) => setLlmApiKey(e.currentTarget.value)}
              disabled={!draft.llmBaseUrl}
            />
            {saved.llmApiKeySet && (
              <Button variant="subtle" color="red" size="xs" onClick={() => void save({ clearLlmKey: true, clearHfToken: false })}>
                Forget key
              </Button>
            )}
          </Group>
          <QuestionSource llmBaseUrl={draft.llmBaseUrl} llmModel={draft.llmModel} />
          <Divider label="Rewards and weights" labelPosition="left" />
          <Switch
            label="Apply the subnet's burn rule"
            description="As the reference validator: when the burner hotkey is registered, it receives this share of each round's rewards"
            checked={draft.burnEnabled}
            onChange={(e) => set('burnEnabled', e.currentTarget.checked)}
            data-testid="vs-burn"
          />
          {draft.burnEnabled && (
            <SimpleGrid cols={2}>
              <TextInput label="Burner hotkey" value={draft.burnHotkey} onChange={(e) => set('burnHotkey', e.currentTarget.value)} />
              <NumberInput label="Burn share (%)" min={0} max={100} decimalScale={2} value={Math.round(draft.burnPercentage * 10000) / 100} onChange={(v) => set('burnPercentage', num(v, draft.burnPercentage * 100) / 100)} />
            </SimpleGrid>
          )}
          <SimpleGrid cols={3}>
            <NumberInput label="Moving-average α" min={0.01} max={1} step={0.05} decimalScale={3} value={draft.movingAverageAlpha} onChange={(v) => set('movingAverageAlpha', num(v, draft.movingAverageAlpha))} />
            <NumberInput label="Blocks between weights" description={weightsIntervalNote(draft.epochLength, tempo)} {...boundsOf(FIELDS.epochLength)} value={draft.epochLength} onChange={(v) => set('epochLength', num(v, draft.epochLength))} />
            <NumberInput label="Weights version key" {...boundsOf(FIELDS.versionKey)} value={draft.versionKey} onChange={(v) => set('versionKey', num(v, draft.versionKey))} />
          </SimpleGrid>
          <Switch label="Set weights on chain" checked={draft.setWeights} onChange={(e) => set('setWeights', e.currentTarget.checked)} />
          <TextInput label="External IP" description="Sent to miners as this validator's address; axons published with it are reached over loopback" value={draft.externalIp} onChange={(e) => set('externalIp', e.currentTarget.value)} />
          {error && (
            <Alert color="red" data-testid="vs-error">
              {error}
            </Alert>
          )}
          {done && (
            <Alert color="green" data-testid="vs-saved">
              Saved. The next round uses these settings.
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button loading={busy} onClick={() => void save()} data-testid="vs-save">
              Save
            </Button>
          </Group>
        </Stack>
      )}
    </Drawer>
  )
}

/** Which question source is in use and its trade-off, so the choice is never silent. */
function QuestionSource({ llmBaseUrl, llmModel }: { llmBaseUrl: string; llmModel: string }) {
  const note = questionSourceNote(llmBaseUrl, llmModel)
  return (
    <Alert variant="light" color={llmBaseUrl.trim() ? 'blue' : 'gray'} title={note.inUse} data-testid="vs-question-source">
      <Text size="sm">{note.tradeOff}</Text>
    </Alert>
  )
}
