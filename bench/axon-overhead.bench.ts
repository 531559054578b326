/**
 * Issue 18 item 4, side by side in one run: the miner axon's main-thread time per 256-text
 * request outside inference, at 16 concurrent callers (callers in worker threads, real sr25519,
 * 1024-wide answers, runPhase of miner-load.bench.ts), with an instant embedder so that all
 * of it is overhead. "Before": the pure-JS sr25519 check of @polkadot/util-crypto 14; "after":
 * the WASM check (native/bittensor/wire/sr25519-verify.ts). The echo of the 256 texts is
 * compared as a stage (CPU per request, single-threaded loop): re-printed with JSON.stringify
 * vs found in the request's bytes (native/bittensor/axon/raw-json-span.ts); the axon always
 * does the latter now.
 *
 * Flags: --callers N --requests N --texts N --quick.
 */
import os from 'node:os'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { topLevelValueSpan } from '../native/bittensor/axon/raw-json-span'
import { forceSr25519Backend } from '../native/bittensor/wire/sr25519-verify'
import { hashEmbedding } from '../native/services/miner/testing/hash-embedder'
import { MapMetagraph } from '../native/services/miner/testing/test-runtime'
import type { NeuronView } from '../native/services/miner/ports'
import type { PhaseResult } from './miner-load.bench'
import { load, loadTexts, runPhase } from './miner-load.bench'
import { cpuMs, option } from './miner-load-pool.bench'
import type { BenchArgs } from './run'

export const description = 'Axon main-thread time per 256-text request outside inference at 16 callers: JS vs WASM sr25519 check (same load side by side), echo re-printed vs taken from the request bytes'

export async function run(args: BenchArgs): Promise<string[]> {
  await cryptoWaitReady()
  const callers = args.quick ? 4 : option(args.argv, '--callers', 16)
  const perCaller = args.quick ? 3 : option(args.argv, '--requests', 8)
  const batch = option(args.argv, '--texts', 256)
  const texts = loadTexts(batch)
  const keyring = new Keyring({ type: 'sr25519' })
  const miner = keyring.addFromUri('//BenchMiner')
  const validators = Array.from({ length: callers }, (_, i) => keyring.addFromUri(`//BenchValidator${i}`))
  const metagraph = new MapMetagraph(new Map<string, NeuronView>(validators.map((v, i) => [v.address, { uid: i, stake: 10_000 + i, validatorPermit: true }])))
  // Inference costs nothing here: one row, computed once, answers every text.
  const row = hashEmbedding('bench', 1024)
  const embedder = { name: 'instant', embed: (t: readonly string[]) => Promise.resolve(t.map(() => row)) }
  process.stdout.write(`${callers} callers x ${perCaller} requests x ${batch} texts, 1024 dims, instant embedder; ${os.availableParallelism()} cores, load average ${load()}\n`)
  const setup = { callers, perCaller, batch, texts, embedder, validators, metagraph, miner, sameProcess: false, inferMs: 0 }

  const phases: Array<{ name: string; r: PhaseResult }> = []
  // Interleaved twice (JS, WASM, JS, WASM): a loaded machine drifts over a run.
  for (const round of [1, 2]) {
    for (const backend of ['js', 'wasm'] as const) {
      forceSr25519Backend(backend)
      try {
        const r = await runPhase('worker', setup)
        phases.push({ name: `${backend} #${round}`, r })
        process.stdout.write(`[sr25519 ${backend}, round ${round}] ${r.summary}; main thread ${r.mainCpuMsPerRequest.toFixed(2)} ms CPU / ${r.mainMsPerRequest.toFixed(2)} ms busy per request; load average ${load()}\n`)
      } finally {
        forceSr25519Backend(null)
      }
    }
  }
  const best = (backend: string, get: (r: PhaseResult) => number): number => Math.min(...phases.filter((p) => p.name.startsWith(backend)).map((p) => get(p.r)))

  const body = Buffer.from(JSON.stringify({ name: 'TextEmbeddingSynapse', timeout: 60, texts, dimensions: 1024, normalized: true, results: null }))
  const parsed = JSON.parse(body.toString()) as { texts: string[] }
  const iterations = args.quick ? 20 : 60
  const echoBefore = cpuMs(iterations, () => Buffer.from(JSON.stringify(parsed.texts)))
  const echoAfter = cpuMs(iterations, () => topLevelValueSpan(body, 'texts'))

  const rows: Array<[string, string, string]> = [
    ['main-thread CPU per request (best round)', `${best('js', (r) => r.mainCpuMsPerRequest).toFixed(2)} ms`, `${best('wasm', (r) => r.mainCpuMsPerRequest).toFixed(2)} ms`],
    ['main-thread busy per request (ELU, best round)', `${best('js', (r) => r.mainMsPerRequest).toFixed(2)} ms`, `${best('wasm', (r) => r.mainMsPerRequest).toFixed(2)} ms`],
    ['axon server time p50 (best round)', `${best('js', (r) => r.serverP50).toFixed(0)} ms`, `${best('wasm', (r) => r.serverP50).toFixed(0)} ms`],
    ['throughput, requests/s (best round)', `${(-best('js', (r) => -r.throughput)).toFixed(1)}`, `${(-best('wasm', (r) => -r.throughput)).toFixed(1)}`],
    [`echo of ${batch} texts, CPU per request (stage)`, `${echoBefore.toFixed(2)} ms re-printed`, `${echoAfter.toFixed(3)} ms from request bytes`],
  ]
  const width = Math.max(...rows.map(([n]) => n.length))
  const out = [`\naxon overhead outside inference (${callers} callers; before: JS sr25519 check, after: WASM)`, `${'metric'.padEnd(width)}  ${'before'.padStart(26)}${'after'.padStart(28)}`]
  for (const [n, a, b] of rows) out.push(`${n.padEnd(width)}  ${a.padStart(26)}${b.padStart(28)}`)
  out.push(`load average at the end ${load()}`)
  process.stdout.write(`${out.join('\n')}\n`)
  if (phases.some((p) => p.r.failures > 0)) process.exitCode = 1
  return [`axon main-thread CPU per ${batch}-text request at ${callers} callers, outside inference: ${rows[0]![1]} (JS sr25519) vs ${rows[0]![2]} (WASM); echo ${rows[4]![1]} vs ${rows[4]![2]}`]
}
