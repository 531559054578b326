import { createHash } from 'node:crypto'
import type { Embedder } from '../../protocols/text-embedding/axon-route'

/**
 * The practice subnet's demo models: no download, no ONNX, deterministic enough to rank. A
 * hashed bag of words puts texts that share words close together, which is what the validator's
 * InfoNCE scoring rewards; hearing only some of the words (plus noise) blurs that, and random
 * vectors carry no meaning at all.
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

/** Words that say little about a text: left out, as a bag-of-words search engine does. */
const STOPWORDS = new Set('the and for are was were with that this from have has had not but you your can will what which who how when where why does did into its their there than then them they been also more most some such only over any all about use used using may might should would could'.split(' '))

/**
 * Signed feature hashing of the content words (sublinear counts), unit length. `keep` decides
 * which words count: the average model hears only part of each text.
 */
function hashedWords(text: string, dimensions: number, keep: (hash: Buffer) => boolean): Float32Array {
  const counts = new Map<string, number>()
  for (const word of text.toLowerCase().match(WORD) ?? []) {
    if (word.length > 2 && !STOPWORDS.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1)
  }
  const out = new Float32Array(dimensions)
  for (const [word, n] of counts) {
    const h = createHash('sha256').update(word).digest()
    if (!keep(h)) continue
    const weight = 1 + Math.log(n)
    // Three buckets per word keep collisions between words from dominating.
    for (let k = 0; k < 3; k++) out[h.readUInt32LE(k * 4) % dimensions]! += h[12 + k]! & 1 ? weight : -weight
  }
  return normalized(out)
}

export function bagOfWords(text: string, dimensions: number): Float32Array {
  return hashedWords(text, dimensions, () => true)
}

/** Hears about a quarter of the words (the same ones every time) and mixes in noise seeded by the text. */
function partlyHeard(text: string, dimensions: number): Float32Array {
  const signal = hashedWords(text, dimensions, (h) => (h[20]! & 3) === 0)
  const noise = normalized(hashedVector(`noise:${text}`, dimensions))
  for (let i = 0; i < dimensions; i++) signal[i] = signal[i]! + 0.5 * noise[i]!
  return normalized(signal)
}

const EMBED: Record<DemoQuality, (text: string, dimensions: number) => Float32Array> = {
  good: bagOfWords,
  average: partlyHeard,
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
