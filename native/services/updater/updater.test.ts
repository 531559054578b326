import fs from 'node:fs'
import path from 'node:path'
import type { BaseUpdater } from 'electron-updater'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { UpdateChannel, UpdateStatus } from '../../contract'
import type { Logger } from '../../platform/logging'
import { ElectronUpdaterDriver } from './driver'
import { SafetyGateRegistry } from './gate'
import { createNodeAppImageUpdater } from './node-updater'
import { RemoteUpdateDriver, serveUpdateDriver } from './remote'
import type { UpdaterMessage } from './remote'
import { fakeAppImage, publishLinuxRelease, startFeedServer, tempDir } from './testing'
import type { FeedServer } from './testing'
import { UpdateService } from './update-service'

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent }

let work: ReturnType<typeof tempDir>
let server: FeedServer
let runningAppImage: string
const savedAppImage = process.env.APPIMAGE

beforeEach(async () => {
  work = tempDir('taodesk-updater-')
  server = await startFeedServer(path.join(work.dir, 'feed'))
  // The AppImage this process "runs from"; electron-updater replaces it on install.
  runningAppImage = path.join(work.dir, 'apps', 'TaoDesk.AppImage')
  fs.mkdirSync(path.dirname(runningAppImage), { recursive: true })
  fs.writeFileSync(runningAppImage, fakeAppImage('0.1.0', 1))
  process.env.APPIMAGE = runningAppImage
})

afterEach(async () => {
  await server.close()
  work.cleanup()
  if (savedAppImage === undefined) delete process.env.APPIMAGE
  else process.env.APPIMAGE = savedAppImage
})

function makeDriver(version: string) {
  const quits: number[] = []
  const { updater, adapter } = createNodeAppImageUpdater({
    name: 'TaoDesk',
    version,
    feedUrl: server.url,
    dataDir: path.join(work.dir, `user-${version}`),
    quit: () => quits.push(Date.now()),
  })
  const driver = new ElectronUpdaterDriver(updater, {
    log: silent,
    // Plain Node: install the AppImage for real (electron-updater's own install step), then "quit".
    install: (u) => {
      if (!(u as BaseUpdater).install(true, false)) throw new Error('electron-updater refused to install')
      adapter.quit()
    },
  })
  return { driver, updater, quits }
}

function makeService(version: string, options: { channel?: UpdateChannel; autoDownload?: boolean; metered?: boolean } = {}) {
  const made = makeDriver(version)
  const prefs = { channel: options.channel ?? 'stable', autoDownload: options.autoDownload ?? true }
  const gate = new SafetyGateRegistry()
  const service = new UpdateService({
    driver: made.driver,
    currentVersion: version,
    gate,
    log: silent,
    preferences: () => prefs,
    isMetered: async () => options.metered ?? false,
  })
  const states: UpdateStatus[] = []
  service.onDidChange((s) => states.push(s))
  return { ...made, service, gate, prefs, states }
}

function until(service: UpdateService, predicate: (s: UpdateStatus) => boolean, timeoutMs = 10_000): Promise<UpdateStatus> {
  return new Promise((resolve, reject) => {
    if (predicate(service.status())) return resolve(service.status())
    const timer = setTimeout(() => {
      sub.dispose()
      reject(new Error(`Timed out; last state ${JSON.stringify(service.status())}`))
    }, timeoutMs)
    const sub = service.onDidChange((s) => {
      if (!predicate(s)) return
      clearTimeout(timer)
      sub.dispose()
      resolve(s)
    })
  })
}

