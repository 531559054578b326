import { describe, expect, it } from 'vitest'
import type { UpdateStatus } from '../../../../native/contract'
import { updateStateText, updateStatusLine } from './update-status'

const base: UpdateStatus = {
  currentVersion: '0.1.0', channel: 'stable', state: 'idle', reason: null, autoDownload: true, lastCheckAt: null, nextCheckAt: null,
  available: null, progress: null, deferred: null, waitingFor: [], error: null,
}

describe('update status line', () => {
  it('says the version, the channel and the last check', () => {
    expect(updateStatusLine(base)).toBe('TaoDesk 0.1.0 · stable channel · never checked')
    expect(updateStatusLine({ ...base, channel: 'beta', lastCheckAt: 1_000_000 }, 1_000_000 + 5 * 60_000)).toBe('TaoDesk 0.1.0 · beta channel · last checked 5 min ago')
  })

  it('names what holds a restart back and why a download was deferred', () => {
    const available = { version: '0.2.0', releaseDate: null, releaseNotes: null }
    expect(updateStateText({ ...base, state: 'waiting-for-safe-point', available, waitingFor: [{ owner: 'validator', reason: 'round 12 in progress', since: 0 }] })).toContain('round 12 in progress')
    expect(updateStateText({ ...base, state: 'available', available, deferred: 'metered' })).toMatch(/metered/)
    expect(updateStateText({ ...base, state: 'downloading', available, progress: { percent: 42.7, transferredBytes: 1, totalBytes: 2, bytesPerSecond: 1 } })).toMatch(/42%/)
  })
})
