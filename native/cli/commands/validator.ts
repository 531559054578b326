import { ValidatorTables, questionMakerFor } from '../../services/validator'
import { LocalCorpusSource, Rng, samplePairs } from '../../protocols/text-embedding/data'
import type { RoundPair } from '../../protocols/text-embedding/data'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LeaderboardEntry, NetworkId, ValidatorConfigPatch, ValidatorRound } from '../../contract'
import { ValidatorConfig, ValidatorConfigPatch as PatchSchema } from '../../contract'
import { createEngine, databasePath, packageVersion, resolveHome } from '../../host'
import type { EngineOptions } from '../../host'
import { formatLogLine } from '../../platform/logging'
import { Store } from '../../platform/store'
import type { Command, CommandIo } from '../command'
import { UsageError, parseIntOption, plainFlags, writeJson } from '../command'
import type { ArgValues } from '../options-from-schema'
import { flagsFromSchema } from '../options-from-schema'
import { describeThrown } from '../error-text'
import { alive } from '../process-alive'

/** Validator settings flags, typed, ranged and described by the contract's ValidatorConfig (its defaults shown in help). */
const CONFIG_FLAGS = flagsFromSchema(ValidatorConfig, {
  wallet: { metavar: 'NAME' },
  hotkey: { metavar: 'NAME' },
  netuid: true,
  externalIp: { metavar: 'IP' },
  epochLength: true,
  llmModel: { flag: 'llm-model', metavar: 'NAME' },
  sampleSize: { flag: 'sample' },
  burnEnabled: { flag: 'no-burn' },
  setWeights: { flag: 'no-weights' },
  intervalS: { flag: 'interval', metavar: 'S', note: 'start only' },
  wire: true,
})

const USAGE = `taodesk validator start|stop|status|round --once|questions [options]

  start                 run validator rounds in the foreground until Ctrl+C
  round --once          run exactly one round, print the results, and exit
  stop                  stop the validator started from this data folder (TAODESK_HOME)
  status                the last rounds, weight attempts and the leaderboard (works while it runs)
  questions --corpus FILE [--count N] [--seed S] [--json]
                        print the query/passage pairs a validator would send from this corpus
                        (offline questions, or --llm-url URL [--llm-model NAME] with env OPENAI_API_KEY);
                        --json prints one {"query","passage"} object per line

  Options for start and round (saved as the validator settings):
${CONFIG_FLAGS.help()}
    --network NAME        switch the selected network: finney, test, local or devnet
    --url URL             switch to the node at this ws:// or wss:// address (e.g. \`taodesk devnet\`)
    --targets FILE        query the axons listed in FILE (JSON [{hotkey, ip, port}]) instead of the chain metagraph
    --corpus PATH         evaluation data from a local JSONL file or folder of .txt/.md files
    --huggingface         evaluation data from the subnet's Hugging Face datasets (the default off the practice network)
    --builtin             evaluation data from TaoDesk's built-in articles, offline (the practice network's default)
    --llm-url URL         OpenAI-compatible base URL for questions (e.g. https://api.openai.com/v1); env OPENAI_API_KEY is used as key
    --offline-questions   make questions without an LLM
    --force               start although the subnet's identity does not declare the text-embedding protocol
    --wallets-dir DIR     btcli wallets folder for this run (default: the one set in TaoDesk, else ~/.bittensor/wallets)
    --verbose             mirror the engine log to stderr
  --json                  machine-readable output (one JSON object per line)`

export interface ValidatorCommandDeps {
  readonly createEngine: (options: EngineOptions) => ReturnType<typeof createEngine>
}

function pidFile(home: string): string {
  return path.join(home, 'validator.pid')
}

function readPid(home: string): number | undefined {
  try {
    const pid = Number(JSON.parse(fs.readFileSync(pidFile(home), 'utf8')).pid)
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined
  } catch {
    return undefined
  }
}

