import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import type { MinerRequestEntry, MinerStatus } from '../../contract'
import { InferenceEndpoint, MinerStartParams } from '../../contract'
import { createEngine, packageVersion, resolveHome } from '../../host'
import type { EngineOptions } from '../../host'
import { formatLogLine } from '../../platform/logging'
import { pingAxon, readStatusFiles } from '../../services/miner'
import type { MinerStatusFile } from '../../services/miner'
import { SELFSCORE_USAGE, runSelfScoreCommand } from './selfscore'
import type { Command, CommandIo } from '../command'
import { UsageError, plainFlags, writeJson } from '../command'
import type { ArgValues } from '../options-from-schema'
import { flagsFromSchema } from '../options-from-schema'
import { claimForegroundMiner, isForegroundMiner } from '../foreground-miner'
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
    --endpoint KIND=URL[,weight=N][,model=NAME][,key-env=VAR]
                          a remote inference server (repeat for several): KIND is tei
                          (text-embeddings-inference) or openai (/v1/embeddings); the key is read
                          from the environment variable VAR; default: the endpoints saved on the Miner page
    --remote-only         with --endpoint: do not also embed with this machine's model
    --url URL             a node's ws:// or wss:// address (same as --network URL); the app's
                          practice network is reached with --url (run \`taodesk devnet\`)
    --wallets-dir DIR     btcli wallets folder for this run (default: the one set in TaoDesk, else ~/.bittensor/wallets)
    --verbose             mirror the engine log to stderr
  stop                  stop the \`miner start\` processes running from this data folder (TAODESK_HOME);
                        a miner inside the app or \`taodesk serve\` is stopped on its Miner page
  status                show every running miner's status
  selftest              ping each running miner's public address with a signed request
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
  for (const e of s.inference ?? []) lines.push(`  inference  ${e.kind} ${e.url}: ${e.healthy ? 'up' : `DOWN (${e.lastError ?? 'no answer'})`}${e.textsPerSecond !== null ? `, ${e.textsPerSecond.toFixed(0)} texts/s` : ''}`)
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

/** `--endpoint tei=http://10.0.0.5:8080,weight=2,key-env=TEI_KEY` as a contract endpoint. */
export function parseEndpointFlag(text: string): InferenceEndpoint {
  const m = /^(\w+)=([^,]+)((?:,[\w-]+=[^,]*)*)$/.exec(text.trim())
  if (!m) throw new UsageError(`--endpoint "${text}": write KIND=URL[,weight=N][,model=NAME][,key-env=VAR], e.g. tei=http://10.0.0.5:8080`)
  const extra: Record<string, string> = {}
  for (const part of m[3]!.split(',').filter(Boolean)) {
    const [key, value] = part.split('=') as [string, string]
    if (!['weight', 'model', 'key-env'].includes(key)) throw new UsageError(`--endpoint "${text}": unknown option "${key}" (use weight, model or key-env)`)
    extra[key] = value
  }
  const parsed = InferenceEndpoint.safeParse({
    kind: m[1],
    url: m[2],
    ...(extra.weight !== undefined ? { weight: Number(extra.weight) } : {}),
    ...(extra.model !== undefined ? { model: extra.model } : {}),
    ...(extra['key-env'] !== undefined ? { apiKeyEnv: extra['key-env'] } : {}),
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(`--endpoint "${text}": ${issue?.path.join('.') || 'value'} ${issue?.message ?? 'is not valid'}`)
  }
  return parsed.data
}

function startParams(values: ArgValues): MinerStartParams {
  const raw = (values as Record<string, unknown>).endpoint
  const flags = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : []
  if (values['remote-only'] && flags.length === 0) throw new UsageError('--remote-only needs at least one --endpoint')
  const params = START_FLAGS.parse({ ...values, network: values.url ?? values.network })
  return flags.length === 0 ? params : { ...params, endpoints: flags.map(parseEndpointFlag), localInference: values['remote-only'] !== true }
}

async function start(values: ArgValues, io: CommandIo, deps: MinerCommandDeps): Promise<number> {
  const params = startParams(values)
  const home = resolveHome(io.env)
  const engine = deps.createEngine({
    home,
    version: packageVersion(),
    headless: true,
    walletsDir: typeof values['wallets-dir'] === 'string' ? values['wallets-dir'] : undefined,
    mirror: values.verbose ? (entry) => io.stderr.write(`${formatLogLine(entry)}\n`) : undefined,
  })
  const releaseClaim = claimForegroundMiner(home)
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
    releaseClaim()
  }
}

type RunningMiner = ReturnType<typeof runningMiners>[number]

/**
 * Signals only foreground `miner start` processes. A miner inside the app or `taodesk serve`
 * shares its process with the UI, the validator and the practice chain: signalling it would stop
 * all of them, so it is left running with a pointer to the page that stops it.
 */
async function stop(io: CommandIo, json: boolean): Promise<number> {
  const home = resolveHome(io.env)
  const miners = runningMiners(home)
  if (miners.length === 0) {
    if (json) writeJson(io, { stopped: [], stillRunning: [], refused: [] })
    else io.stdout.write('No miner is running from this data folder.\n')
    return 0
  }
  const own = miners.filter((m) => isForegroundMiner(home, m.pid))
  const refused = miners.filter((m) => !own.includes(m))
  for (const m of own) process.kill(m.pid, 'SIGTERM')
  const deadline = Date.now() + 15_000
  const stillUp = (m: RunningMiner): boolean => fs.existsSync(m.file) && alive(m.pid)
  while (Date.now() < deadline && own.some(stillUp)) await sleep(100)
  const left = own.filter(stillUp)
  if (json) {
    const ids = (list: RunningMiner[]): Array<{ hotkey: string; pid: number }> => list.map((m) => ({ hotkey: m.hotkey, pid: m.pid }))
    writeJson(io, { stopped: ids(own.filter((m) => !left.includes(m))), stillRunning: left.map((m) => m.pid), refused: ids(refused) })
  } else {
    for (const m of own) io.stdout.write(left.includes(m) ? `Miner ${m.hotkey} (process ${m.pid}) did not stop within 15 s.\n` : `Stopped miner ${m.hotkey} (process ${m.pid}).\n`)
    for (const m of refused) io.stderr.write(`${engineMinerNote(m.hotkey, m.pid)}\n`)
  }
  return left.length === 0 && refused.length === 0 ? 0 : 1
}

function engineMinerNote(hotkey: string, pid: number): string {
  return `Miner ${hotkey} runs inside TaoDesk (the desktop app or \`taodesk serve\`, process ${pid}), so it was left running: stopping that process would also stop the UI, the validator and the practice network. Stop the miner on the app's Miner page.`
}

/** The miners whose process is alive and holds its hotkey lock, newest status first. */
function liveStatusFiles(home: string): MinerStatusFile[] {
  const lockPids = new Set(runningMiners(home).map((m) => m.pid))
  return readStatusFiles(home).filter((f) => f.status.state !== 'stopped' && alive(f.pid) && lockPids.has(f.pid))
}

function status(io: CommandIo, json: boolean): number {
  const home = resolveHome(io.env)
  const live = liveStatusFiles(home)
  const runsIn = (pid: number): 'foreground' | 'app' => (isForegroundMiner(home, pid) ? 'foreground' : 'app')
  if (live.length > 0) {
    if (json) writeJson(io, { miners: live.map((f) => ({ pid: f.pid, runsIn: runsIn(f.pid), updatedAt: f.updatedAt, ...f.status })) })
    else io.stdout.write(live.map((f) => `${formatStatus(f.status, f.pid)}  runs in     ${runsIn(f.pid) === 'foreground' ? '`taodesk miner start`' : 'the TaoDesk app or `taodesk serve` (stop it on its Miner page)'}\n`).join('\n'))
    return 0
  }
  const last = readStatusFiles(home)[0]
  const stopped: MinerStatus | undefined = last ? { ...last.status, state: 'stopped' } : undefined
  if (json) writeJson(io, { miners: [], ...(stopped ? { last: { updatedAt: last!.updatedAt, ...stopped } } : {}) })
  else io.stdout.write(stopped ? formatStatus(stopped) : 'Miner: stopped (never started from this data folder).\n')
  return 0
}

async function selftest(io: CommandIo, json: boolean): Promise<number> {
  const live = liveStatusFiles(resolveHome(io.env)).filter((f) => f.status.state === 'running' && f.status.listen && f.status.hotkey)
  if (live.length === 0) throw new Error('No miner is running from this data folder. Start one with `taodesk miner start`, then test it.')
  await cryptoWaitReady()
  // The ping route has no blacklist (spec §4.6): any key may sign it, so a throwaway key is used.
  const probe = new Keyring({ type: 'sr25519' }).addFromUri(`//taodesk-selftest-${process.pid}-${Date.now()}`)
  let allReachable = true
  for (const { status: s } of live) {
    const result = await pingAxon(probe, s.externalIp ?? '127.0.0.1', s.listen!.port, 5000, s.hotkey!)
    allReachable &&= result.reachable
    if (json) writeJson(io, result)
    else io.stdout.write(result.reachable ? `Reachable: ${result.detail} at ${result.address}.\n` : `NOT reachable at ${result.address}: ${result.detail}\n${result.advice.map((a) => `  - ${a}`).join('\n')}\n`)
  }
  return allReachable ? 0 : 1
}

export function createMinerCommand(deps: MinerCommandDeps = { createEngine }): Command {
  return {
    name: 'miner',
    summary: 'Run, stop, inspect and test the text-embedding miner.',
    usage: USAGE,
    options: { ...START_FLAGS.options, ...plainFlags({ string: ['url', 'wallets-dir', 'models', 'pairs', 'data'], boolean: ['verbose', 'json', 'remote-only'] }), endpoint: { type: 'string', multiple: true } },
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
