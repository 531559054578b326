import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeTempHome } from '../../test/support/temp-home'
import { createEngine } from '../../native/host'
import { MuxEndpoint } from '../../native/rpc'
import type { MuxFrame } from '../../native/rpc/transports/mux'
import { MapMetagraph, SequenceIpDetector, testRuntimeFactory } from '../../native/services/miner/testing/test-runtime'

// No Electron binary on the build machines: record what the tray and notifications are asked to show.
const shown: Array<{ title: string; body: string }> = []
const trays: Array<{ tooltip: string; menu: Array<{ label?: string; type?: string; click?: () => void }> }> = []
vi.mock('electron', () => {
  class Tray {
    tooltip = ''
    menu: Array<{ label?: string }> = []
    constructor() {
      trays.push(this as never)
    }
    on(): void {}
    setToolTip(t: string): void {
      this.tooltip = t
    }
    setTitle(): void {}
    setContextMenu(m: { items: Array<{ label?: string }> }): void {
      this.menu = m.items
    }
    destroy(): void {}
  }
  class Notification {
    constructor(private readonly o: { title: string; body: string }) {}
    static isSupported(): boolean {
      return true
    }
    on(): void {}
    show(): void {
      shown.push({ title: this.o.title, body: this.o.body })
    }
  }
  return {
    Tray,
    Notification,
    Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
    nativeImage: { createFromPath: () => ({}), createEmpty: () => ({}) },
  }
})

const { createDesktopShell, trayMenuTemplate } = await import('./tray')

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function waitFor<T>(fn: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('tray and notifications (main process, engine over the mux port)', () => {
  it('builds the menu from the state: status lines, stop only while mining', () => {
    const actions = { show: vi.fn(), stopMiner: vi.fn(), quit: vi.fn() }
    const running = trayMenuTemplate({ state: 'warning', tooltip: 't', lines: ['Miner running · uid 3', '⚠ unreachable'], minerRunning: true }, actions)
    expect(running.map((i) => i.label ?? i.type)).toEqual(['TaoDesk: Needs attention', 'Miner running · uid 3', '⚠ unreachable', 'separator', 'Open TaoDesk', 'Stop the miner', 'separator', 'Quit TaoDesk'])
    const stopped = trayMenuTemplate({ state: 'stopped', tooltip: 't', lines: ['Miner stopped'], minerRunning: false }, actions)
    expect(stopped.some((i) => i.label === 'Stop the miner')).toBe(false)
  })

  it('shows the miner state in the tray and an OS notification for an unreachable axon; the setting turns notifications off', async () => {
    await cryptoWaitReady()
    const pair = new Keyring({ type: 'sr25519' }).addFromUri('//TrayMiner')
    const home = makeTempHome()
    const factory = testRuntimeFactory({ minerPair: pair, metagraph: new MapMetagraph(new Map([[pair.address, { uid: 7, stake: 0, validatorPermit: false }]])), ipDetector: new SequenceIpDetector(['127.0.0.2']) })
    const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: false, minerRuntime: factory })
    cleanups.push(() => home.cleanup())
    cleanups.push(() => engine.dispose())
    // The engine process side of the port, as native/host/engine-main.ts wires it.
    let toMain: (frame: MuxFrame) => void = () => undefined
    const engineSide = new MuxEndpoint(
      (frame) => setImmediate(() => toMain(frame)),
      (conn, transport) => engine.server.connect(transport, { transport: 'ipc', peer: `main-${conn}` }),
    )
    const shell = createDesktopShell({ postToEngine: (frame) => setImmediate(() => engineSide.receive(frame)), showWindow: vi.fn(), quit: vi.fn(), log: () => undefined })
    toMain = (frame) => {
      if (!shell.receive(frame)) throw new Error('a frame for another connection reached the tray')
    }
    cleanups.push(() => shell.dispose())
    shell.engineState(true)
    const tray = trays[trays.length - 1]!
    await waitFor(() => tray.tooltip === 'TaoDesk: miner stopped', 3000).catch(() => {
      throw new Error(`tray tooltip: ${tray.tooltip}; trays: ${trays.length}`)
    })

    const client = engine.connectInproc('test')
    // The axon listens on 127.0.0.1 only; its "public" address 127.0.0.2 refuses the self-test.
    await client.call('miner.start', { wallet: 'w', port: 30000 + (process.pid % 1000), host: '127.0.0.1', serve: false, metricsPort: null })
    await waitFor(() => shown.find((n) => n.title === 'Validators cannot reach your miner'), 10_000).catch(async () => {
      throw new Error(`no notification; shown ${JSON.stringify(shown)}; status ${JSON.stringify(await client.call('miner.status'))}`)
    })
    expect(shown.filter((n) => n.title === 'Validators cannot reach your miner')).toHaveLength(1)
    await waitFor(() => /^TaoDesk: miner running, \d+ warnings?$/.test(tray.tooltip))
    expect(tray.menu.map((i) => i.label)).toContain('Stop the miner')
    expect(shell.minerRunning()).toBe(true)

    // Stop from the tray menu.
    tray.menu.find((i) => i.label === 'Stop the miner')!.click!()
    await waitFor(() => tray.tooltip === 'TaoDesk: miner stopped')
    expect(shell.minerRunning()).toBe(false)

    // With notifications off, the same warning raises no OS notification.
    await client.call('settings.update', { notifications: false })
    const before = shown.length
    await client.call('miner.start', { wallet: 'w', port: 31000 + (process.pid % 1000), host: '127.0.0.1', serve: false, metricsPort: null })
    const warned = async (): Promise<boolean> => (await client.call('miner.status')).warnings.some((w) => w.code === 'unreachable')
    for (let i = 0; i < 500 && !(await warned()); i++) await new Promise((r) => setTimeout(r, 20))
    expect(await warned()).toBe(true)
    expect(shown.length).toBe(before)
    await client.call('miner.stop')

    // The engine goes away: the tray says so instead of showing a stale state.
    shell.engineState(false)
    expect(tray.tooltip).toBe('TaoDesk: the engine is restarting')
  }, 60_000)
})