function configPatch(values: ArgValues, io: CommandIo): ValidatorConfigPatch {
  const raw = CONFIG_FLAGS.read(values)
  if (typeof values.targets === 'string') Object.assign(raw, { metagraph: 'file', targetsFile: path.resolve(values.targets) })
  if (typeof values.corpus === 'string') Object.assign(raw, { dataSource: 'local', corpusPath: path.resolve(values.corpus) })
  if (values.huggingface === true) raw.dataSource = 'huggingface'
  if (values.builtin === true) raw.dataSource = 'builtin'
  if (typeof values['llm-url'] === 'string') {
    raw.llmBaseUrl = values['llm-url']
    if (io.env.OPENAI_API_KEY) raw.llmApiKey = io.env.OPENAI_API_KEY
  }
  if (values['offline-questions'] === true) raw.llmBaseUrl = ''
  const parsed = PatchSchema.safeParse(raw)
  if (!parsed.success) throw CONFIG_FLAGS.usageError(parsed.error)
  return parsed.data
}

const NETWORKS = ['finney', 'test', 'local', 'devnet'] as const

/** --url / --network: the network this engine (and its saved settings) switches to. */
function networkChoice(values: ArgValues): { network: NetworkId; customUrl?: string } | undefined {
  if (typeof values.url === 'string') {
    if (!/^wss?:\/\/\S+$/.test(values.url)) throw new UsageError('--url must be a ws:// or wss:// address, for example ws://127.0.0.1:9944')
    return { network: 'custom', customUrl: values.url }
  }
  if (typeof values.network !== 'string') return undefined
  if (!(NETWORKS as readonly string[]).includes(values.network)) throw new UsageError(`--network must be one of ${NETWORKS.join(', ')} (or use --url for any node)`)
  return { network: values.network as NetworkId }
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`

function formatLeaderboard(rows: readonly LeaderboardEntry[]): string {
  if (rows.length === 0) return 'No miner has been queried yet.\n'
  const sorted = [...rows].sort((a, b) => b.movingAverage - a.movingAverage || b.avgScore - a.avgScore)
  const head = `${'uid'.padStart(4)}  ${'score'.padStart(7)}  ${'avg'.padStart(7)}  ${'top1'.padStart(5)}  ${'latency'.padStart(8)}  ${'avail'.padStart(5)}  ${'weight'.padStart(7)}  hotkey / last status`
  const lines = sorted.map(
    (r) =>
      `${String(r.uid).padStart(4)}  ${r.lastScore.toFixed(3).padStart(7)}  ${r.avgScore.toFixed(3).padStart(7)}  ${pct(r.lastTop1).padStart(5)}  ${(r.avgLatencyS === null ? '-' : `${r.avgLatencyS.toFixed(2)}s`).padStart(8)}  ${pct(r.availability).padStart(5)}  ${r.weight.toFixed(4).padStart(7)}  ${r.hotkey.slice(0, 12)}… ${r.lastStatus === 200 ? '' : `[${r.lastStatus}] `}${r.lastStatus === 200 && r.availability === 1 ? '' : r.lastMessage.slice(0, 60)}`,
  )
  return `${head}\n${lines.join('\n')}\n`
}

function formatRound(r: ValidatorRound): string {
  if (r.status === 'failed') return `Round ${r.id} failed: ${r.error ?? 'unknown error'}\n`
  const burn = r.burn as { reason?: string }
  return [
    `Round ${r.id} done in ${(((r.finishedAt ?? r.startedAt) - r.startedAt) / 1000).toFixed(1)} s: ${r.answered}/${r.queried} miners answered, ${r.pairs} question/chunk pairs${r.droppedPairs ? ` (${r.droppedPairs} dropped)` : ''}.`,
    `  data       ${r.description}`,
    `  questions  ${r.questionMaker}`,
    burn.reason ? `  burn       ${burn.reason}` : '',
  ]
    .filter(Boolean)
    .join('\n')
    .concat('\n')
}

function formatPair(p: RoundPair, n: number): string {
  return `#${n} ${p.articleRef}\n  query    ${p.question}\n  passage  ${p.chunk.replace(/\s+/g, ' ')}\n\n`
}

