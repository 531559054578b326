import { AxonNonceTable } from '../native/bittensor/axon/nonce-table'
/**
 * Load on the miner's axon over loopback: 16 concurrent validator dendrites x 50 requests of 256
 * SN5-like texts (spec issue 6). Real HTTP, real sr25519 signatures and verification, real
 * nonce persistence in SQLite, real 1024-wide JSON responses. The model is replaced by an
 * embedder with a fixed compute time (--infer-ms, default 50) so that the numbers isolate what
 * the axon adds around inference.
 *
 * Two phases in one process, same clients: "before" prints the results JSON on the axon's
 * thread (resultsSerialization 'main-thread', the former path), "after" in results worker
 * threads (the default). `--mode before|after` runs one. Flags: --callers N --requests N
 * --texts N --infer-ms N --same-process (callers on the axon's event loop), --quick.
 *
 * Reading the numbers: the "inference wait" is the embedder's 50 ms timer as the axon saw it;
 * when other requests block the event loop it stretches, so the share outside inference is
 * also given against the nominal 50 ms. Client-only outliers (client latency far above axon
 * server time) come from the two client threads, which read and parse every 3.3 MB answer.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type { KeyringPair } from '@polkadot/keyring/types'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import type { AxonRequestRecord } from '../native/services/miner/axon/miner-axon'
import { MinerAxon } from '../native/services/miner/axon/miner-axon'
import type { Embedder, NeuronView } from '../native/services/miner/ports'
import { hashEmbedding } from '../native/services/miner/testing/hash-embedder'
import { MapMetagraph } from '../native/services/miner/testing/test-runtime'
import { Store } from '../native/platform/store'
import { runCallers } from './miner-load-callers'
import type { ClientResult } from './miner-load-callers'
import type { BenchArgs } from './run'

export const description = 'Miner axon under load: 16 callers x 50 requests x 256 texts on loopback, results JSON on the axon thread (before) vs in worker threads (after): p50/p99, time outside inference, event-loop stalls'

function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name)
  const v = i >= 0 ? Number(argv[i + 1]) : NaN
  return Number.isFinite(v) ? v : fallback
}

export function loadTexts(count: number): string[] {
  const file = path.resolve(import.meta.dirname, '../../shared/data/manpages-corpus.jsonl')
  const docs: Array<{ summary: string; text: string }> = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(0, count).map((l) => JSON.parse(l) as { summary: string; text: string })
    : Array.from({ length: count }, (_, i) => ({ summary: `query ${i}`, text: `passage ${i} `.repeat(200) }))
  const texts: string[] = []
  for (const d of docs) {
    texts.push(d.summary.replace(/\?/g, ''), d.text.slice(0, 8000))
    if (texts.length >= count) break
  }
  while (texts.length < count) texts.push(`filler text ${texts.length}`)
  return texts
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0
}

export type Mode = 'main-thread' | 'worker'

/** What one phase measured. */
export interface PhaseResult {
  readonly mode: Mode
  readonly requests: number
  readonly failures: number
  readonly summary: string
  readonly throughput: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly overheadP50: number
  readonly overheadP99: number
  readonly outsideShare: number
  readonly clientOutsideShare: number
  readonly serializeP50: number
  readonly serverP50: number
  readonly serverMax: number
  readonly inferenceP50: number
  /** Outside-inference share computed with the nominal --infer-ms instead of the measured wait. */
  readonly nominalOutsideShare: number
  readonly loopP99: number
  readonly loopMax: number
  readonly steadyLoopMax: number
  readonly clientLoopMax: number
  /** Axon main-thread busy time per request (event-loop utilization x wall / requests). */
  readonly mainMsPerRequest: number
  /** Axon main-thread CPU time per request (Linux), NaN elsewhere. */
  readonly mainCpuMsPerRequest: number
}

export interface Setup {
  readonly callers: number
  readonly perCaller: number
  readonly batch: number
  readonly texts: string[]
  readonly embedder: Embedder
  readonly validators: KeyringPair[]
  readonly metagraph: MapMetagraph
  readonly miner: KeyringPair
  readonly sameProcess: boolean
  readonly inferMs: number
}

