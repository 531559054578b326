import { createHash } from 'node:crypto'
import type { Embedder } from '../../protocols/text-embedding/axon-route'

/**
 * The practice subnet's demo models: no download, no ONNX, deterministic enough to rank. A
 * hashed bag of words puts texts that share words close together, which is what the validator's
 * InfoNCE scoring rewards; noise blurs that, and random vectors carry no meaning at all.
 */
export type DemoQuality = 'good' | 'average' | 'poor'

const WORD = /[\p{L}\p{N}]+/gu

/** One pseudo-random value in [-1, 1) per (seed, index): SHA-256 blocks, 16 values each. */
function hashedVector(seed: string, dimensions: number): Float32Array {
  const out = new Float32Array(dimensions)
  let block = createHash('sha256').update(seed).digest()
  for (let i = 0; i < dimensions; i++) {
    if (i % 16 === 0 && i > 0) block = createHash('sha256').update(block).digest()
    out[i] = block.readInt16LE((i % 16) * 2) / 32768
  }
  return out
}

function normalized(v: Float32Array): Float32Array {
  let norm = 0
  for (const x of v) norm += x * x
  const s = norm > 0 ? 1 / Math.sqrt(norm) : 1
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * s
  return v
}

/** Sum of one hashed vector per word (signed feature hashing), unit length. */
export function bagOfWords(text: string, dimensions: number): Float32Array {
  const out = new Float32Array(dimensions)
  for (const word of text.toLowerCase().match(WORD) ?? []) {
    const h = createHash('sha256').update(word).digest()
    // Three buckets per word keep collisions between frequent words from dominating.
    for (let k = 0; k < 3; k++) out[h.readUInt32LE(k * 4) % dimensions]! += h[12 + k]! & 1 ? 1 : -1
  }
  return normalized(out)
}

/** The good model plus noise of `weight` times its own length (seeded by the text: answers repeat). */
function noisy(text: string, dimensions: number, weight: number): Float32Array {
  const signal = bagOfWords(text, dimensions)
  const noise = normalized(hashedVector(`noise:${text}`, dimensions))
  for (let i = 0; i < dimensions; i++) signal[i] = signal[i]! + weight * noise[i]!
  return normalized(signal)
}

const EMBED: Record<DemoQuality, (text: string, dimensions: number) => Float32Array> = {
  good: bagOfWords,
  average: (text, dimensions) => noisy(text, dimensions, 1.5),
  // Fresh random vectors each call: nothing to learn from its answers.
  poor: (_text, dimensions) => normalized(Float32Array.from({ length: dimensions }, () => Math.random() * 2 - 1)),
}

export function demoEmbedder(quality: DemoQuality): Embedder {
  return {
    name: `practice:${quality}`,
    async embed(texts, dimensions) {
      return texts.map((t) => EMBED[quality](t, dimensions))
    },
  }
}
