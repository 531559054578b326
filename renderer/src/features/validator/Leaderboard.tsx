import { Badge, Card, Group, Text, TextInput, Tooltip } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useMemo, useRef, useState } from 'react'
import type { CSSProperties } from 'react'
import type { LeaderboardEntry } from '../../../../native/contract'
import { GLOSSARY } from '../../ui/glossary'
import { nextSort, sortLeaderboard } from './leaderboard-sort'
import type { SortKey, SortState } from './leaderboard-sort'
import { ago, entryStatus, filterLeaderboard, shortHotkey } from './validator-format'

const ROW_HEIGHT = 34

type ColumnKey = SortKey | 'status' | 'reason' | 'hotkey'

const COLUMNS: ReadonlyArray<{ key: ColumnKey; label: string; width: number; title: string; sortable: boolean; align?: 'right' }> = [
  { key: 'uid', label: 'UID', width: 52, title: GLOSSARY.uid, sortable: true },
  { key: 'status', label: 'Last answer', width: 100, title: 'How the miner answered the last query', sortable: false },
  { key: 'reason', label: 'Why', width: 260, title: 'Why the last answer did not count (the miner’s own reason when it refused)', sortable: false },
  { key: 'movingAverage', label: 'Moving avg', width: 100, title: 'Moving average of rewards (α 0.2): what weights are made from', sortable: true, align: 'right' },
  { key: 'lastScore', label: 'Score', width: 72, title: `Latest score: min(100, 1/InfoNCE loss); 0 for invalid or missing answers. InfoNCE: ${GLOSSARY.infonce}`, sortable: true, align: 'right' },
  { key: 'avgScore', label: 'Avg score', width: 80, title: 'Average score over recent rounds', sortable: true, align: 'right' },
  { key: 'avgTop1', label: 'Top-1', width: 64, title: 'Average top-1 recall (reported only, not rewarded)', sortable: true, align: 'right' },
  { key: 'avgLatencyS', label: 'Latency', width: 76, title: 'Average latency of answered queries', sortable: true, align: 'right' },
  { key: 'availability', label: 'Avail.', width: 64, title: 'Share of queries answered with a valid embedding', sortable: true, align: 'right' },
  { key: 'weight', label: 'Weight', width: 76, title: 'Our current normalized weight for this uid', sortable: true, align: 'right' },
  { key: 'consensus', label: 'Consensus', width: 84, title: `The chain's consensus for this uid (known after a round reads the chain). ${GLOSSARY.consensus}`, sortable: true, align: 'right' },
  { key: 'lastSeen', label: 'Last seen', width: 88, title: 'Last answer over HTTP 200', sortable: true },
  { key: 'hotkey', label: 'Hotkey', width: 124, title: 'The hotkey registered at this uid', sortable: false },
]

const fmt = (x: number | null, digits = 3): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits))
const pct = (x: number): string => `${Math.round(x * 100)}%`

function cellText(r: LeaderboardEntry, key: SortKey, now: number): string {
  switch (key) {
    case 'uid':
      return String(r.uid)
    case 'avgTop1':
    case 'availability':
      return pct(r[key])
    case 'avgLatencyS':
      return r.avgLatencyS === null ? '–' : `${r.avgLatencyS.toFixed(2)} s`
    case 'lastSeen':
      return ago(r.lastSeen, now)
    case 'consensus':
      return fmt(r.consensus)
    case 'weight':
      return fmt(r.weight, 4)
    default:
      return fmt(r[key])
  }
}

const rowStyle: CSSProperties = { display: 'flex', alignItems: 'center', gap: 9, padding: '0 10px', whiteSpace: 'nowrap' }
const cellStyle = (c: (typeof COLUMNS)[number]): CSSProperties => ({ width: c.width, flexShrink: 0, textAlign: c.align ?? 'left', fontVariantNumeric: 'tabular-nums', overflow: 'hidden', textOverflow: 'ellipsis' })
const TOTAL_WIDTH = COLUMNS.reduce((s, c) => s + c.width + 9, 20)

