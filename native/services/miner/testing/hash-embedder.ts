import { createHash } from 'node:crypto'
import type { Embedder } from '../ports'

/**
 * A deterministic Embedder for tests and the load benchmark's plumbing check: each text maps
 * to a unit vector derived from its SHA-256, so a test can recompute the expected row.
 */
export function hashEmbedding(text: string, dimensions: number): Float32Array {
  const out = new Float32Array(dimensions)
  let block = createHash('sha256').update(text).digest()
  let norm = 0
  for (let i = 0; i < dimensions; i++) {
    if (i % 16 === 0 && i > 0) block = createHash('sha256').update(block).digest()
    const v = block.readInt16LE((i % 16) * 2) / 32768
    out[i] = v
    norm += v * v
  }
  const s = norm > 0 ? 1 / Math.sqrt(norm) : 1
  for (let i = 0; i < dimensions; i++) out[i] = out[i]! * s
  return out
}

export class HashEmbedder implements Embedder {
  readonly name = 'test:sha256'
  calls = 0
  /** Optional artificial compute time per request (ms), to test timeouts and priority. */
  delayMs = 0
  failWith: Error | undefined

  async embed(texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<Float32Array[]> {
    this.calls++
    if (this.delayMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, this.delayMs)
        signal.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true })
      })
    }
    if (this.failWith) throw this.failWith
    return texts.map((t) => hashEmbedding(t, dimensions))
  }
}
