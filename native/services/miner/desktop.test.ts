import { describe, expect, it } from 'vitest'
import type { EventName, MinerRewards, MinerStatus, Settings } from '../../contract'
import { Settings as SettingsSchema } from '../../contract'
import { DesktopPresenter, trayStateOf } from './desktop'

function status(o: Partial<MinerStatus> = {}): MinerStatus {
  return {
    state: 'running',
    network: 'finney',
    netuid: 5,
    hotkey: '5F',
    uid: 3,
    listen: null,
    externalIp: null,
    served: null,
    provider: null,
    startedAt: 1,
    reachability: null,
    metricsUrl: null,
    localApiUrl: null,
    totals: { requests: 0, errors: 0, texts: 0 },
    load: { inFlight: 0, queued: 0 },
    warnings: [],
    lastError: null,
    ...o,
  }
}

function presenter(settings: Partial<Settings> = {}) {
  const fired: Array<{ name: EventName; payload: unknown }> = []
  let now = 1_000_000
  const s = { ...SettingsSchema.parse({}), ...settings }
  const p = new DesktopPresenter({ settings: () => s, fire: (name, payload) => fired.push({ name, payload }), now: () => now, repeatAfterMs: 60_000 })
  return { p, fired, s, tick: (ms: number) => (now += ms) }
}

describe('DesktopPresenter', () => {
  it('derives the tray state: stopped, running with incentive, warning, failed', () => {
    expect(trayStateOf(undefined, null)).toMatchObject({ state: 'stopped', minerRunning: false })
    const r = { registered: true, incentive: 0.0123, emissionAlpha: 0.5 } as MinerRewards
    expect(trayStateOf(status(), r)).toMatchObject({ state: 'running', tooltip: 'TaoDesk: miner running, incentive 1.23 %', minerRunning: true })
    expect(trayStateOf(status(), r).lines).toEqual(['Miner running · uid 3 · subnet 5', 'Incentive 1.23 % · 0.5000 α per epoch'])
    const warned = trayStateOf(status({ warnings: [{ code: 'unreachable', message: 'not reachable' }] }), null)
    expect(warned).toMatchObject({ state: 'warning', tooltip: 'TaoDesk: miner running, 1 warning' })
    expect(warned.lines).toContain('⚠ not reachable')
    expect(trayStateOf(status({ state: 'failed', lastError: 'port taken' }), null)).toMatchObject({ state: 'warning', minerRunning: false, lines: ['Miner stopped', 'Last error: port taken'] })
  })

  it('fires desktop.tray only on change and desktop.notify only with the setting on, once per key per window', () => {
    const { p, fired, tick } = presenter()
    p.minerStatus(status())
    p.minerStatus(status())
    expect(fired.filter((f) => f.name === 'desktop.tray')).toHaveLength(1)
    const n = { key: 'miner.unreachable', title: 'T', body: 'B', level: 'warning' as const }
    expect(p.notify(n)).toBe(true)
    expect(p.notify(n)).toBe(false)
    tick(61_000)
    expect(p.notify(n)).toBe(true)
    expect(fired.filter((f) => f.name === 'desktop.notify').map((f) => f.payload)).toEqual([
      { ...n, time: 1_000_000 },
      { ...n, time: 1_061_000 },
    ])
    const off = presenter({ notifications: false })
    expect(off.p.notify(n)).toBe(false)
    expect(off.fired).toEqual([])
  })

  it('notifies when a start fails', () => {
    const { p, fired } = presenter()
    p.minerStatus(status({ state: 'starting' }))
    p.minerStatus(status({ state: 'failed', lastError: 'Port 8091 is already in use.' }))
    expect(fired.find((f) => f.name === 'desktop.notify')?.payload).toMatchObject({ key: 'miner.failed', body: 'Port 8091 is already in use.', level: 'error' })
  })
})
