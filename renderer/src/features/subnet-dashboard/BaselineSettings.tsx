import { Alert, Button, Card, Checkbox, Group, NumberInput, PasswordInput, Stack, Switch, Text, TextInput } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { OpenAiBaselineModel, ValidatorConfigView } from '../../../../native/contract'
import { useEngine } from '../../engine/engine-context'

const OPENAI_MODELS: readonly OpenAiBaselineModel[] = ['text-embedding-3-small', 'text-embedding-3-large']

/** Which baselines each round is scored with: the installed local models, OpenAI's (with the operator's key). */
export function BaselineSettings({ config, onSaved }: { config: ValidatorConfigView; onSaved: (c: ValidatorConfigView) => void }) {
  const engine = useEngine()
  const [local, setLocal] = useState(config.baselineLocalModels)
  const [models, setModels] = useState<string[]>(config.baselineOpenAiModels)
  const [baseUrl, setBaseUrl] = useState(config.openAiBaseUrl)
  const [timeoutS, setTimeoutS] = useState<number | string>(config.baselineTimeoutS)
  const [key, setKey] = useState('')
  const [message, setMessage] = useState<{ ok: boolean; text: string }>()
  const [saving, setSaving] = useState(false)
  useEffect(() => {
    setLocal(config.baselineLocalModels)
    setModels(config.baselineOpenAiModels)
    setBaseUrl(config.openAiBaseUrl)
    setTimeoutS(config.baselineTimeoutS)
  }, [config])

  const save = async (patch: { openAiApiKey?: string } = {}): Promise<void> => {
    setSaving(true)
    try {
      const saved = await engine.call('validator.config.update', {
        baselineLocalModels: local,
        baselineOpenAiModels: models as OpenAiBaselineModel[],
        openAiBaseUrl: baseUrl.trim(),
        baselineTimeoutS: Number(timeoutS),
        ...(key ? { openAiApiKey: key } : {}),
        ...patch,
      })
      setKey('')
      onSaved(saved)
      setMessage({ ok: true, text: 'Saved. The next round is scored with these baselines.' })
    } catch (e) {
      setMessage({ ok: false, text: `Not saved: ${e instanceof Error ? e.message : String(e)}` })
    } finally {
      setSaving(false)
    }
  }

  return (
    <Card withBorder data-testid="baseline-settings">
      <Text fw={600} mb="xs">
        Baselines
      </Text>
      <Stack gap="sm">
        <Switch checked={local} onChange={(e) => setLocal(e.currentTarget.checked)} label="Score each round with the installed local models (Models page)" data-testid="baseline-local" />
        <Checkbox.Group value={models} onChange={setModels} label="OpenAI models (used only when an API key is set)">
          <Group mt={4}>
            {OPENAI_MODELS.map((m) => (
              <Checkbox key={m} value={m} label={m} data-testid={`baseline-openai-${m}`} />
            ))}
          </Group>
        </Checkbox.Group>
        <PasswordInput
          label="OpenAI API key"
          description={config.openAiApiKeySet ? `A key is set (${config.credentialsStorage}). Enter a new one to replace it.` : `Not set. It is stored like the other validator secrets: ${config.credentialsStorage}.`}
          value={key}
          onChange={(e) => setKey(e.currentTarget.value)}
          placeholder={config.openAiApiKeySet ? '••••••••' : 'sk-…'}
          data-testid="baseline-openai-key"
        />
        <Group grow>
          <TextInput label="OpenAI base URL" value={baseUrl} onChange={(e) => setBaseUrl(e.currentTarget.value)} data-testid="baseline-openai-url" />
          <NumberInput label="Baseline time per round (s)" min={5} max={1800} value={timeoutS} onChange={setTimeoutS} data-testid="baseline-timeout" />
        </Group>
        <Group>
          <Button onClick={() => void save()} loading={saving} data-testid="baseline-save">
            Save
          </Button>
          {config.openAiApiKeySet && (
            <Button variant="subtle" color="red" onClick={() => void save({ openAiApiKey: '' })} disabled={saving} data-testid="baseline-openai-key-clear">
              Remove the OpenAI key
            </Button>
          )}
        </Group>
        {message && (
          <Alert color={message.ok ? 'green' : 'red'} data-testid="baseline-settings-message">
            {message.text}
          </Alert>
        )}
      </Stack>
    </Card>
  )
}
