import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../host'
import type { Engine } from '../../host'
import { makeTempHome } from '../../../test/support/temp-home'

let engine: Engine | undefined
let cleanup: (() => void) | undefined
afterEach(async () => {
  await engine?.dispose()
  cleanup?.()
})

describe('updates over the contract', () => {
  it('a headless engine says why it cannot update itself and exposes the safety gate', async () => {
    const home = makeTempHome()
    cleanup = home.cleanup
    engine = createEngine({ home: home.dir, version: '0.4.0', headless: true })
    const client = engine.connectInproc()
    const status = await client.call('updates.status', {})
    expect(status).toMatchObject({ currentVersion: '0.4.0', channel: 'stable', state: 'unsupported', autoDownload: true })
    expect(status.reason).toMatch(/taodesk update check/)
    await expect(client.call('updates.check', {})).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    const settings = await client.call('settings.update', { updateChannel: 'beta', startAtLogin: true })
    expect(settings).toMatchObject({ updateChannel: 'beta', startAtLogin: true, updateAutoDownload: true })
    expect((await client.call('updates.status', {})).channel).toBe('beta')
    const lease = engine.safetyGate.acquire('miner', 'serving a request')
    expect(engine.safetyGate.busy).toBe(true)
    lease.release()
    expect(engine.safetyGate.busy).toBe(false)
  })
})
