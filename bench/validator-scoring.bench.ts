/**
 * Scoring one SN5 round at the largest batch: 30 miner answers of 512 texts × 1024 dimensions
 * (256 question/chunk pairs). Reports validation (shape, finite values, copy to float32) and
 * InfoNCE (normalization + 256×256 similarities + loss + recall) separately.
 */
import { l2NormalizeRows, infoNce, simdAvailable, validateEmbeddings } from '../native/validator/scoring'
import type { BenchArgs } from './run'

export const description = 'validator scoring: 30 answers of 512 × 1024 (validation + InfoNCE), target well under 1 s'

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export async function run(args: BenchArgs): Promise<void> {
  const answers = args.quick ? 5 : 30
  const texts = 512
  const dim = 1024
  const pairs = texts / 2
  const rand = mulberry32(1)
  const qIdx = Array.from({ length: pairs }, (_, i) => 2 * i)
  const aIdx = Array.from({ length: pairs }, (_, i) => 2 * i + 1)
  const inputs = Array.from({ length: answers }, () => Array.from({ length: texts }, () => Array.from({ length: dim }, () => rand() - 0.5)))
  // warm-up (JIT, WebAssembly compile)
  const warm = validateEmbeddings(inputs[0], texts, dim)
  if (warm.ok) infoNce(warm.matrix, qIdx, aIdx)
  let validateMs = 0
  let scoreMs = 0
  for (const a of inputs) {
    const t0 = performance.now()
    const v = validateEmbeddings(a, texts, dim)
    const t1 = performance.now()
    if (!v.ok) throw new Error(`bench input invalid: ${v.detail}`)
    l2NormalizeRows(v.matrix)
    infoNce(v.matrix, qIdx, aIdx)
    scoreMs += performance.now() - t1
    validateMs += t1 - t0
  }
  const total = validateMs + scoreMs
  process.stdout.write(
    `${answers} answers of ${texts}×${dim}: ${total.toFixed(0)} ms total (${(total / answers).toFixed(1)} ms/answer; validation ${validateMs.toFixed(0)} ms, InfoNCE ${scoreMs.toFixed(0)} ms), WebAssembly SIMD ${simdAvailable() ? 'on' : 'off (JS fallback)'}\n`,
  )
  process.stdout.write(`${JSON.stringify({ bench: 'validator-scoring', answers, texts, dim, totalMs: Math.round(total), validateMs: Math.round(validateMs), infoNceMs: Math.round(scoreMs), simd: simdAvailable() })}\n`)
}
