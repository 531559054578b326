/**
 * The `results` field of a TextEmbeddingSynapse response (spec §4.5): one JSON array per text,
 * each row L2-normalized when the validator asked for `normalized` and every value rounded to
 * 1e-9. Pure code shared by the results worker (results-worker.ts), the in-thread fallback and
 * the tests, so that every path prints exactly the same bytes for the same vectors.
 *
 * Rounding to 1e-9 is below float32 resolution for unit-vector components and makes the JSON
 * about 40% smaller to send and to parse than shortest-float64 printing.
 */

/** A row contains NaN or ±Infinity; `row` is its index (0-based) in the request. */
export class NonFiniteValueError extends Error {
  constructor(readonly row: number) {
    super(`non-finite value in row ${row}`)
    this.name = 'NonFiniteValueError'
  }
}

/**
 * Serializes `rows` (each exactly `dims` long; the caller checks shapes) as a JSON array of
 * arrays. The arithmetic is the axon's historical one, step for step, so the text is
 * byte-identical to what it produced on the main thread: the norm is summed in float64 in
 * index order, `scale = 1 / sqrt(norm)` (1 for a zero row or when not normalizing), and each
 * value is `Math.round(v * scale * 1e9) / 1e9`, printed by JSON.stringify (so -0 prints `0`).
 * Throws NonFiniteValueError for NaN/Infinity input.
 */
export function resultsJson(rows: ArrayLike<ArrayLike<number>>, dims: number, normalized: boolean): string {
  const count = rows.length
  const out = new Array<number[]>(count)
  for (let i = 0; i < count; i++) {
    const row = rows[i]!
    let norm = 0
    for (let j = 0; j < dims; j++) {
      const v = row[j]!
      if (!Number.isFinite(v)) throw new NonFiniteValueError(i)
      norm += v * v
    }
    const scale = normalized && norm > 0 ? 1 / Math.sqrt(norm) : 1
    const values = new Array<number>(dims)
    for (let j = 0; j < dims; j++) values[j] = Math.round(row[j]! * scale * 1e9) / 1e9
    out[i] = values
  }
  return JSON.stringify(out)
}

/** Row views (no copies) into a row-major packed matrix, as the worker receives it. */
export function packedRows(data: Float32Array | Float64Array, count: number, dims: number): Array<Float32Array | Float64Array> {
  const rows = new Array<Float32Array | Float64Array>(count)
  for (let i = 0; i < count; i++) rows[i] = data.subarray(i * dims, (i + 1) * dims)
  return rows
}

/**
 * The JSON text as bytes in a buffer of its own (byteOffset 0, not Node's shared pool), so
 * that its memory can be transferred between threads. The text is ASCII (digits, `-.e+[],`),
 * so latin1 writes it byte for byte, faster than UTF-8 encoding.
 */
export function asciiBytes(text: string): Buffer {
  const bytes = Buffer.from(new ArrayBuffer(text.length))
  bytes.write(text, 0, 'latin1')
  return bytes
}
