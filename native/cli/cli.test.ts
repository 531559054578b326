import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../host'
import { captureIo } from '../../test/support/capture-io'
import { makeTempHome } from '../../test/support/temp-home'
import { runCli } from './main'

const homes: Array<() => void> = []
function home(): string {
  const h = makeTempHome()
  homes.push(h.cleanup)
  return h.dir
}
afterEach(() => {
  while (homes.length > 0) homes.pop()?.()
})

async function seedLogs(dir: string): Promise<void> {
  const engine = createEngine({ home: dir, version: '0.0.0-test', headless: true })
  engine.log.child('miner').warn('Validator stake too low', { hotkey: '5F...' })
  engine.log.child('chain').error('Connection lost', { endpoint: 'ws://x' })
  await engine.dispose()
}

describe('taodesk CLI', () => {
  it('prints help listing every command, and per-command help', async () => {
    const io = captureIo({ TAODESK_HOME: home() })
    expect(await runCli(['--help'], io)).toBe(0)
    expect(io.out()).toMatch(/serve\s+Run the engine headless/)
    expect(io.out()).toMatch(/logs\s+Print the engine log/)
    const io2 = captureIo({ TAODESK_HOME: home() })
    expect(await runCli(['logs', '--help'], io2)).toBe(0)
    expect(io2.out()).toContain('--follow')
  })

  it('a bare `taodesk` is a usage error: usage on stderr, exit 2', async () => {
    const io = captureIo({ TAODESK_HOME: home() })
    expect(await runCli([], io)).toBe(2)
    expect(io.out()).toBe('')
    expect(io.err()).toMatch(/Usage: taodesk <command>/)
  })

  it('a usage error prints one line and where to read more, not the whole usage', async () => {
    const io = captureIo({ TAODESK_HOME: home() })
    expect(await runCli(['logs', '--bogus'], io)).toBe(2)
    expect(io.err().trim().split('\n')).toEqual([expect.stringMatching(/^taodesk logs: Unknown option '--bogus'/), 'See `taodesk logs --help` for its options.'])
    const unknown = captureIo({ TAODESK_HOME: home() })
    expect(await runCli(['mine-bitcoin'], unknown)).toBe(2)
    expect(unknown.err().trim().split('\n')).toHaveLength(2)
  })

  it('exits 2 with usage for unknown commands and bad options', async () => {
    const io = captureIo({ TAODESK_HOME: home() })
    expect(await runCli(['mine-bitcoin'], io)).toBe(2)
    expect(io.err()).toContain('unknown command "mine-bitcoin"')
    const io2 = captureIo({ TAODESK_HOME: home() })
    expect(await runCli(['logs', '--level', 'loud'], io2)).toBe(2)
    expect(io2.err()).toContain('--level must be one of')
    const io3 = captureIo({ TAODESK_HOME: home() })
    expect(await runCli(['logs', '--bogus'], io3)).toBe(2)
    expect(io3.err()).toContain("Unknown option '--bogus'")
  })

  it('logs --json prints parseable entries and filters by level and source', async () => {
    const dir = home()
    await seedLogs(dir)
    const io = captureIo({ TAODESK_HOME: dir })
    expect(await runCli(['logs', '--json', '--level', 'warn'], io)).toBe(0)
    const entries = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; source: string; message: string })
    expect(entries.map((e) => [e.level, e.source, e.message])).toEqual([
      ['warn', 'miner', 'Validator stake too low'],
      ['error', 'chain', 'Connection lost'],
    ])
    const io2 = captureIo({ TAODESK_HOME: dir })
    await runCli(['logs', '--source', 'chain'], io2)
    expect(io2.out()).toMatch(/ERROR \[chain\] Connection lost \{"endpoint":"ws:\/\/x"\}/)
    expect(io2.out()).not.toContain('miner')
  })

  it('logs explains what to do when there is no database yet', async () => {
    const io = captureIo({ TAODESK_HOME: path.join(home(), 'never-started') })
    expect(await runCli(['logs'], io)).toBe(1)
    expect(io.err()).toMatch(/No TaoDesk database .* Start TaoDesk once/)
  })

  it('logs --follow prints entries written by a running engine', async () => {
    const dir = home()
    const engine = createEngine({ home: dir, version: '0.0.0-test', headless: true })
    const io = captureIo({ TAODESK_HOME: dir })
    const running = runCli(['logs', '--follow', '--limit', '1'], io)
    await io.waitForOutput('Engine started')
    engine.log.child('validator').info('Round 1 finished', { miners: 3 })
    await io.waitForOutput('Round 1 finished')
    io.interrupt()
    expect(await running).toBe(0)
    await engine.dispose()
  })

  it('serve --json prints a token URL, serves it, and stops on interrupt', async () => {
    const uiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-ui-'))
    fs.writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>ok</title>')
    const io = captureIo({ TAODESK_HOME: home() })
    const running = runCli(['serve', '--json', '--port', '0', '--ui-dir', uiDir], io)
    const line = await io.waitForOutput(/\n/)
    const info = JSON.parse(line) as { url: string; token: string; origin: string }
    expect(info.url).toBe(`${info.origin}/?token=${info.token}`)
    expect((await fetch(info.origin)).status).toBe(401)
    const page = await fetch(`${info.origin}/`, { headers: { authorization: `Bearer ${info.token}` } })
    expect(await page.text()).toContain('<title>ok</title>')
    io.interrupt()
    expect(await running).toBe(0)
  })

  it('serve refuses a non-loopback host without --allow-remote', async () => {
    const io = captureIo({ TAODESK_HOME: home() })
    const uiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-ui-'))
    fs.writeFileSync(path.join(uiDir, 'index.html'), '')
    expect(await runCli(['serve', '--host', '0.0.0.0', '--ui-dir', uiDir], io)).toBe(2)
    expect(io.err()).toMatch(/Refusing to listen on 0\.0\.0\.0.*--allow-remote/)
  })

  it('runs as a real process from a checkout (npm run taodesk)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'bin.ts'), '--version'], { encoding: 'utf8' })
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })
})
