/** Pure vector maths shared by the inference worker and the engine. */
import { cosineSimilarity } from '../../../base/cosine'

export type Pooling = 'mean' | 'cls'

/**
 * Pools a [batch, seq, hidden] tensor to [batch, hidden].
 * mean: average of the hidden states where the attention mask is 1 (padding ignored);
 * cls: the first token's hidden state.
 */
export function pool(hidden: Float32Array, batch: number, seq: number, dim: number, lengths: ArrayLike<number>, mode: Pooling): Float32Array {
  if (hidden.length !== batch * seq * dim) throw new Error(`Hidden-state size ${hidden.length} is not ${batch}×${seq}×${dim}`)
  const out = new Float32Array(batch * dim)
  for (let b = 0; b < batch; b++) {
    const row = out.subarray(b * dim, (b + 1) * dim)
    const base = b * seq * dim
    if (mode === 'cls') {
      row.set(hidden.subarray(base, base + dim))
      continue
    }
    const n = Math.min(lengths[b]!, seq)
    for (let t = 0; t < n; t++) {
      const off = base + t * dim
      for (let d = 0; d < dim; d++) row[d]! += hidden[off + d]!
    }
    const inv = 1 / Math.max(n, 1e-9)
    for (let d = 0; d < dim; d++) row[d]! *= inv
  }
  return out
}

/** L2-normalises each row in place: x / max(‖x‖, 1e-12), like torch.nn.functional.normalize. */
export function l2NormalizeRows(vectors: Float32Array, dim: number): Float32Array {
  for (let off = 0; off < vectors.length; off += dim) {
    let sum = 0
    for (let d = 0; d < dim; d++) sum += vectors[off + d]! * vectors[off + d]!
    const inv = 1 / Math.max(Math.sqrt(sum), 1e-12)
    for (let d = 0; d < dim; d++) vectors[off + d]! *= inv
  }
  return vectors
}

/**
 * A unit vector for every input: a row that pooled to all zeros (an empty or whitespace-only text
 * in a static-embedding model, whose [CLS]/[SEP] vectors are zero) becomes 1/√dim in every
 * component, the same well-defined vector each time, instead of a zero row that carries no
 * direction. Other rows are returned as they are.
 */
export function nonZeroUnit(vector: Float32Array): Float32Array {
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) return vector
  return vector.fill(1 / Math.sqrt(Math.max(1, vector.length)))
}

/** Index of the first non-finite value, or -1. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i
  return -1
}

export class DimensionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DimensionError'
  }
}

/**
 * Adapts a unit vector of the model's width to the requested width.
 * - equal: unchanged;
 * - smaller model: zero-padded (dot products, hence cosine similarities, are unchanged);
 * - larger model trained with Matryoshka loss: the first `target` values, re-normalised;
 * - otherwise an error: cutting an ordinary model's vector would silently hurt quality.
 */
export function adaptDimension(vector: Float32Array, target: number, matryoshkaDims: readonly number[] | null): Float32Array {
  const source = vector.length
  if (target === source) return vector
  if (target > source) {
    const out = new Float32Array(target)
    out.set(vector)
    return out
  }
  if (!matryoshkaDims || matryoshkaDims.length === 0) {
    throw new DimensionError(
      `The model gives ${source}-dimension vectors and ${target} were asked for. Only models trained for Matryoshka truncation can be cut shorter; choose a model with ${target} or fewer dimensions.`,
    )
  }
  const smallest = Math.min(...matryoshkaDims)
  if (target < smallest) {
    throw new DimensionError(`The model supports Matryoshka truncation down to ${smallest} dimensions; ${target} were asked for.`)
  }
  return l2NormalizeRows(vector.slice(0, target), target)
}

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error('Vectors differ in length')
  return cosineSimilarity(a, b)
}