/** `validator questions`: the evaluation pairs, built exactly as a round builds them (no engine needed). */
async function questions(values: ArgValues, io: CommandIo): Promise<number> {
  if (typeof values.corpus !== 'string') throw new UsageError('`taodesk validator questions` needs --corpus FILE: a JSONL file (one {"text"} per line) or a folder of .txt/.md files.')
  const count = parseIntOption(values.count, 'count', 1, 100_000) ?? 10
  const seed = parseIntOption(values.seed, 'seed', 0, 2 ** 32 - 1)
  const llmBaseUrl = typeof values['llm-url'] === 'string' ? values['llm-url'] : ''
  const llmModel = typeof values['llm-model'] === 'string' ? values['llm-model'] : ValidatorConfig.parse({}).llmModel
  const maker = questionMakerFor({ llmBaseUrl, llmModel }, io.env.OPENAI_API_KEY)
  const pairs = await samplePairs(new LocalCorpusSource(path.resolve(values.corpus)), maker, new Rng(seed), count)
  if (values.json) {
    for (const p of pairs) writeJson(io, { query: p.question, passage: p.chunk })
    return 0
  }
  io.stderr.write(`${pairs.length} pairs from ${values.corpus}, questions by ${maker.label}${seed === undefined ? '' : `, seed ${seed}`}\n\n`)
  pairs.forEach((p, i) => io.stdout.write(formatPair(p, i + 1)))
  return 0
}

async function withEngine<T>(values: ArgValues, io: CommandIo, deps: ValidatorCommandDeps, body: (client: ReturnType<ReturnType<typeof createEngine>['connectInproc']>) => Promise<T>): Promise<T> {
  const engine = deps.createEngine({
    home: resolveHome(io.env),
    version: packageVersion(),
    headless: true,
    walletsDir: typeof values['wallets-dir'] === 'string' ? values['wallets-dir'] : undefined,
    mirror: values.verbose ? (entry) => io.stderr.write(`${formatLogLine(entry)}\n`) : undefined,
  })
  try {
    const client = engine.connectInproc('cli')
    const network = networkChoice(values)
    if (network) await client.call('chain.setNetwork', network)
    const patch = configPatch(values, io)
    if (Object.keys(patch).length > 0) await client.call('validator.config.update', patch)
    return await body(client)
  } finally {
    await engine.dispose()
  }
}

async function roundOnce(values: ArgValues, io: CommandIo, deps: ValidatorCommandDeps): Promise<number> {
  if (readPid(resolveHome(io.env))) throw new Error('A validator is already running from this data folder; stop it first (`taodesk validator stop`).')
  return withEngine(values, io, deps, async (client) => {
    if (!values.json) client.on('validator.status', (s) => s.phase !== 'idle' && io.stderr.write(`  ${s.phase}: ${s.detail}\n`))
    let round: ValidatorRound
    try {
      round = await client.call('validator.runRound', {})
    } catch (error) {
      const last = (await client.call('validator.rounds', { limit: 1 }))[0]
      if (values.json) writeJson(io, { type: 'round', ...(last ?? {}), error: describeThrown(error) })
      else io.stderr.write(`taodesk: ${describeThrown(error)}\n`)
      return 1
    }
    const board = await client.call('validator.leaderboard', {})
    const status = await client.call('validator.status', {})
    if (values.json) {
      writeJson(io, { type: 'round', ...round })
      writeJson(io, { type: 'leaderboard', rows: board })
      writeJson(io, { type: 'weights', ...(status.lastWeights ?? {}) })
    } else {
      io.stdout.write(formatRound(round))
      io.stdout.write(formatLeaderboard(board))
      if (status.lastWeights) io.stdout.write(`Weights: ${status.lastWeights.kind} (${status.lastWeights.status}): ${status.lastWeights.message}\n`)
      io.stdout.write(`Hotkey: ${status.hotkey ?? '-'}. ${status.hotkeyNote}\n`)
    }
    return 0
  })
}

