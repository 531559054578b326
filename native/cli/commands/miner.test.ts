import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { captureIo } from '../../../test/support/capture-io'
import type { CapturedIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import type { MinerStatus } from '../../contract'
import { createEngine } from '../../host'
import { statusFilePath } from '../../services/miner'
import { SpecDendrite } from '../../bittensor/wire/v10/testing/spec-dendrite'
import { MapMetagraph, testRuntimeFactory } from '../../services/miner/testing/test-runtime'
import { claimForegroundMiner, isForegroundMiner } from '../foreground-miner'
import { runCli } from '../main'
import { createMinerCommand } from './miner'

function io(home: string, interrupted?: Promise<void>): CapturedIo {
  return captureIo({ TAODESK_HOME: home }, interrupted)
}

let keyring: Keyring
beforeAll(async () => {
  await cryptoWaitReady()
  keyring = new Keyring({ type: 'sr25519' })
})

describe('taodesk miner', () => {
  it('validates its arguments', async () => {
    const home = makeTempHome()
    try {
      const a = io(home.dir)
      expect(await runCli(['miner'], a)).toBe(2)
      expect(a.err()).toMatch(/start, stop, status, selftest or selfscore/)
      const b = io(home.dir)
      expect(await runCli(['miner', 'start'], b)).toBe(2)
      expect(b.err()).toMatch(/--wallet is required/)
      const c = io(home.dir)
      expect(await runCli(['miner', 'start', '--wallet', 'w', '--port', '70000'], c)).toBe(2)
      expect(c.err()).toMatch(/--port must be a whole number from 1 to 65535/)
    } finally {
      home.cleanup()
    }
  })

  it('status, stop and selftest say clearly that nothing runs; start explains a missing hotkey', async () => {
    const home = makeTempHome()
    try {
      const s = io(home.dir)
      expect(await runCli(['miner', 'status'], s)).toBe(0)
      expect(s.out()).toMatch(/Miner: stopped/)
      const j = io(home.dir)
      expect(await runCli(['miner', 'status', '--json'], j)).toBe(0)
      expect(JSON.parse(j.out())).toEqual({ miners: [] })
      // A lock left by a dead process is not a running miner.
      fs.mkdirSync(path.join(home.dir, 'locks'))
      fs.writeFileSync(path.join(home.dir, 'locks', `miner-${keyring.addFromUri('//X').address}.lock`), '999999\n')
      const st = io(home.dir)
      expect(await runCli(['miner', 'stop'], st)).toBe(0)
      expect(st.out()).toMatch(/No miner is running/)
      const t = io(home.dir)
      expect(await runCli(['miner', 'selftest'], t)).toBe(1)
      expect(t.err()).toMatch(/No miner is running/)
      const start = io(home.dir)
      expect(await runCli(['miner', 'start', '--wallet', 'w', '--port', '18191', '--metrics-port', '0'], start)).toBe(1)
      expect(start.err()).toMatch(/Wallet "w" has no hotkey "default"/)
    } finally {
      home.cleanup()
    }
  })

  it('start --wallets-dir reads the wallet from that folder', async () => {
    const home = makeTempHome()
    try {
      const walletsDir = path.join(home.dir, 'my-wallets')
      const start = io(home.dir)
      expect(await runCli(['miner', 'start', '--wallets-dir', walletsDir, '--wallet', 'w', '--port', '18193', '--metrics-port', '0'], start)).toBe(1)
      expect(start.err()).toContain(path.join(walletsDir, 'w', 'hotkeys', 'default'))
    } finally {
      home.cleanup()
    }
  })

  it('start runs in the foreground, prints requests, and stops on Ctrl+C; status and selftest see it', async () => {
    const home = makeTempHome()
    const miner = keyring.addFromUri('//CliMiner')
    const validator = keyring.addFromUri('//Alice')
    const factory = testRuntimeFactory({ minerPair: miner, metagraph: new MapMetagraph(new Map([[validator.address, { uid: 3, stake: 10_000, validatorPermit: true }]])) })
    const command = createMinerCommand({ createEngine: (o) => createEngine({ ...o, minerRuntime: factory }) })
    let interrupt: () => void = () => {}
    const interrupted = new Promise<void>((r) => (interrupt = r))
    const run = io(home.dir, interrupted)
    try {
      const done = command.run({ wallet: 'w', port: '18192', host: '127.0.0.1', 'external-ip': '127.0.0.1', 'no-serve': true, 'metrics-port': '0' }, ['start'], run)
      for (let i = 0; i < 200 && !run.out().includes('Press Ctrl+C'); i++) await new Promise((r) => setTimeout(r, 20))
      expect(run.out()).toContain(`hotkey     ${miner.address} (not registered)`)
      expect(run.out()).toContain('axon       listening on 127.0.0.1:18192')

      const d = new SpecDendrite({ pair: validator })
      expect((await d.embed({ ip: '127.0.0.1', port: 18192, hotkey: miner.address }, ['hello', 'world'])).status).toBe(200)
      d.close()
      for (let i = 0; i < 100 && !run.out().includes('TextEmbeddingSynapse'); i++) await new Promise((r) => setTimeout(r, 20))
      expect(run.out()).toMatch(/ 200 TextEmbeddingSynapse \w+… uid 3 2 texts \d+ ms\n/)

      const status = io(home.dir)
      expect(await runCli(['miner', 'status', '--json'], status)).toBe(0)
      expect(JSON.parse(status.out())).toEqual({ miners: [expect.objectContaining({ state: 'running', pid: process.pid, hotkey: miner.address, runsIn: 'foreground' })] })
      const test = io(home.dir)
      expect(await runCli(['miner', 'selftest'], test)).toBe(0)
      expect(test.out()).toMatch(/^Reachable: The axon answered a signed ping/)

      interrupt()
      expect(await done).toBe(0)
      expect(run.out()).toMatch(/Miner stopped: \d+ requests served this run/)
      const after = io(home.dir)
      await runCli(['miner', 'status'], after)
      expect(after.out()).toMatch(/^Miner: stopped/)
      expect(isForegroundMiner(home.dir, process.pid)).toBe(false)
    } finally {
      home.cleanup()
    }
  })

  it('status lists every running miner; stop signals a `miner start` process but never the app or `taodesk serve` engine', async () => {
    const home = makeTempHome()
    const engineMiner = keyring.addFromUri('//InServe').address
    const cliMiner = keyring.addFromUri('//InTerminal').address
    // Two live processes standing in for `taodesk serve` (miner started from the UI) and `taodesk miner start`.
    const engineProcess = sleeper()
    const cliProcess = sleeper()
    try {
      publishMiner(home.dir, engineProcess.pid!, engineMiner, 18301)
      publishMiner(home.dir, cliProcess.pid!, cliMiner, 18302)
      claimForegroundMiner(home.dir, cliProcess.pid!)

      const listed = io(home.dir)
      expect(await runCli(['miner', 'status', '--json'], listed)).toBe(0)
      const miners = (JSON.parse(listed.out()) as { miners: Array<{ hotkey: string; runsIn: string }> }).miners
      expect(miners.map((m) => [m.hotkey, m.runsIn]).sort()).toEqual([[engineMiner, 'app'], [cliMiner, 'foreground']].sort())
      const text = io(home.dir)
      await runCli(['miner', 'status'], text)
      expect(text.out()).toContain(engineMiner)
      expect(text.out()).toContain(cliMiner)

      const exited = new Promise((resolve) => cliProcess.once('exit', resolve))
      const stop = io(home.dir)
      expect(await runCli(['miner', 'stop'], stop)).toBe(1)
      await exited
      expect(stop.out()).toContain(`Stopped miner ${cliMiner} (process ${cliProcess.pid})`)
      expect(stop.err()).toMatch(new RegExp(`Miner ${engineMiner} runs inside TaoDesk .*left running.*Miner page`))
      expect(engineProcess.exitCode).toBeNull()
      expect(engineProcess.signalCode).toBeNull()
    } finally {
      engineProcess.kill()
      cliProcess.kill()
      home.cleanup()
    }
  })
})

function sleeper(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
}

/** What a process running a miner leaves in the data folder: its hotkey lock and its status file. */
function publishMiner(home: string, pid: number, hotkey: string, port: number): void {
  fs.mkdirSync(path.join(home, 'locks'), { recursive: true })
  fs.writeFileSync(path.join(home, 'locks', `miner-${hotkey}.lock`), `${pid}\n`)
  const unset = { uid: null, externalIp: null, served: null, provider: null, reachability: null, metricsUrl: null, localApiUrl: null, lastError: null }
  const counts = { totals: { requests: 0, errors: 0, texts: 0 }, load: { inFlight: 0, queued: 0 }, warnings: [] }
  const status: MinerStatus = { ...unset, ...counts, state: 'running', network: 'devnet', netuid: 1, hotkey, listen: { host: '127.0.0.1', port }, startedAt: Date.now() }
  const file = statusFilePath(home, pid)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify({ pid, updatedAt: Date.now(), status }))
}
