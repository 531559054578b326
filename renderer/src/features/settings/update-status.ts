import type { UpdateStatus } from '../../../../native/contract'

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  return `${Math.round(hours / 24)} days ago`
}

/** "TaoDesk 0.1.0 · stable channel · last checked 5 min ago" */
export function updateStatusLine(status: UpdateStatus, now = Date.now()): string {
  const checked = status.lastCheckAt === null ? 'never checked' : `last checked ${ago(now - status.lastCheckAt)}`
  return `TaoDesk ${status.currentVersion} · ${status.channel} channel · ${checked}`
}

/** One sentence for the state, written for the user. */
export function updateStateText(status: UpdateStatus): string {
  const next = status.available?.version
  switch (status.state) {
    case 'unsupported':
      return status.reason ?? 'This copy of TaoDesk cannot update itself.'
    case 'idle':
      return 'Updates are checked shortly after start and every few hours.'
    case 'checking':
      return 'Checking for updates…'
    case 'up-to-date':
      return 'TaoDesk is up to date.'
    case 'available':
      if (status.deferred === 'metered') return `TaoDesk ${next} is available. Not downloaded automatically because the connection is metered.`
      if (status.deferred === 'auto-download-off') return `TaoDesk ${next} is available. Automatic download is off.`
      return `TaoDesk ${next} is available.`
    case 'downloading':
      return `Downloading TaoDesk ${next}… ${Math.floor(status.progress?.percent ?? 0)}%`
    case 'ready':
      return `TaoDesk ${next} is downloaded and verified. Restart when it suits you.`
    case 'waiting-for-safe-point':
      return `Restarting into TaoDesk ${next} as soon as this finishes: ${status.waitingFor.map((l) => l.reason).join('; ') || 'work in progress'}.`
    case 'installing':
      return `Installing TaoDesk ${next} and restarting…`
    case 'error':
      return status.error ?? 'The last update attempt failed; the running version is untouched.'
  }
}