async function start(values: ArgValues, io: CommandIo, deps: ValidatorCommandDeps): Promise<number> {
  const home = resolveHome(io.env)
  const other = readPid(home)
  if (other) throw new Error(`A validator is already running from this data folder (process ${other}).`)
  fs.mkdirSync(home, { recursive: true })
  fs.writeFileSync(pidFile(home), JSON.stringify({ pid: process.pid, startedAt: Date.now() }))
  try {
    return await withEngine(values, io, deps, async (client) => {
      client.on('validator.round', (r) => (values.json ? writeJson(io, { type: 'round', ...r }) : io.stdout.write(formatRound(r))))
      await client.call('validator.start', { force: values.force === true })
      if (!values.json) io.stdout.write('Validator running. Press Ctrl+C to stop.\n')
      await io.interrupted
      const s = await client.call('validator.stop', {})
      if (values.json) writeJson(io, { type: 'status', ...s })
      else io.stdout.write(`Validator stopped after ${s.roundsCompleted} rounds.\n`)
      return 0
    })
  } finally {
    fs.rmSync(pidFile(home), { force: true })
  }
}

async function stop(io: CommandIo, json: boolean): Promise<number> {
  const home = resolveHome(io.env)
  const pid = readPid(home)
  if (!pid) {
    if (json) writeJson(io, { stopped: null })
    else io.stdout.write('No validator is running from this data folder.\n')
    return 0
  }
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline && alive(pid)) await sleep(100)
  const ok = !alive(pid)
  if (json) writeJson(io, { stopped: ok ? pid : null, stillRunning: ok ? null : pid })
  else io.stdout.write(ok ? `Stopped the validator (process ${pid}).\n` : `The validator (process ${pid}) did not stop within 90 s.\n`)
  return ok ? 0 : 1
}

function status(io: CommandIo, json: boolean): number {
  const home = resolveHome(io.env)
  const pid = readPid(home)
  if (!fs.existsSync(databasePath(home))) {
    if (json) writeJson(io, { running: false, rounds: [], weights: [], leaderboard: [] })
    else io.stdout.write('Validator: never run from this data folder.\n')
    return 0
  }
  const store = Store.open(databasePath(home), { readonly: true })
  try {
    const t = new ValidatorTables(store.db)
    let rounds: ReturnType<ValidatorTables['rounds']>
    let weights: ReturnType<ValidatorTables['weights']>
    let board: LeaderboardEntry[]
    try {
      rounds = t.rounds(5)
      weights = t.weights(3)
      board = t.leaderboard(50).map((r) => ({ ...r, weight: 0, consensus: null }))
    } catch {
      // an older database without the validator tables: nothing to show yet
      rounds = []
      weights = []
      board = []
    }
    if (json) {
      writeJson(io, { running: pid !== undefined, pid: pid ?? null, rounds, weights, leaderboard: board })
      return 0
    }
    io.stdout.write(`Validator: ${pid ? `running (process ${pid})` : 'stopped'}\n`)
    for (const r of rounds) io.stdout.write(formatRound(r))
    for (const w of weights) io.stdout.write(`Weights ${new Date(w.time).toISOString()}: ${w.kind} (${w.status}): ${w.message}\n`)
    io.stdout.write(formatLeaderboard(board))
    return 0
  } finally {
    store.close()
  }
}

export function createValidatorCommand(deps: ValidatorCommandDeps = { createEngine }): Command {
  return {
    name: 'validator',
    summary: 'Score text-embedding miners, set weights, and watch the leaderboard.',
    usage: USAGE,
    options: { ...CONFIG_FLAGS.options, ...plainFlags({ string: ['network', 'url', 'wallets-dir', 'targets', 'corpus', 'llm-url', 'count', 'seed'], boolean: ['once', 'huggingface', 'builtin', 'offline-questions', 'verbose', 'json', 'force'] }) },
    async run(values, positionals, io) {
      const [sub, ...extra] = positionals
      if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`)
      const json = values.json === true
      switch (sub) {
        case 'start':
          return start(values, io, deps)
        case 'round':
          if (values.once !== true) throw new UsageError('Use `taodesk validator round --once` to run one round (or `start` to keep running).')
          return roundOnce(values, io, deps)
        case 'stop':
          return stop(io, json)
        case 'status':
          return status(io, json)
        case 'questions':
          return questions(values, io)
        default:
          throw new UsageError(sub === undefined ? 'Say what to do: start, stop, status, round --once or questions.' : `Unknown subcommand "${sub}"; use start, stop, status, round --once or questions.`)
      }
    },
  }
}

export const validatorCommand = createValidatorCommand()
