import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import type { MinerRequestEntry, MinerStatus } from '../../contract'
import { MinerStartParams } from '../../contract'
import { createEngine, packageVersion, resolveHome } from '../../host'
import type { EngineOptions } from '../../host'
import { formatLogLine } from '../../platform/logging'
import { pingAxon, readStatusFile } from '../../services/miner'
import { SELFSCORE_USAGE, runSelfScoreCommand } from './selfscore'
import type { Command, CommandIo } from '../command'
import { UsageError, plainFlags, writeJson } from '../command'
import type { ArgValues } from '../options-from-schema'
import { flagsFromSchema } from '../options-from-schema'
import { alive } from '../process-alive'

/** `miner start` flags, typed, ranged, defaulted and described by the contract's MinerStartParams. */
const START_FLAGS = flagsFromSchema(MinerStartParams, {
  network: { metavar: 'NAME' },
  netuid: true,
  wallet: { metavar: 'NAME' },
  hotkey: { metavar: 'NAME' },
  port: true,
  host: { metavar: 'ADDR' },
  externalIp: { metavar: 'IP' },
  model: { metavar: 'ID' },
  metricsPort: { zeroIsNull: true },
  localApiPort: true,
  serve: true,
  'blacklist.minStake': true,
  'blacklist.forceValidatorPermit': true,
  'blacklist.allowNonRegistered': true,
  force: true,
})

const USAGE = `taodesk miner start|stop|status|selftest|selfscore [options]

  start                 run the miner in the foreground until Ctrl+C
${START_FLAGS.help()}
    --url URL             a node's ws:// or wss:// address (same as --network URL); the app's
                          practice network is reached with --url (run \`taodesk devnet\`)
    --verbose             mirror the engine log to stderr
  stop                  stop the miners running from this data folder (TAODESK_HOME)
  status                show the running miner's status
  selftest              ping the running miner's public address with a signed request
${SELFSCORE_USAGE}
  --json                machine-readable output`

export interface MinerCommandDeps {
  readonly createEngine: (options: EngineOptions) => ReturnType<typeof createEngine>
}

function formatStatus(s: MinerStatus, pid?: number): string {
  const lines = [`Miner: ${s.state}${pid ? ` (process ${pid})` : ''}`]
  if (s.hotkey) lines.push(`  hotkey     ${s.hotkey}${s.uid !== null ? ` (uid ${s.uid})` : ' (not registered)'}`)
  if (s.network) lines.push(`  network    ${s.network}${s.netuid !== null ? ` / subnet ${s.netuid}` : ''}`)
  if (s.listen) lines.push(`  axon       listening on ${s.listen.host}:${s.listen.port}${s.externalIp ? `, public ${s.externalIp}:${s.listen.port}` : ''}`)
  if (s.served) lines.push(`  on chain   ${s.served.ip}:${s.served.port} (${s.served.action === 'served' ? 'published' : 'already published'})`)
  if (s.provider) lines.push(`  model      ${s.provider}`)
  if (s.reachability) lines.push(`  reachable  ${s.reachability.reachable ? 'yes' : 'NO'}: ${s.reachability.detail}`)
  if (s.metricsUrl) lines.push(`  metrics    ${s.metricsUrl}`)
  if (s.localApiUrl) lines.push(`  local API  ${s.localApiUrl}`)
  if (s.state === 'running') lines.push(`  requests   ${s.totals.requests} (${s.totals.errors} failed), ${s.totals.texts} texts`)
  for (const w of s.warnings) lines.push(`  warning    ${w.message}`)
  if (s.lastError) lines.push(`  error      ${s.lastError}`)
  return `${lines.join('\n')}\n`
}

function formatRequest(r: MinerRequestEntry): string {
  const who = r.hotkey ? `${r.hotkey.slice(0, 8)}…${r.uid !== null ? ` uid ${r.uid}` : ''}` : r.ip
  return `${new Date(r.time).toISOString()} ${r.status} ${r.route} ${who} ${r.texts} texts ${Math.round(r.latencyMs)} ms${r.status === 200 ? '' : ` ${r.message}`}\n`
}

/** Miners running from this home: the pids in its lock files that are still alive. */
function runningMiners(home: string): Array<{ hotkey: string; pid: number; file: string }> {
  const dir = path.join(home, 'locks')
  let names: string[] = []
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const out: Array<{ hotkey: string; pid: number; file: string }> = []
  for (const name of names) {
    const m = /^miner-(\w+)\.lock$/.exec(name)
    if (!m) continue
    const file = path.join(dir, name)
    const pid = Number(fs.readFileSync(file, 'utf8').trim())
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) out.push({ hotkey: m[1]!, pid, file })
  }
  return out
}

function startParams(values: ArgValues): MinerStartParams {
  return START_FLAGS.parse({ ...values, network: values.url ?? values.network })
}

