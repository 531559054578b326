/**
 * Bench: scoring 30 miner answers of 512 texts x 1024 dimensions (256 pairs), as one SN5 round
 * with the largest batch. Prints one JSON line. Run: npx tsx bench/validator-scoring.ts
 */
import { scoreAnswer } from '../native/validator/scoring/infonce'

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

export function benchScoring(answers = 30, texts = 512, dim = 1024): { answers: number; texts: number; dim: number; ms: number; msPerAnswer: number } {
  const rand = mulberry32(1)
  const pairs = texts / 2
  const qIdx = Array.from({ length: pairs }, (_, i) => 2 * i)
  const aIdx = Array.from({ length: pairs }, (_, i) => 2 * i + 1)
  const make = () => Array.from({ length: texts }, () => Array.from({ length: dim }, () => rand() - 0.5))
  const inputs = Array.from({ length: answers }, make)
  const t0 = performance.now()
  for (const a of inputs) scoreAnswer(a, { textCount: texts, dimensions: dim, normalized: true, qIdx, aIdx })
  const ms = performance.now() - t0
  return { answers, texts, dim, ms: Math.round(ms), msPerAnswer: Math.round((ms / answers) * 10) / 10 }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify({ bench: 'validator.scoring', ...benchScoring() })}\n`)
}
