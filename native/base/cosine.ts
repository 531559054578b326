/**
 * Cosine similarity of two equally long vectors: the dot product over the product of the norms,
 * each summed in float64 in index order. A zero vector has no direction: its cosine is 0.
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-12)
}
