/**
 * Issue 18 items 3 and 4, side by side in one run:
 *
 * 1. Local vs pool: the same validator load (callers in worker threads, real sr25519, real
 *    1024-wide answers; runPhase of miner-load.bench.ts) on a miner that embeds with
 *    - its own runtime (the model in this process),
 *    - one other TaoDesk engine (own process, OpenAI-compatible local API) through the pool,
 *    - two such engines through the pool,
 *    - two engines, one SIGKILLed a third of the way in (failover under load).
 *    Model: a random-weight network of a real shape (--model minilm-l6|bge-base|tiny; compute
 *    cost does not depend on the weights). Every engine gets the same workers x threads.
 * 2. The axon's own main-thread CPU per request, by stage, for one SN5 request (256 texts,
 *    1024 dims): what is left outside inference now that the results JSON is printed in worker
 *    threads, and what each remaining stage would cost done another way.
 *
 * Flags: --model NAME --callers N --requests N --texts N --workers N --threads N --quick.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady, sr25519PairFromSeed, sr25519Sign, sr25519Verify } from '@polkadot/util-crypto'
import * as wasmCrypto from '@polkadot/wasm-crypto'
import type { TestModelName } from '../scripts/make-test-models'
import { ensureTestModel } from '../scripts/make-test-models'
import { createMinerInference } from '../native/services/embedding/pool/miner-inference'
import { Embedder } from '../native/services/embedding/runtime/embedder'
import { hashEmbedding } from '../native/services/miner/testing/hash-embedder'
import { MapMetagraph } from '../native/services/miner/testing/test-runtime'
import type { Embedder as MinerEmbedder, NeuronView } from '../native/services/miner/ports'
import { resultsJsonBytes } from '../native/protocols/text-embedding/results-json'
import type { PhaseResult, Setup } from './miner-load.bench'
import { load, loadTexts, runPhase } from './miner-load.bench'
import type { BenchArgs } from './run'

export const description = 'Miner on an inference pool: own runtime vs one vs two TaoDesk engines (and one killed mid-run), same load side by side; the axon main-thread CPU per request by stage'

export function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name)
  const v = i >= 0 ? Number(argv[i + 1]) : NaN
  return Number.isFinite(v) ? v : fallback
}

interface EngineProcess {
  readonly url: string
  readonly child: ChildProcess
}

/** Starts a TaoDesk engine process serving the model on its local API; resolves with its URL. */
function startEngine(files: { onnxFile: string; tokenizerFile: string; pooling: string }, workers: number, threads: number): Promise<EngineProcess> {
  const entry = path.join(import.meta.dirname, 'miner-load-engine.ts')
  const child = spawn(process.execPath, ['--import', 'tsx', entry, files.onnxFile, files.tokenizerFile, files.pooling, String(workers), String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const line = out.split('\n')[0]
      if (out.includes('\n') && line) resolve({ url: line.trim(), child })
    })
    child.once('exit', (code) => reject(new Error(`engine process exited with ${code} before it listened`)))
  })
}

function stopEngine(e: EngineProcess): void {
  if (e.child.exitCode === null && e.child.signalCode === null) e.child.kill('SIGTERM')
}