/** The current time, refreshed every `everyMs` so that "12 min ago" stays true. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(t)
  }, [everyMs])
  return now
}

/** One row; memoized so that scrolling re-renders only rows that enter the window. */
const Row = memo(function Row({ r, start, selected, now, onSelect }: { r: LeaderboardEntry; start: number; selected: boolean; now: number; onSelect: (uid: number) => void }) {
  const st = entryStatus(r)
  return (
    <div
      role="row"
      data-testid="leaderboard-row"
      data-uid={r.uid}
      title={`uid ${r.uid} · ${r.hotkey}\nLast answer: ${st.detail}`}
      onClick={() => onSelect(r.uid)}
      style={{
        ...rowStyle,
        position: 'absolute',
        top: 0,
        left: 0,
        minWidth: '100%',
        width: TOTAL_WIDTH,
        height: ROW_HEIGHT,
        transform: `translateY(${start}px)`,
        cursor: 'pointer',
        borderBottom: '1px solid var(--mantine-color-default-border)',
        background: selected ? 'var(--mantine-primary-color-light)' : undefined,
      }}
    >
      {COLUMNS.map((c) => (
        <span key={c.key} style={cellStyle(c)}>
          {c.key === 'status' ? (
            <Badge size="sm" variant="light" color={st.color} style={{ overflow: 'visible' }}>
              {st.label}
            </Badge>
          ) : c.key === 'reason' ? (
            <Text span size="xs" c={st.reason ? 'orange' : 'dimmed'} title={st.detail} data-testid="leaderboard-reason">
              {st.reason || '—'}
            </Text>
          ) : c.key === 'hotkey' ? (
            <Text span size="xs" ff="monospace" c="dimmed">
              {shortHotkey(r.hotkey)}
            </Text>
          ) : (
            cellText(r, c.key, now)
          )}
        </span>
      ))}
    </div>
  )
})

export function Leaderboard({ rows, selected, onSelect }: { rows: readonly LeaderboardEntry[]; selected: number | null; onSelect: (uid: number) => void }) {
  const [sort, setSort] = useState<SortState>({ key: 'movingAverage', desc: true })
  const [query, setQuery] = useState('')
  const sorted = useMemo(() => sortLeaderboard(filterLeaderboard(rows, query), sort), [rows, sort, query])
  const now = useNow(30_000)
  const parent = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({ count: sorted.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 10, scrollMargin: ROW_HEIGHT })
  return (
    <Card withBorder padding={0}>
      <Group justify="space-between" p="xs" gap="xs">
        <TextInput
          size="xs"
          w={260}
          leftSection={<IconSearch size={14} />}
          placeholder="Find a uid or hotkey"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          data-testid="leaderboard-search"
        />
        <Text size="sm" c="dimmed" data-testid="leaderboard-count">
          {query.trim() ? `${sorted.length} of ${rows.length} miners` : `${rows.length} miners`}
        </Text>
      </Group>
      <div ref={parent} data-testid="leaderboard" style={{ height: Math.min(520, Math.max(ROW_HEIGHT * 4, (sorted.length + 1) * ROW_HEIGHT + 2)), overflow: 'auto', fontSize: 13, position: 'relative' }}>
        <div
          role="row"
          style={{
            ...rowStyle,
            width: TOTAL_WIDTH,
            minWidth: '100%',
            height: ROW_HEIGHT,
            fontWeight: 600,
            position: 'sticky',
            top: 0,
            zIndex: 1,
            background: 'var(--mantine-color-body)',
            borderTop: '1px solid var(--mantine-color-default-border)',
            borderBottom: '1px solid var(--mantine-color-default-border)',
          }}
        >
          {COLUMNS.map((c) => (
            <Tooltip key={c.key} label={c.title} openDelay={500} multiline w={240}>
              {c.sortable ? (
                <button
                  type="button"
                  data-testid={`sort-${c.key}`}
                  aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}
                  onClick={() => setSort((s) => nextSort(s, c.key as SortKey))}
                  style={{ ...cellStyle(c), background: 'none', border: 0, padding: 0, cursor: 'pointer', font: 'inherit', color: sort.key === c.key ? 'var(--mantine-primary-color-filled)' : 'inherit' }}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
                </button>
              ) : (
                <span style={cellStyle(c)}>{c.label}</span>
              )}
            </Tooltip>
          ))}
        </div>
        {sorted.length === 0 && (
          <Text c="dimmed" p="md" size="sm">
            {rows.length === 0 ? 'No miner has been queried yet. Run a round to fill the leaderboard.' : 'No miner matches this search.'}
          </Text>
        )}
        <div style={{ height: virtualizer.getTotalSize(), width: TOTAL_WIDTH, minWidth: '100%', position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const r = sorted[item.index]
            return <Row key={r.uid} r={r} start={item.start - ROW_HEIGHT} selected={r.uid === selected} now={now} onSelect={onSelect} />
          })}
        </div>
      </div>
    </Card>
  )
}
