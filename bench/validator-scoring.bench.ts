/**
 * Scoring one SN5 round at the largest batch: 30 miner answers of 512 texts × 1024 dimensions
 * (256 question/chunk pairs), each a ~11 MB JSON response body as a miner sends it.
 *
 * Side by side, on the same bodies:
 *  - before: the previous implementation, all on the engine's main thread: JSON.parse of each
 *    body (what the dendrite did), validateEmbeddings (walk + copy to float32), InfoNCE, with a
 *    setImmediate between answers;
 *  - now: ScoringPool: each body's memory is transferred to a worker thread, which parses it
 *    straight into float32 (answer-parser.ts), validates and scores it.
 * For both: wall time for the 30 answers and the longest main-thread stall (event-loop delay).
 * Also the old bench's figure (validation from JS arrays + InfoNCE, in-thread) for continuity.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ScoringPool, infoNce, l2NormalizeRows, scoreAnswer, simdAvailable, validateEmbeddings } from '../native/protocols/text-embedding/scoring'
import type { AnswerScore, ScoreTask } from '../native/protocols/text-embedding/scoring'
import type { BenchArgs } from './run'
import { mulberry32 } from '../test/support/mulberry32'

export const description = 'validator scoring: 30 answers of 512 × 1024 from raw JSON, in worker threads vs the previous in-thread path (target well under 1 s)'

/** Wall time and the longest event-loop stall while `work` runs. */
async function measure<T>(work: () => Promise<T>): Promise<{ ms: number; maxStallMs: number; result: T }> {
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  const t0 = performance.now()
  const result = await work()
  const ms = performance.now() - t0
  h.disable()
  return { ms, maxStallMs: h.max / 1e6, result }
}

export async function run(args: BenchArgs): Promise<void> {
  const answers = args.quick ? 6 : 30
  const texts = 512
  const dim = 1024
  const pairs = texts / 2
  const rand = mulberry32(1)
  const task: ScoreTask = {
    textCount: texts,
    dimensions: dim,
    normalized: true,
    qIdx: Array.from({ length: pairs }, (_, i) => 2 * i),
    aIdx: Array.from({ length: pairs }, (_, i) => 2 * i + 1),
  }
  // Six distinct answers (float32 values printed as miners print them), repeated to `answers`.
  const echo = Array.from({ length: texts }, (_, i) => `text ${i} ${'lorem ipsum dolor sit amet '.repeat(8)}`)
  const distinct = Array.from({ length: Math.min(6, answers) }, () => {
    const rows = Array.from({ length: texts }, () => Array.from(Float32Array.from({ length: dim }, () => (rand() - 0.5) * 0.1)))
    return Buffer.from(JSON.stringify({ name: 'TextEmbeddingSynapse', texts: echo, dimensions: dim, normalized: true, results: rows }))
  })
  const bodies = (): Buffer[] => Array.from({ length: answers }, (_, i) => Buffer.from(distinct[i % distinct.length]))
  const mb = distinct[0].byteLength / 1e6

  // Before: everything on the main thread, as the validator did it.
  const before = async (input: Buffer[]): Promise<AnswerScore[]> => {
    const out: AnswerScore[] = []
    for (const b of input) {
      const json = JSON.parse(b.toString('utf8')) as { results?: unknown }
      out.push(scoreAnswer(json.results ?? null, task))
      await new Promise((r) => setImmediate(r))
    }
    return out
  }
  await before(bodies().slice(0, 2)) // warm-up (JIT, WebAssembly compile)

  const t0 = performance.now()
  const pool = new ScoringPool()
  await Promise.all(bodies().slice(0, pool.size).map((b) => pool.score(b, task))) // start and warm the workers
  const startMs = performance.now() - t0

  const runs = args.quick ? 1 : 3
  const old: Array<{ ms: number; maxStallMs: number }> = []
  const now: Array<{ ms: number; maxStallMs: number }> = []
  let mismatch = 0
  for (let r = 0; r < runs; r++) {
    const a = await measure(() => before(bodies()))
    const b = await measure(() => Promise.all(bodies().map((x) => pool.score(x, task))))
    old.push(a)
    now.push(b)
    a.result.forEach((s, i) => {
      const w = b.result[i].score
      if (!Object.is(s.loss, w.loss) || !Object.is(s.score, w.score) || s.top1 !== w.top1 || s.top3 !== w.top3) mismatch++
    })
  }
  const last = await Promise.all(bodies().map((x) => pool.score(x, task)))
  const workerMs = last.map((r) => r.ms)
  const parseMs = last.map((r) => r.parseMs)
  const infoNceMs = last.map((r) => r.scoreMs)
  await pool.close()
  const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]
  const oldMs = median(old.map((x) => x.ms))
  const newMs = median(now.map((x) => x.ms))
  const oldStall = median(old.map((x) => x.maxStallMs))
  const newStall = median(now.map((x) => x.maxStallMs))

  // The old bench's figure: validation from JS arrays + InfoNCE, in-thread, no JSON.
  const arrays = (JSON.parse(distinct[0].toString('utf8')) as { results: number[][] }).results
  let kernelMs = 0
  for (let i = 0; i < answers; i++) {
    const t = performance.now()
    const v = validateEmbeddings(arrays, texts, dim)
    if (!v.ok) throw new Error(`bench input invalid: ${v.detail}`)
    l2NormalizeRows(v.matrix)
    infoNce(v.matrix, task.qIdx, task.aIdx)
    kernelMs += performance.now() - t
  }

  const line = (label: string, ms: number, stall: number) => `  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  (${(ms / answers).toFixed(1)} ms/answer), longest main-thread stall ${stall.toFixed(0)} ms`
  process.stdout.write(
    [
      `${answers} answers of ${texts}×${dim} (${mb.toFixed(1)} MB of JSON each), median of ${runs}; WebAssembly SIMD ${simdAvailable() ? 'on' : 'off (JS fallback)'}`,
      line('before: JSON.parse + score, main thread', oldMs, oldStall),
      line(`now: parse + score in ${pool.size} worker threads`, newMs, newStall),
      `  ratio before/now: ${(oldMs / newMs).toFixed(2)}x wall time, ${(oldStall / Math.max(newStall, 0.01)).toFixed(1)}x longest stall; results identical: ${mismatch === 0 ? 'yes' : `NO (${mismatch} differ)`}`,
      `  per answer inside a worker (${pool.size} at once): median ${median(workerMs).toFixed(1)} ms = parse + validate ${median(parseMs).toFixed(1)} ms + InfoNCE ${median(infoNceMs).toFixed(1)} ms; workers started in ${startMs.toFixed(0)} ms`,
      `  kernel only (validation from JS arrays + InfoNCE, in-thread, as the old bench measured): ${kernelMs.toFixed(0)} ms for ${answers}`,
      '',
    ].join('\n'),
  )
  process.stdout.write(
    `${JSON.stringify({ bench: 'validator-scoring', answers, texts, dim, bodyMB: +mb.toFixed(1), workers: pool.size, beforeMs: Math.round(oldMs), nowMs: Math.round(newMs), ratio: +(oldMs / newMs).toFixed(2), beforeMaxStallMs: Math.round(oldStall), nowMaxStallMs: Math.round(newStall), workerMsPerAnswer: +median(workerMs).toFixed(1), parseMsPerAnswer: +median(parseMs).toFixed(1), infoNceMsPerAnswer: +median(infoNceMs).toFixed(1), kernelOnlyMs: Math.round(kernelMs), identical: mismatch === 0, simd: simdAvailable() })}\n`,
  )
  if (mismatch > 0) process.exitCode = 1
}
