/**
 * What the desktop shell shows for the miner: the tray state (running, stopped, warning) and OS
 * notifications for important changes. The Electron main process only renders the
 * `desktop.tray` and `desktop.notify` events; the decisions live here, where they are tested.
 */
import type { DesktopNotice, EventName, EventPayload, Handlers, MinerRewards, MinerStatus, Settings, TrayState } from '../../contract'
import type { MinerNotice } from './miner-service'

export interface DesktopPresenterOptions {
  readonly settings: () => Settings
  readonly fire: <E extends EventName>(name: E, payload: EventPayload<E>) => void
  /** The same notification key is not repeated within this time (default 30 min). */
  readonly repeatAfterMs?: number
  readonly now?: () => number
}

export function trayStateOf(s: MinerStatus | undefined, r: MinerRewards | null): TrayState {
  if (!s || s.state === 'stopped' || s.state === 'failed') {
    const lines = ['Miner stopped']
    if (s?.state === 'failed' && s.lastError) lines.push(`Last error: ${s.lastError}`)
    return { state: s?.state === 'failed' ? 'warning' : 'stopped', tooltip: s?.state === 'failed' ? 'TaoDesk: the miner failed to start' : 'TaoDesk: miner stopped', lines, minerRunning: false }
  }
  const lines = [`Miner ${s.state}${s.uid !== null ? ` · uid ${s.uid}` : ''}${s.netuid !== null ? ` · subnet ${s.netuid}` : ''}`]
  if (r?.registered) lines.push(`Incentive ${(r.incentive * 100).toFixed(2)} % · ${r.emissionAlpha.toFixed(4)} α per epoch`)
  for (const w of s.warnings) lines.push(`⚠ ${w.message.length > 90 ? `${w.message.slice(0, 89)}…` : w.message}`)
  const warning = s.warnings.length > 0
  return {
    state: warning ? 'warning' : 'running',
    tooltip: warning ? `TaoDesk: miner running, ${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'}` : `TaoDesk: miner running${r?.registered ? `, incentive ${(r.incentive * 100).toFixed(2)} %` : ''}`,
    lines,
    minerRunning: s.state === 'running',
  }
}

export class DesktopPresenter {
  private status: MinerStatus | undefined
  private rewardsView: MinerRewards | null = null
  private lastTray = ''
  private readonly sent = new Map<string, number>()

  constructor(private readonly o: DesktopPresenterOptions) {}

  tray(): TrayState {
    return trayStateOf(this.status, this.rewardsView)
  }

  private pushTray(): void {
    const t = this.tray()
    const key = JSON.stringify(t)
    if (key === this.lastTray) return
    this.lastTray = key
    this.o.fire('desktop.tray', t)
  }

  minerStatus(s: MinerStatus): void {
    const before = this.status
    this.status = s
    if (s.state !== 'running') this.rewardsView = null
    if (before?.state === 'starting' && s.state === 'failed') this.notify({ key: 'miner.failed', title: 'The miner could not start', body: s.lastError ?? 'See the Miner page for details.', level: 'error' })
    this.pushTray()
  }

  rewards(r: MinerRewards): void {
    const before = this.rewardsView
    this.rewardsView = r
    // The tray shows incentive rounded to 0.01 %: only a visible change is pushed.
    if (!before || before.incentive !== r.incentive || before.registered !== r.registered) this.pushTray()
  }

  /** Fires `desktop.notify` when the user's `notifications` setting is on, at most once per key per repeat window. */
  notify(n: MinerNotice): boolean {
    if (!this.o.settings().notifications) return false
    const now = (this.o.now ?? Date.now)()
    const last = this.sent.get(n.key)
    if (last !== undefined && now - last < (this.o.repeatAfterMs ?? 30 * 60_000)) return false
    this.sent.set(n.key, now)
    const notice: DesktopNotice = { ...n, time: now }
    this.o.fire('desktop.notify', notice)
    return true
  }

  handlers(): Pick<Handlers, 'desktop.tray'> {
    return { 'desktop.tray': () => this.tray() }
  }
}
