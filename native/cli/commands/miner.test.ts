import fs from 'node:fs'
import path from 'node:path'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { captureIo } from '../../../test/support/capture-io'
import type { CapturedIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import { createEngine } from '../../host'
import { SpecDendrite } from '../../bittensor/wire/v10/testing/spec-dendrite'
import { MapMetagraph, testRuntimeFactory } from '../../services/miner/testing/test-runtime'
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
      expect(JSON.parse(j.out())).toEqual({ state: 'stopped' })
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
      expect(JSON.parse(status.out())).toMatchObject({ state: 'running', pid: process.pid, hotkey: miner.address })
      const test = io(home.dir)
      expect(await runCli(['miner', 'selftest'], test)).toBe(0)
      expect(test.out()).toMatch(/^Reachable: The axon answered a signed ping/)

      interrupt()
      expect(await done).toBe(0)
      expect(run.out()).toMatch(/Miner stopped: \d+ requests served this run/)
      const after = io(home.dir)
      await runCli(['miner', 'status'], after)
      expect(after.out()).toMatch(/^Miner: stopped/)
    } finally {
      home.cleanup()
    }
  })
})