export async function run(args: BenchArgs): Promise<string[]> {
  await cryptoWaitReady()
  const modelName = (args.argv[args.argv.indexOf('--model') + 1] ?? '') as TestModelName
  // Quick: the tiny model, so that the pool (not the model) is what a loaded 2-core machine measures.
  const model = ensureTestModel(args.argv.includes('--model') ? modelName : args.quick ? 'tiny' : 'minilm-l6')
  const callers = args.quick ? 4 : option(args.argv, '--callers', 8)
  const perCaller = args.quick ? 2 : option(args.argv, '--requests', 4)
  const batch = option(args.argv, '--texts', 64)
  const workers = option(args.argv, '--workers', 1)
  const threads = option(args.argv, '--threads', 1)
  const texts = loadTexts(batch)
  const keyring = new Keyring({ type: 'sr25519' })
  const miner = keyring.addFromUri('//BenchMiner')
  const validators = Array.from({ length: callers }, (_, i) => keyring.addFromUri(`//BenchValidator${i}`))
  const metagraph = new MapMetagraph(new Map<string, NeuronView>(validators.map((v, i) => [v.address, { uid: i, stake: 10_000 + i, validatorPermit: true }])))
  process.stdout.write(
    `model ${model.name} (random weights, real shape), ${callers} callers x ${perCaller} requests x ${batch} texts, 1024 dims; each runtime ${workers} worker(s) x ${threads} thread(s); ${os.availableParallelism()} cores, load average ${load()}\n`,
  )
  const setupFor = (embedder: MinerEmbedder): Setup => ({ callers, perCaller, batch, texts, embedder, validators, metagraph, miner, sameProcess: false, inferMs: 0 })
  const columns: Array<{ name: string; r: PhaseResult; extra: string }> = []

  // 1a. The miner's own runtime.
  const local = await Embedder.load({ onnxFile: model.onnxFile, tokenizerFile: model.tokenizerFile, pooling: model.pooling, maxLength: 512, provider: 'cpu', workers, intraOpThreads: threads })
  try {
    const r = await runPhase('worker', setupFor({ name: 'local', embed: async (t, d, signal) => (await local.embed(t, { dimensions: d, signal })).vectors }))
    columns.push({ name: 'own runtime', r, extra: '' })
    process.stdout.write(`[own runtime] ${r.summary}; load average now ${load()}\n`)
  } finally {
    await local.dispose()
  }

  // 1b-d. One, two, and two engines with one killed.
  for (const variant of [
    { name: 'pool: 1 engine', engines: 1, kill: false },
    { name: 'pool: 2 engines', engines: 2, kill: false },
    { name: '2 engines, 1 killed', engines: 2, kill: true },
  ]) {
    const engines = await Promise.all(Array.from({ length: variant.engines }, () => startEngine(model, workers, threads)))
    const inference = await createMinerInference({ endpoints: engines.map((e) => ({ kind: 'openai' as const, url: e.url, weight: 1 })), local: false }, { embedder: { name: 'none', embed: () => Promise.reject(new Error('no local model')) }, problem: () => 'off' })
    let killer: NodeJS.Timeout | undefined
    try {
      const previous = columns.find((c) => c.name === 'pool: 2 engines')
      if (variant.kill && previous) {
        // runPhase waits 1.5 s for the results workers before the callers start.
        const wallMs = (callers * perCaller * 1000) / previous.r.throughput
        killer = setTimeout(() => engines[1]!.child.kill('SIGKILL'), 1500 + wallMs / 3)
      }
      const r = await runPhase('worker', setupFor(inference.embedder))
      const share = inference
        .status()
        .map((s) => `${s.texts}`)
        .join('/')
      columns.push({ name: variant.name, r, extra: share })
      process.stdout.write(`[${variant.name}] ${r.summary}; texts per engine ${share}; load average now ${load()}\n`)
    } finally {
      clearTimeout(killer)
      inference.dispose()
      engines.forEach(stopEngine)
    }
  }

  const ms = (v: number): string => `${v.toFixed(0)} ms`
  const table: Array<[string, (c: (typeof columns)[number]) => string]> = [
    ['requests failed', (c) => String(c.r.failures)],
    ['throughput (requests/s)', (c) => c.r.throughput.toFixed(2)],
    ['throughput (texts/s)', (c) => (c.r.throughput * batch).toFixed(0)],
    ['client latency p50', (c) => ms(c.r.p50)],
    ['client latency p99', (c) => ms(c.r.p99)],
    ['client latency max', (c) => ms(c.r.max)],
    ['axon server time p50', (c) => ms(c.r.serverP50)],
    ['inference wait p50 (incl. the pool)', (c) => ms(c.r.inferenceP50)],
    ['texts per engine', (c) => c.extra || '-'],
  ]
  const width = Math.max(...table.map(([n]) => n.length))
  const out = [`\nlocal vs pool (higher throughput, lower latency is better)`, `${'metric'.padEnd(width)}  ${columns.map((c) => c.name.padStart(20)).join('')}`]
  for (const [name, get] of table) out.push(`${name.padEnd(width)}  ${columns.map((c) => get(c).padStart(20)).join('')}`)
  process.stdout.write(`${out.join('\n')}\n`)

  axonStages(args.quick ? 20 : 60)
  if (columns.some((c) => c.r.failures > 0)) process.exitCode = 1
  return [`local vs pool (${model.name}, ${callers} callers x ${batch} texts), texts/s and failed requests: ${columns.map((c) => `${c.name} ${(c.r.throughput * batch).toFixed(0)} (${c.r.failures} failed)`).join(', ')}`]
}

