import { Badge, Button, Card, Group, MultiSelect, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconDownload, IconSearch } from '@tabler/icons-react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { LogEntry, LogFilter, LogLevel } from '../../../../native/contract'
import { useEngine } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { formatTime } from '../../ui/format'
import { useLogStream } from './use-log-stream'

const ROW_HEIGHT = 30
const LEVEL_COLOR: Record<LogLevel, string> = { debug: 'gray', info: 'blue', warn: 'orange', error: 'red' }
const MIN_LEVELS: Record<string, LogLevel[]> = {
  all: ['debug', 'info', 'warn', 'error'],
  info: ['info', 'warn', 'error'],
  warn: ['warn', 'error'],
  error: ['error'],
}

export function LogsPage() {
  const engine = useEngine()
  const [minLevel, setMinLevel] = useState('all')
  const [sources, setSources] = useState<string[]>([])
  const [search, setSearch] = useState('')
  const [debouncedSearch] = useDebouncedValue(search.trim(), 250)
  const [paused, setPaused] = useState(false)
  const [selected, setSelected] = useState<LogEntry>()
  const [exportError, setExportError] = useState<string>()
  const knownSources = useEngineQuery('logs.sources', {})

  const filter = useMemo<LogFilter>(
    () => ({
      levels: minLevel === 'all' ? undefined : MIN_LEVELS[minLevel],
      sources: sources.length > 0 ? sources : undefined,
      search: debouncedSearch || undefined,
    }),
    [minLevel, sources, debouncedSearch],
  )
  const { entries, loading, error } = useLogStream(filter, paused)

  const exportLog = async (format: 'jsonl' | 'text'): Promise<void> => {
    try {
      const file = await engine.call('logs.export', { ...filter, format })
      const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }))
      const a = document.createElement('a')
      a.href = url
      a.download = file.fileName
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      setExportError(undefined)
    } catch (e) {
      setExportError(`Export failed: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  return (
    <Stack h="calc(100vh - 56px - 2 * var(--mantine-spacing-md))" gap="sm">
      <PageHeader
        title="Logs"
        description="Everything the engine does, live. Filter, search, and export a file to share when asking for help."
        actions={
          <>
            <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => void exportLog('text')} data-testid="export-text">
              Export .log
            </Button>
            <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => void exportLog('jsonl')}>
              Export .jsonl
            </Button>
          </>
        }
      />
      <Group gap="sm" align="center">
        <SegmentedControl
          value={minLevel}
          onChange={setMinLevel}
          data={[
            { value: 'all', label: 'All' },
            { value: 'info', label: 'Info+' },
            { value: 'warn', label: 'Warnings+' },
            { value: 'error', label: 'Errors' },
          ]}
          aria-label="Minimum level"
        />
        <MultiSelect
          placeholder={sources.length === 0 ? 'All sources' : undefined}
          data={knownSources.data ?? []}
          value={sources}
          onChange={setSources}
          onDropdownOpen={knownSources.reload}
          clearable
          searchable
          w={260}
          aria-label="Sources"
        />
        <TextInput
          placeholder="Search messages and fields"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={280}
          aria-label="Search"
          data-testid="log-search"
        />
        <Switch label="Pause" checked={paused} onChange={(e) => setPaused(e.currentTarget.checked)} />
        <Text size="sm" c="dimmed" data-testid="log-count">
          {loading ? 'Loading…' : `${entries.length} entries`}
        </Text>
      </Group>
      {(error ?? exportError) && <Text c="red" size="sm">{error ?? exportError}</Text>}
      <LogTable entries={entries} paused={paused} onSelect={setSelected} selectedId={selected?.id} />
      {selected && (
        <Card withBorder padding="sm" data-testid="log-detail">
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {formatTime(selected.time)} · {selected.level} · {selected.source}
            </Text>
            <Button size="compact-xs" variant="subtle" onClick={() => setSelected(undefined)}>
              Close
            </Button>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {selected.message}
          </Text>
          {Object.keys(selected.fields).length > 0 && (
            <Text component="pre" size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap', maxHeight: 160, overflow: 'auto' }}>
              {JSON.stringify(selected.fields, null, 2)}
            </Text>
          )}
        </Card>
      )}
    </Stack>
  )
}

function LogTable({ entries, paused, onSelect, selectedId }: { entries: readonly LogEntry[]; paused: boolean; onSelect: (e: LogEntry) => void; selectedId?: number }) {
  const parent = useRef<HTMLDivElement>(null)
  const stickToBottom = useRef(true)
  const virtualizer = useVirtualizer({ count: entries.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 20 })

  useEffect(() => {
    if (!paused && stickToBottom.current && entries.length > 0) virtualizer.scrollToIndex(entries.length - 1, { align: 'end' })
  }, [entries.length, paused, virtualizer])

  return (
    <Card withBorder padding={0} style={{ flex: 1, minHeight: 200 }}>
      <div
        ref={parent}
        data-testid="log-list"
        role="log"
        aria-live="polite"
        style={{ height: '100%', overflow: 'auto', fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12.5 }}
        onScroll={(e) => {
          const el = e.currentTarget
          stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2
        }}
      >
        {entries.length === 0 && (
          <Text c="dimmed" p="md" size="sm">
            No log entries match these filters yet.
          </Text>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const entry = entries[item.index]
            return (
              <div
                key={entry.id}
                data-testid="log-row"
                onClick={() => onSelect(entry)}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                  display: 'flex',
                  gap: 10,
                  alignItems: 'center',
                  padding: '0 10px',
                  cursor: 'pointer',
                  whiteSpace: 'nowrap',
                  borderBottom: '1px solid var(--mantine-color-default-border)',
                  background: entry.id === selectedId ? 'var(--mantine-color-default-hover)' : undefined,
                }}
              >
                <span style={{ color: 'var(--mantine-color-dimmed)', width: 185, flexShrink: 0 }}>{formatTime(entry.time)}</span>
                <Badge size="xs" color={LEVEL_COLOR[entry.level]} variant="light" w={54} style={{ flexShrink: 0 }}>
                  {entry.level}
                </Badge>
                <span style={{ width: 90, flexShrink: 0, overflow: 'hidden', textOverflow: 'ellipsis', color: 'var(--mantine-color-dimmed)' }}>{entry.source}</span>
                <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
                  {entry.message}
                  {Object.keys(entry.fields).length > 0 && <span style={{ color: 'var(--mantine-color-dimmed)' }}> {JSON.stringify(entry.fields)}</span>}
                </span>
              </div>
            )
          })}
        </div>
      </div>
    </Card>
  )
}