describe('electron-updater against a generic feed over HTTP (plain Node)', () => {
  it('offers a newer version and not an equal or older one', async () => {
    await publishLinuxRelease(server.dir, '0.2.0')
    expect(await makeDriver('0.1.0').driver.check('stable')).toMatchObject({ version: '0.2.0', releaseDate: '2025-01-15T12:00:00.000Z' })
    expect(await makeDriver('0.2.0').driver.check('stable')).toBeUndefined()
    // Choosing a channel turns on downgrades inside electron-updater; the driver turns them off again.
    expect(await makeDriver('0.3.0').driver.check('stable')).toBeUndefined()
    expect(await makeDriver('0.3.0').driver.check('beta')).toBeUndefined()
    expect(server.requests.filter((p) => p === '/feed/latest-linux.yml').length).toBe(3)
  })

  it('downloads in the background, verifies sha512 and reports the update ready', async () => {
    const published = await publishLinuxRelease(server.dir, '0.2.0')
    const { service, states } = makeService('0.1.0')
    const checked = await service.check()
    expect(checked.available?.version).toBe('0.2.0')
    const ready = await until(service, (s) => s.state === 'ready')
    expect(ready).toMatchObject({ currentVersion: '0.1.0', channel: 'stable', error: null, progress: null })
    expect(ready.lastCheckAt).toBeGreaterThan(0)
    expect(states.some((s) => s.state === 'downloading' && s.progress !== null)).toBe(true)
    expect(server.requests).toContain(`/feed/${path.basename(published)}`)
    // The staged file is byte-identical to the published one.
    const cacheDir = path.join(work.dir, 'user-0.1.0', 'cache', 'taodesk-updater', 'pending')
    const staged = fs.readdirSync(cacheDir).filter((f) => f.endsWith('.AppImage'))
    expect(staged).toEqual([path.basename(published)])
    expect(fs.readFileSync(path.join(cacheDir, staged[0])).equals(fs.readFileSync(published))).toBe(true)
    // Nothing was installed: the user decides when to restart.
    expect(fs.readFileSync(runningAppImage).toString()).toContain('TaoDesk 0.1.0')
  })

  it('rejects a tampered download and keeps the running version', async () => {
    const published = await publishLinuxRelease(server.dir, '0.2.0')
    const original = fs.readFileSync(published)
    const tampered = Buffer.from(original)
    tampered[tampered.length - 10] ^= 0xff // same size, one byte flipped
    server.override(path.basename(published), tampered)
    const { service, quits } = makeService('0.1.0')
    await service.check()
    const failed = await until(service, (s) => s.state === 'error')
    expect(failed.error).toMatch(/sha512/)
    expect(failed.error).toMatch(/TaoDesk 0\.1\.0 keeps running/)
    expect(failed.currentVersion).toBe('0.1.0')
    expect(() => service.restart()).toThrow(/No update is downloaded/)
    expect(quits).toEqual([])
    expect(fs.readFileSync(runningAppImage).toString()).toContain('TaoDesk 0.1.0')
    const pending = path.join(work.dir, 'user-0.1.0', 'cache', 'taodesk-updater', 'pending')
    const leftovers = fs.existsSync(pending) ? fs.readdirSync(pending).filter((f) => f.endsWith('.AppImage')) : []
    expect(leftovers).toEqual([])
  })

  it('offers a beta build only on the beta channel', async () => {
    await publishLinuxRelease(server.dir, '0.2.0')
    await publishLinuxRelease(server.dir, '0.3.0-beta.1')
    const stable = makeService('0.2.0', { autoDownload: false })
    expect((await stable.service.check()).state).toBe('up-to-date')
    const beta = makeService('0.2.0', { channel: 'beta', autoDownload: false })
    const offered = await beta.service.check()
    expect(offered).toMatchObject({ state: 'available', channel: 'beta', deferred: 'auto-download-off', available: { version: '0.3.0-beta.1' } })
    expect(server.requests).toContain('/feed/beta-linux.yml')
    // Switching the same copy back to stable drops the beta offer.
    beta.prefs.channel = 'stable'
    beta.service.preferencesChanged()
    expect((await until(beta.service, (s) => s.state === 'up-to-date')).available).toBeNull()
  })

  it('applies an update that waits for a validator round only after the round ends', async () => {
    const published = await publishLinuxRelease(server.dir, '0.2.0')
    const { service, gate, quits } = makeService('0.1.0')
    await service.check()
    await until(service, (s) => s.state === 'ready')
    const round = gate.acquire('validator', 'round 4211 in progress')
    const commit = gate.acquire('validator', 'weights committed, reveal pending')
    const waiting = service.restart()
    expect(waiting.state).toBe('waiting-for-safe-point')
    expect(waiting.waitingFor.map((l) => l.reason)).toEqual(['round 4211 in progress', 'weights committed, reveal pending'])
    round.release()
    expect(service.status().state).toBe('waiting-for-safe-point')
    expect(fs.readFileSync(runningAppImage).toString()).toContain('TaoDesk 0.1.0')
    expect(quits).toEqual([])
    commit.release()
    // The last release ran the install synchronously: AppImage replaced, app asked to quit.
    expect(service.status().state).toBe('installing')
    expect(quits.length).toBe(1)
    expect(fs.readFileSync(runningAppImage).equals(fs.readFileSync(published))).toBe(true)
  })

  it('does not download automatically on a metered connection, but does when the user asks', async () => {
    await publishLinuxRelease(server.dir, '0.2.0')
    const { service } = makeService('0.1.0', { metered: true })
    await service.check()
    const deferred = await until(service, (s) => s.deferred === 'metered')
    expect(deferred.state).toBe('available')
    expect(server.requests.some((p) => p.endsWith('.AppImage'))).toBe(false)
    await service.download()
    expect(service.status().state).toBe('ready')
  })

  it('a restart the user cancels leaves the update ready', async () => {
    await publishLinuxRelease(server.dir, '0.2.0')
    const { service, gate, quits } = makeService('0.1.0')
    await service.check()
    await until(service, (s) => s.state === 'ready')
    const lease = gate.acquire('miner', 'serving a request')
    service.restart()
    expect(service.cancelRestart().state).toBe('ready')
    lease.release()
    expect(quits).toEqual([])
    expect(service.status().state).toBe('ready')
  })

  it('reports an unreachable feed without losing a ready update', async () => {
    await publishLinuxRelease(server.dir, '0.2.0')
    const { service } = makeService('0.1.0')
    await service.check()
    await until(service, (s) => s.state === 'ready')
    fs.rmSync(path.join(server.dir, 'latest-linux.yml'))
    const after = await service.check()
    expect(after.state).toBe('ready')
    expect(after.error).toMatch(/Could not check for updates/)
  })

  it('works the same across the engine/main-process message boundary', async () => {
    await publishLinuxRelease(server.dir, '0.2.0')
    const { driver } = makeDriver('0.1.0')
    const loginItems: boolean[] = []
    // Messages are cloned as structured data, as Electron's parent port does.
    let toEngine: (m: UpdaterMessage) => void = () => {}
    const toMain = serveUpdateDriver(driver, { setOpenAtLogin: async (open) => void loginItems.push(open) }, (m) => toEngine(structuredClone(m)))
    const remote = new RemoteUpdateDriver((m) => void toMain(structuredClone(m)), '0.1.0')
    toEngine = (m) => void remote.receive(m)
    expect(await remote.support()).toEqual({ supported: true })
    expect(await remote.check('stable')).toMatchObject({ version: '0.2.0' })
    const progress: number[] = []
    await remote.download((p) => progress.push(p.percent))
    expect(progress.length).toBeGreaterThan(0)
    await remote.setOpenAtLogin(true)
    expect(loginItems).toEqual([true])
    expect(remote.receive({ some: 'rpc frame' })).toBe(false)
  })
})