/** One full load run against a fresh axon whose results JSON is printed in `mode`. */
export async function runPhase(mode: Mode, setup: Setup): Promise<PhaseResult> {
  const { callers, perCaller, texts, embedder, validators, metagraph, miner, sameProcess } = setup
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-bench-'))
  const store = Store.open(path.join(home, 'taodesk.sqlite'))
  const records: AxonRequestRecord[] = []
  const warnings: string[] = []
  // A second delay histogram that starts over once every caller has had two answers, so the
  // steady state can be told apart from warm-up (JIT, client threads loading).
  const steady = monitorEventLoopDelay({ resolution: 10 })
  const warmUp = callers * 2
  const axon = new MinerAxon({
    signer: miner,
    metagraph,
    embedder,
    nonces: new AxonNonceTable(store.db),
    host: '127.0.0.1',
    port: 0,
    limits: { maxConcurrent: callers, maxQueued: callers * 2 },
    resultsSerialization: mode,
    onRequest: (r) => {
      records.push(r)
      if (records.length === warmUp) steady.reset()
    },
    onWarning: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`),
  })
  const port = await axon.listen()
  // Let the results workers load before the clock starts (listen() starts them).
  await new Promise((r) => setTimeout(r, mode === 'worker' ? 1500 : 0))
  const target = { ip: '127.0.0.1', port, hotkey: miner.address }

  const clientLatency: number[] = []
  let failures = 0
  const transportErrors = new Map<string, number>()
  const statusCounts = new Map<number, number>()
  // Clients and axon share this process's event loop only with --same-process: a stall there
  // delays both (the bench's own client work once produced a 70 s outlier, and raced the axon's
  // former 5 s keep-alive into a connection reset). By default the callers run in worker threads.
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  steady.enable()
  const groups = sameProcess ? 1 : Math.min(callers, Math.max(1, Math.min(4, os.availableParallelism())))
  const uris = validators.map((_, i) => `//BenchValidator${i}`)
  const elu0 = performance.eventLoopUtilization()
  const cpu0 = mainThreadCpuMs()
  const t0 = performance.now()
  const results: ClientResult[] = await Promise.all(
    Array.from({ length: groups }, (_, g) => {
      const job = { uris: uris.filter((_, i) => i % groups === g), perCaller, texts, target }
      // The callers on the axon's own event loop, for comparison.
      if (sameProcess) return runCallers(job.uris.map((_, i) => validators[i * groups + g]!), job)
      // tsx is registered inside the worker, then the TypeScript entry is loaded.
      const entry = new URL('./miner-load-client.ts', import.meta.url).href
      const script = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}) }).catch((e) => { console.error(e); process.exit(1) })`
      const worker = new Worker(script, { eval: true, workerData: job })
      return new Promise<ClientResult>((resolve, reject) => {
        worker.once('message', (m: ClientResult) => resolve(m))
        worker.once('error', reject)
        worker.once('exit', (code) => code !== 0 && reject(new Error(`client worker exited with ${code}`)))
      })
    }),
  )
  for (const r of results) {
    clientLatency.push(...r.latencies)
    failures += r.badAnswers
    for (const [k, n] of Object.entries(r.statuses)) statusCounts.set(Number(k), (statusCounts.get(Number(k)) ?? 0) + n)
    for (const [k, n] of Object.entries(r.transportErrors)) {
      transportErrors.set(k, (transportErrors.get(k) ?? 0) + n)
      failures += n
    }
  }
  const wallMs = performance.now() - t0
  const elu = performance.eventLoopUtilization(elu0)
  const cpu1 = mainThreadCpuMs()
  loop.disable()
  steady.disable()
  const where = axon.resultsSerialization
  await axon.close()
  store.close()
  fs.rmSync(home, { recursive: true, force: true })
  if (mode === 'worker' && (where.inThread > 0 || where.fallbackReason)) warnings.push(`results were printed in-thread ${where.inThread} times (${where.fallbackReason ?? 'fallback'})`)

  const sorted = [...clientLatency].sort((a, b) => a - b)
  const server = records.filter((r) => r.route === 'TextEmbeddingSynapse')
  const serverLatency = server.reduce((a, r) => a + r.latencyMs, 0)
  const inference = server.reduce((a, r) => a + r.inferenceMs, 0)
  const overheadPerReq = server.map((r) => r.latencyMs - r.inferenceMs - r.queueMs).sort((a, b) => a - b)
  const serialize = server.map((r) => r.serializeMs).sort((a, b) => a - b)
  const serverSorted = server.map((r) => r.latencyMs).sort((a, b) => a - b)
  const total = clientLatency.length
  const requests = total + [...transportErrors.values()].reduce((a, b) => a + b, 0)
  const summary = `requests: ${requests}, errors: ${failures}, statuses: ${[...statusCounts].map(([s, n]) => `${s}x${n}`).join(' ')}${transportErrors.size ? `, transport errors: ${[...transportErrors].map(([m, n]) => `${m} x${n}`).join('; ')}` : ''}${warnings.length ? `, axon warnings: ${warnings.slice(0, 3).join('; ')}` : ''}`
  return {
    mode,
    requests,
    failures,
    summary,
    throughput: total / (wallMs / 1000),
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
    overheadP50: pct(overheadPerReq, 0.5),
    overheadP99: pct(overheadPerReq, 0.99),
    outsideShare: 1 - inference / serverLatency,
    clientOutsideShare: 1 - inference / clientLatency.reduce((a, b) => a + b, 0),
    serializeP50: pct(serialize, 0.5),
    serverP50: pct(serverSorted, 0.5),
    serverMax: serverSorted[serverSorted.length - 1] ?? 0,
    inferenceP50: pct(server.map((r) => r.inferenceMs).sort((a, b) => a - b), 0.5),
    nominalOutsideShare: 1 - (server.length * setup.inferMs) / serverLatency,
    loopP99: loop.percentile(99) / 1e6,
    loopMax: loop.max / 1e6,
    steadyLoopMax: steady.max / 1e6,
    clientLoopMax: Math.max(0, ...results.map((r) => r.loopMaxMs ?? 0)),
    mainMsPerRequest: (elu.utilization * wallMs) / Math.max(1, server.length),
    mainCpuMsPerRequest: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / Math.max(1, server.length) : Number.NaN,
  }
}

/**
 * CPU time (ms) the process's main thread (the axon's event loop) has used: Linux only, from
 * /proc (10 ms ticks; fine over a phase of many requests). Unlike event-loop utilization it
 * does not grow when other processes take the cores.
 */
function mainThreadCpuMs(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are at 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return null
  }
}

export function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ')
}

export async function run(args: BenchArgs): Promise<void> {
  await cryptoWaitReady()
  const callers = args.quick ? 4 : option(args.argv, '--callers', 16)
  const perCaller = args.quick ? 10 : option(args.argv, '--requests', 50)
  const batch = option(args.argv, '--texts', 256)
  const inferMs = option(args.argv, '--infer-ms', 50)
  // --mode before|after|both (default both: the former in-thread serializer, then the workers).
  const modeArg = args.argv[args.argv.indexOf('--mode') + 1]
  const modes: Mode[] = args.argv.includes('--mode') && modeArg === 'before' ? ['main-thread'] : args.argv.includes('--mode') && modeArg === 'after' ? ['worker'] : ['main-thread', 'worker']
  const texts = loadTexts(batch)
  const dims = 1024
  const rows = texts.map((t) => hashEmbedding(t, dims))
  const embedder: Embedder = {
    name: `bench:fixed-${inferMs}ms`,
    embed: async (input, d) => {
      if (inferMs > 0) await new Promise((r) => setTimeout(r, inferMs))
      return input.map((_, i) => (d === dims ? rows[i % rows.length]! : hashEmbedding(input[i]!, d)))
    },
  }

  const keyring = new Keyring({ type: 'sr25519' })
  const miner = keyring.addFromUri('//BenchMiner')
  const validators = Array.from({ length: callers }, (_, i) => keyring.addFromUri(`//BenchValidator${i}`))
  const metagraph = new MapMetagraph(new Map<string, NeuronView>(validators.map((v, i) => [v.address, { uid: i, stake: 10_000 + i, validatorPermit: true }])))
  const sameProcess = args.argv.includes('--same-process')
  const bodyBytes = Buffer.byteLength(JSON.stringify(texts))
  process.stdout.write(
    `${callers} callers x ${perCaller} requests x ${batch} texts (${(bodyBytes / 1e6).toFixed(2)} MB of text per request), ${dims} dims, simulated inference ${inferMs} ms; ${os.availableParallelism()} cores, load average ${load()}\n`,
  )
  const setup: Setup = { callers, perCaller, batch, texts, embedder, validators, metagraph, miner, sameProcess, inferMs }
  const phases: PhaseResult[] = []
  for (const mode of modes) {
    const r = await runPhase(mode, setup)
    phases.push(r)
    process.stdout.write(`[${mode === 'main-thread' ? 'before: results JSON on the axon thread' : 'after: results JSON in worker threads'}] ${r.summary}; load average now ${load()}\n`)
  }

  const ms = (v: number): string => `${v.toFixed(1)} ms`
  const rowsOut: Array<[string, (p: PhaseResult) => number, (v: number) => string]> = [
    ['client latency p50', (p) => p.p50, ms],
    ['client latency p99', (p) => p.p99, ms],
    ['client latency max', (p) => p.max, ms],
    ['throughput (req/s)', (p) => p.throughput, (v) => v.toFixed(2)],
    ['axon overhead p50 (server - inference - queue)', (p) => p.overheadP50, ms],
    ['axon overhead p99', (p) => p.overheadP99, ms],
    ['axon server time p50 (request start to response written)', (p) => p.serverP50, ms],
    ['axon server time max', (p) => p.serverMax, ms],
    [`inference wait p50 (nominal ${inferMs} ms; longer = event loop blocked)`, (p) => p.inferenceP50, ms],
    ['share of server time outside inference (measured wait)', (p) => p.outsideShare * 100, (v) => `${v.toFixed(1)}%`],
    [`share of server time outside inference (nominal ${inferMs} ms)`, (p) => p.nominalOutsideShare * 100, (v) => `${v.toFixed(1)}%`],
    ['share of client time outside inference', (p) => p.clientOutsideShare * 100, (v) => `${v.toFixed(1)}%`],
    ['results JSON printing p50 (wall, incl. worker queue)', (p) => p.serializeP50, ms],
    ['axon main-thread CPU per request (/proc, 10 ms ticks)', (p) => p.mainCpuMsPerRequest, ms],
    ['axon main-thread busy per request (wall, event-loop utilization)', (p) => p.mainMsPerRequest, ms],
    [`axon event-loop delay p99 (${sameProcess ? 'shared with clients' : 'clients in worker threads'})`, (p) => p.loopP99, ms],
    ['axon event-loop delay max (longest stall)', (p) => p.loopMax, ms],
    [`  same, after warm-up (first ${callers * 2} requests)`, (p) => p.steadyLoopMax, ms],
    ['client threads: longest event-loop stall (they read and parse the 3.3 MB answers)', (p) => p.clientLoopMax, ms],
  ]
  const before = phases.find((p) => p.mode === 'main-thread')
  const after = phases.find((p) => p.mode === 'worker')
  const width = Math.max(...rowsOut.map(([n]) => n.length))
  const lines = [`(lower is better, except throughput)`, `${'metric'.padEnd(width)}  ${phases.map((p) => (p.mode === 'main-thread' ? 'before' : 'after').padStart(12)).join('  ')}${before && after ? '  before/after' : ''}`]
  for (const [name, get, fmt] of rowsOut) {
    const ratio = before && after && get(after) > 0 ? `  ${(get(before) / get(after)).toFixed(2)}x` : ''
    lines.push(`${name.padEnd(width)}  ${phases.map((p) => fmt(get(p)).padStart(12)).join('  ')}${ratio}`)
  }
  process.stdout.write(`${lines.join('\n')}\n`)
  if (phases.some((p) => p.failures > 0)) process.exitCode = 1
}
