/**
 * Load on the miner's axon over loopback: 16 concurrent validator dendrites x 50 requests of 256
 * SN5-like texts (spec issue 6). Real HTTP, real sr25519 signatures and verification, real
 * nonce persistence in SQLite, real 1024-wide JSON responses. The model is replaced by an
 * embedder with a fixed compute time (--infer-ms, default 50) so that the numbers isolate what
 * the axon adds around inference.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type { KeyringPair } from '@polkadot/keyring/types'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import type { AxonRequestRecord } from '../native/miner/axon/axon-server'
import { AxonServer } from '../native/miner/axon/axon-server'
import type { Embedder, NeuronView } from '../native/miner/ports'
import { hashEmbedding } from '../native/miner/testing/hash-embedder'
import { SpecDendrite } from '../native/miner/testing/spec-dendrite'
import { MapMetagraph } from '../native/miner/testing/test-runtime'
import { Store } from '../native/store'
import type { ClientResult } from './miner-load-client'
import type { BenchArgs } from './run'

/** The callers on the axon's own event loop (--same-process), for comparison. */
async function runInProcess(pairs: KeyringPair[], job: { perCaller: number; texts: string[]; target: { ip: string; port: number; hotkey: string } }): Promise<ClientResult> {
  const out = { latencies: [] as number[], statuses: {} as Record<string, number>, transportErrors: {} as Record<string, number>, badAnswers: 0 }
  await Promise.all(
    pairs.map(async (pair) => {
      const d = new SpecDendrite({ pair })
      try {
        for (let i = 0; i < job.perCaller; i++) {
          const start = performance.now()
          try {
            const res = await d.embed(job.target, job.texts)
            out.latencies.push(performance.now() - start)
            out.statuses[res.status] = (out.statuses[res.status] ?? 0) + 1
            const results = (res.json as { results?: unknown[] } | undefined)?.results
            if (res.status !== 200 || !Array.isArray(results) || results.length !== job.texts.length) out.badAnswers++
          } catch (error) {
            const key = error instanceof Error ? error.message : String(error)
            out.transportErrors[key] = (out.transportErrors[key] ?? 0) + 1
          }
        }
      } finally {
        d.close()
      }
    }),
  )
  return out
}

export const description = 'Miner axon under load: 16 callers x 50 requests x 256 texts on loopback (p50/p99, time outside inference)'

function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name)
  const v = i >= 0 ? Number(argv[i + 1]) : NaN
  return Number.isFinite(v) ? v : fallback
}

function loadTexts(count: number): string[] {
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

export async function run(args: BenchArgs): Promise<void> {
  await cryptoWaitReady()
  const callers = args.quick ? 4 : option(args.argv, '--callers', 16)
  const perCaller = args.quick ? 10 : option(args.argv, '--requests', 50)
  const batch = option(args.argv, '--texts', 256)
  const inferMs = option(args.argv, '--infer-ms', 50)
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
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-bench-'))
  const store = Store.open(path.join(home, 'taodesk.sqlite'))
  const records: AxonRequestRecord[] = []
  const warnings: string[] = []
  const axon = new AxonServer({
    signer: { ss58: miner.address, sign: (m) => miner.sign(m) },
    metagraph,
    embedder,
    nonces: store.axonNonces,
    host: '127.0.0.1',
    port: 0,
    limits: { maxConcurrent: callers, maxQueued: callers * 2 },
    onRequest: (r) => records.push(r),
    onWarning: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`),
  })
  const port = await axon.listen()
  const target = { ip: '127.0.0.1', port, hotkey: miner.address }
  const bodyBytes = Buffer.byteLength(JSON.stringify(texts))
  process.stdout.write(`${callers} callers x ${perCaller} requests x ${batch} texts (${(bodyBytes / 1e6).toFixed(2)} MB of text per request), ${dims} dims, simulated inference ${inferMs} ms\n`)

  const clientLatency: number[] = []
  let failures = 0
  const transportErrors = new Map<string, number>()
  const statusCounts = new Map<number, number>()
  // Clients and axon share this process's event loop only with --same-process: a stall there
  // delays both (the bench's own client work once produced a 70 s outlier, and raced the axon's
  // former 5 s keep-alive into a connection reset). By default the callers run in worker threads.
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const sameProcess = args.argv.includes('--same-process')
  const groups = sameProcess ? 1 : Math.min(callers, Math.max(1, Math.min(4, os.availableParallelism())))
  const uris = validators.map((_, i) => `//BenchValidator${i}`)
  const t0 = performance.now()
  const results: ClientResult[] = await Promise.all(
    Array.from({ length: groups }, (_, g) => {
      const job = { uris: uris.filter((_, i) => i % groups === g), perCaller, texts, target }
      if (sameProcess) return runInProcess(job.uris.map((_, i) => validators[i * groups + g]!), job)
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
  const wall = (performance.now() - t0) / 1000
  loop.disable()
  await axon.close()
  store.close()
  fs.rmSync(home, { recursive: true, force: true })

  const sorted = [...clientLatency].sort((a, b) => a - b)
  const server = records.filter((r) => r.route === 'TextEmbeddingSynapse')
  const serverLatency = server.reduce((a, r) => a + r.latencyMs, 0)
  const inference = server.reduce((a, r) => a + r.inferenceMs, 0)
  const queue = server.reduce((a, r) => a + r.queueMs, 0)
  const overheadPerReq = server.map((r) => r.latencyMs - r.inferenceMs - r.queueMs).sort((a, b) => a - b)
  const total = clientLatency.length
  process.stdout.write(
    [
      `requests: ${total + [...transportErrors.values()].reduce((a, b) => a + b, 0)}, errors: ${failures}, statuses: ${[...statusCounts].map(([s, n]) => `${s}x${n}`).join(' ')}${transportErrors.size ? `, transport errors: ${[...transportErrors].map(([m, n]) => `${m} x${n}`).join('; ')}` : ''}${warnings.length ? `, axon warnings: ${warnings.slice(0, 3).join('; ')}` : ''}`,
      `throughput: ${(total / wall).toFixed(1)} req/s, ${((total * batch) / wall).toFixed(0)} texts/s, wall ${wall.toFixed(1)} s`,
      `client latency: p50 ${pct(sorted, 0.5).toFixed(1)} ms, p99 ${pct(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1]?.toFixed(1)} ms`,
      `axon overhead per request (server time minus inference minus queue): p50 ${pct(overheadPerReq, 0.5).toFixed(1)} ms, p99 ${pct(overheadPerReq, 0.99).toFixed(1)} ms`,
      `share of server time outside inference: ${((1 - inference / serverLatency) * 100).toFixed(1)}% (queue ${((queue / serverLatency) * 100).toFixed(1)}%)`,
      `share of client-observed time outside inference: ${((1 - inference / clientLatency.reduce((a, b) => a + b, 0)) * 100).toFixed(1)}%`,
      `axon event loop (${sameProcess ? `shared with the ${callers} clients` : `clients in ${groups} worker threads`}): delay p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms`,
    ].join('\n') + '\n',
  )
  if (failures > 0) process.exitCode = 1
}
