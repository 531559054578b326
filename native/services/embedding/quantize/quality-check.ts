import type { QuantQuality } from '../models/model-manager'
import { cosine } from '../runtime/pooling'

/** An int8 copy may be made active only when its embeddings stay this close to the original's. */
export const INT8_THRESHOLDS = { meanCosine: 0.99, minCosine: 0.95 } as const

type Embed = (texts: readonly string[]) => Promise<readonly Float32Array[]>

/** Cosine similarity of each text's embedding under both models, summarised as min and mean. */
export async function compareEmbeddings(original: Embed, quantized: Embed, texts: readonly string[]): Promise<QuantQuality> {
  const a = await original(texts)
  // A quantized model whose outputs are not finite is refused by the runtime: that is a failed check, not an error.
  const b = await quantized(texts).catch(() => null)
  if (!b) return { texts: texts.length, minCosine: -1, meanCosine: -1, passed: false }
  let min = Infinity
  let sum = 0
  for (let i = 0; i < texts.length; i++) {
    // A non-finite or collapsed vector counts as completely different.
    const c = cosine(a[i]!, b[i]!)
    const value = Number.isFinite(c) ? c : -1
    min = Math.min(min, value)
    sum += value
  }
  const mean = sum / texts.length
  return { texts: texts.length, minCosine: min, meanCosine: mean, passed: mean >= INT8_THRESHOLDS.meanCosine && min >= INT8_THRESHOLDS.minCosine }
}
