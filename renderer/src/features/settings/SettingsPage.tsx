import { Card, Group, NumberInput, SegmentedControl, Stack, Switch, Text } from '@mantine/core'
import { useState } from 'react'
import type { SettingsPatch, ThemePreference, UpdateChannel } from '../../../../native/contract'
import { Settings } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { boundsOf } from '../../ui/schema-fields'
import { EngineDiagnostics } from './EngineDiagnostics'
import { UpdatesCard } from './UpdatesCard'

const RETENTION_DAYS = boundsOf(Settings.shape.logRetentionDays)

function Row({ label, hint, children }: { label: string; hint: string; children: React.ReactNode }) {
  return (
    <Group justify="space-between" wrap="nowrap" py="xs">
      <Stack gap={0}>
        <Text fw={500}>{label}</Text>
        <Text size="sm" c="dimmed">{hint}</Text>
      </Stack>
      {children}
    </Group>
  )
}

export function SettingsPage() {
  const engine = useEngine()
  const loaded = useEngineQuery('settings.get', {})
  const [settings, setSettings] = useState<Settings>()
  const [error, setError] = useState<string>()
  useEngineEvent('settings.changed', setSettings)
  const current = settings ?? loaded.data

  const update = (patch: SettingsPatch): void => {
    engine
      .call('settings.update', patch)
      .then((s) => {
        setSettings(s)
        setError(undefined)
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
  }

  return (
    <Stack>
      <PageHeader title="Settings" description="Preferences are stored by the engine, so the desktop app and the browser UI share them." />
      {(error ?? loaded.error) && <Text c="red">{error ?? loaded.error}</Text>}
      {current && (
        <Card withBorder padding="lg">
          <Row label="Theme" hint="Follow the system, or force light or dark.">
            <SegmentedControl
              value={current.theme}
              onChange={(v) => update({ theme: v as ThemePreference })}
              data={[
                { value: 'system', label: 'System' },
                { value: 'light', label: 'Light' },
                { value: 'dark', label: 'Dark' },
              ]}
              data-testid="theme-control"
            />
          </Row>
          <Row label="Notifications" hint="Desktop notifications for important changes (deregistration risk, an unreachable axon).">
            <Switch checked={current.notifications} onChange={(e) => update({ notifications: e.currentTarget.checked })} aria-label="Notifications" />
          </Row>
          <Row label="Keep logs for" hint={`Older log entries are deleted automatically (${RETENTION_DAYS.min} to ${RETENTION_DAYS.max} days).`}>
            <NumberInput
              value={current.logRetentionDays}
              {...RETENTION_DAYS}
              suffix=" days"
              w={130}
              onBlur={(e) => {
                const days = Number.parseInt(e.currentTarget.value, 10)
                if (Number.isInteger(days) && days !== current.logRetentionDays) update({ logRetentionDays: days })
              }}
              aria-label="Log retention in days"
            />
          </Row>
          <Row label="Update channel" hint="Stable, or beta for earlier builds (beta also receives every stable release).">
            <SegmentedControl
              value={current.updateChannel}
              onChange={(v) => update({ updateChannel: v as UpdateChannel })}
              data={[
                { value: 'stable', label: 'Stable' },
                { value: 'beta', label: 'Beta' },
              ]}
              data-testid="update-channel-control"
            />
          </Row>
          <Row label="Download updates automatically" hint="In the background; never on a metered connection. You always choose when to restart.">
            <Switch checked={current.updateAutoDownload} onChange={(e) => update({ updateAutoDownload: e.currentTarget.checked })} aria-label="Download updates automatically" />
          </Row>
          <Row label="Start at login" hint="Open TaoDesk when you log in to this computer (desktop app).">
            <Switch checked={current.startAtLogin} onChange={(e) => update({ startAtLogin: e.currentTarget.checked })} aria-label="Start at login" />
          </Row>
        </Card>
      )}
      <UpdatesCard />
      <EngineDiagnostics />
    </Stack>
  )
}