/** CPU ms per call of `fn` on this thread (process CPU time; nothing else runs meanwhile). */
export function cpuMs(iterations: number, fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn()
  const t0 = process.cpuUsage()
  for (let i = 0; i < iterations; i++) fn()
  const d = process.cpuUsage(t0)
  return (d.user + d.system) / 1000 / iterations
}

/**
 * The axon's main-thread work per SN5 request (256 texts, 1024 dims), stage by stage, as the
 * axon does it now and as it could be done. Single-threaded loops, CPU time, so a loaded
 * machine stretches the wall clock but not these numbers (much).
 */
function axonStages(iterations: number): void {
  const texts = loadTexts(256)
  const synapse = { name: 'TextEmbeddingSynapse', timeout: 60, texts, dimensions: 1024, normalized: true, version: '1.0.0', results: null, axon: { hotkey: '5F'.padEnd(48, 'x') }, dendrite: { hotkey: '5G'.padEnd(48, 'y'), nonce: 1733600000000000000, uuid: 'u' } }
  const body = Buffer.from(JSON.stringify(synapse))
  const strict = new TextDecoder('utf-8', { fatal: true })
  const parsed = JSON.parse(body.toString()) as typeof synapse
  const rows = texts.map((t) => hashEmbedding(t, 1024))
  const pair = sr25519PairFromSeed(new Uint8Array(32).fill(7))
  const message = new TextEncoder().encode(`1733600000000000000.${'5G'.padEnd(48, 'y')}.${'5F'.padEnd(48, 'x')}.u.a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a`)
  const signature = sr25519Sign(message, pair)
  const pack = (): Float32Array => {
    const data = new Float32Array(256 * 1024)
    for (let i = 0; i < 256; i++) data.set(rows[i]!, i * 1024)
    return data
  }
  const echoWithoutTexts = { ...parsed, texts: undefined }
  const stages: Array<[string, number, string, number]> = [
    ['request body: strict UTF-8 decode + JSON.parse (0.3 MB)', cpuMs(iterations, () => JSON.parse(strict.decode(body))), 'body.toString() + JSON.parse (not strict)', cpuMs(iterations, () => JSON.parse(body.toString('utf8')))],
    ['sr25519 signature check (@polkadot/util-crypto 14: @scure/sr25519, JS)', cpuMs(iterations, () => sr25519Verify(message, signature, pair.publicKey)), '@polkadot/wasm-crypto sr25519Verify (WASM)', cpuMs(iterations, () => wasmCrypto.sr25519Verify(signature, message, pair.publicKey))],
    ['echo: JSON.stringify of the synapse with its texts + Buffer.from', cpuMs(iterations, () => Buffer.from(JSON.stringify(parsed))), 'echo without re-printing texts (raw request bytes reused)', cpuMs(iterations, () => Buffer.from(JSON.stringify(echoWithoutTexts)))],
    ['pack rows for the results worker (1 MB copy)', cpuMs(iterations, pack), '(rows already packed by the runtime)', 0],
    ['results JSON (in a worker thread, not on the axon thread)', cpuMs(Math.max(5, iterations / 6), () => resultsJsonBytes(rows, 1024, true)), '-', Number.NaN],
  ]
  const width = Math.max(...stages.map(([n]) => n.length))
  const lines = [`\naxon main-thread CPU per 256-text request, by stage (now vs another way; load average ${load()})`]
  for (const [name, now, alt, then] of stages) lines.push(`${name.padEnd(width)}  ${now.toFixed(2).padStart(7)} ms   ${alt}: ${Number.isNaN(then) ? '-' : `${then.toFixed(2)} ms`}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}