async function start(values: ArgValues, io: CommandIo, deps: MinerCommandDeps): Promise<number> {
  const params = startParams(values)
  const home = resolveHome(io.env)
  const engine = deps.createEngine({
    home,
    version: packageVersion(),
    headless: true,
    mirror: values.verbose ? (entry) => io.stderr.write(`${formatLogLine(entry)}\n`) : undefined,
  })
  try {
    const client = engine.connectInproc('cli')
    client.on('miner.request', (r) => io.stdout.write(values.json ? `${JSON.stringify({ type: 'request', ...r })}\n` : formatRequest(r)))
    client.on('miner.status', (s) => {
      if (values.json) writeJson(io, { type: 'status', ...s })
      else if (s.reachability && s.state === 'running') io.stdout.write(s.reachability.reachable ? `Reachable at ${s.reachability.address}.\n` : `NOT reachable at ${s.reachability.address}: ${s.reachability.detail}\n${s.reachability.advice.map((a) => `  - ${a}`).join('\n')}\n`)
    })
    const status = await client.call('miner.start', params)
    if (!values.json) io.stdout.write(`${formatStatus(status)}Press Ctrl+C to stop.\n`)
    await io.interrupted
    const stopped = await client.call('miner.stop', {})
    if (values.json) writeJson(io, { type: 'status', ...stopped })
    else io.stdout.write(`Miner stopped: ${stopped.totals.requests} requests served this run.\n`)
    return 0
  } finally {
    await engine.dispose()
  }
}

async function stop(io: CommandIo, json: boolean): Promise<number> {
  const home = resolveHome(io.env)
  const miners = runningMiners(home)
  if (miners.length === 0) {
    if (json) writeJson(io, { stopped: [] })
    else io.stdout.write('No miner is running from this data folder.\n')
    return 0
  }
  for (const m of miners) process.kill(m.pid, 'SIGTERM')
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline && miners.some((m) => fs.existsSync(m.file) && alive(m.pid))) await sleep(100)
  const left = miners.filter((m) => fs.existsSync(m.file) && alive(m.pid))
  if (json) writeJson(io, { stopped: miners.filter((m) => !left.includes(m)).map((m) => ({ hotkey: m.hotkey, pid: m.pid })), stillRunning: left.map((m) => m.pid) })
  else for (const m of miners) io.stdout.write(left.includes(m) ? `Miner ${m.hotkey} (process ${m.pid}) did not stop within 15 s.\n` : `Stopped miner ${m.hotkey} (process ${m.pid}).\n`)
  return left.length === 0 ? 0 : 1
}

function status(io: CommandIo, json: boolean): number {
  const home = resolveHome(io.env)
  const file = readStatusFile(home)
  const live = file !== undefined && alive(file.pid) && runningMiners(home).some((m) => m.pid === file.pid)
  const s: MinerStatus | undefined = file ? (live ? file.status : { ...file.status, state: 'stopped' }) : undefined
  if (json) {
    writeJson(io, s ? { pid: live ? file!.pid : null, updatedAt: file!.updatedAt, ...s } : { state: 'stopped' })
    return 0
  }
  io.stdout.write(s ? formatStatus(s, live ? file!.pid : undefined) : 'Miner: stopped (never started from this data folder).\n')
  return 0
}

async function selftest(io: CommandIo, json: boolean): Promise<number> {
  const home = resolveHome(io.env)
  const file = readStatusFile(home)
  const s = file?.status
  if (!file || !alive(file.pid) || s?.state !== 'running' || !s.listen || !s.hotkey) {
    throw new Error('No miner is running from this data folder. Start one with `taodesk miner start`, then test it.')
  }
  await cryptoWaitReady()
  // The ping route has no blacklist (spec §4.6): any key may sign it, so a throwaway key is used.
  const probe = new Keyring({ type: 'sr25519' }).addFromUri(`//taodesk-selftest-${process.pid}-${Date.now()}`)
  const ip = s.externalIp ?? '127.0.0.1'
  const result = await pingAxon(probe, ip, s.listen.port, 5000, s.hotkey)
  if (json) writeJson(io, result)
  else io.stdout.write(result.reachable ? `Reachable: ${result.detail} at ${result.address}.\n` : `NOT reachable at ${result.address}: ${result.detail}\n${result.advice.map((a) => `  - ${a}`).join('\n')}\n`)
  return result.reachable ? 0 : 1
}

export function createMinerCommand(deps: MinerCommandDeps = { createEngine }): Command {
  return {
    name: 'miner',
    summary: 'Run, stop, inspect and test the text-embedding miner.',
    usage: USAGE,
    options: { ...START_FLAGS.options, ...plainFlags({ string: ['url', 'models', 'pairs', 'data'], boolean: ['verbose', 'json'] }) },
    async run(values, positionals, io) {
      const [sub, ...extra] = positionals
      if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`)
      const json = values.json === true
      switch (sub) {
        case 'start':
          return start(values, io, deps)
        case 'stop':
          return stop(io, json)
        case 'status':
          return status(io, json)
        case 'selftest':
          return selftest(io, json)
        case 'selfscore':
          return runSelfScoreCommand(values, io, deps.createEngine)
        default:
          throw new UsageError(sub === undefined ? 'Say what to do: start, stop, status, selftest or selfscore.' : `Unknown subcommand "${sub}"; use start, stop, status, selftest or selfscore.`)
      }
    },
  }
}

export const minerCommand = createMinerCommand()
