/**
 * The `results` field of a TextEmbeddingSynapse response (spec §4.5): one JSON array per text,
 * each row L2-normalized when the validator asked for `normalized` and every value rounded to
 * 1e-9. Two printers of exactly the same bytes for the same vectors:
 * - `resultsJson`: the axon's original (JSON.stringify of rounded numbers), still used by the
 *   'main-thread' mode that the bench compares against;
 * - `resultsJsonBytes`: writes the ASCII bytes directly, used by the results worker
 *   (results-worker.ts) and its in-thread fallback. Tests hold it to the original, byte for byte.
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
    const scale = rowScale(row, i, dims, normalized)
    const values = new Array<number>(dims)
    for (let j = 0; j < dims; j++) values[j] = Math.round(row[j]! * scale * 1e9) / 1e9
    out[i] = values
  }
  return JSON.stringify(out)
}

/**
 * What every value of row `index` is multiplied by: `1 / sqrt(norm)`, the norm summed in float64 in
 * index order (1 for a zero row or when not normalizing). Throws NonFiniteValueError for NaN/Infinity.
 */
function rowScale(row: ArrayLike<number>, index: number, dims: number, normalized: boolean): number {
  let norm = 0
  for (let j = 0; j < dims; j++) {
    const v = row[j]!
    if (!Number.isFinite(v)) throw new NonFiniteValueError(index)
    norm += v * v
  }
  return normalized && norm > 0 ? 1 / Math.sqrt(norm) : 1
}

/** Row views (no copies) into a row-major packed matrix, as the worker receives it. */
export function packedRows(data: Float32Array | Float64Array, count: number, dims: number): Array<Float32Array | Float64Array> {
  const rows = new Array<Float32Array | Float64Array>(count)
  for (let i = 0; i < count; i++) rows[i] = data.subarray(i * dims, (i + 1) * dims)
  return rows
}

// ASCII codes used by the byte writer.
const ZERO = 48
const MINUS = 45
const DOT = 46
const COMMA = 44
const OPEN = 91
const CLOSE = 93
const LOWER_E = 101
/** Most bytes one value can take: `-1.2345678901234567e+308` (24) or `-999999.123456789` (17), plus a comma. */
const MAX_VALUE_BYTES = 26
/** Below this |k| (|value| < 1e6) a double's spacing is under 1e-9: see writeRounded. */
const FAST_LIMIT = 1e15

/**
 * The same text as `resultsJson(rows, dims, normalized)`, written straight into bytes without
 * building 262,144 numbers and strings first (about twice as fast, and it never allocates a
 * string). The bytes live in a buffer of their own (byteOffset 0), so its memory can be
 * transferred between threads. Throws NonFiniteValueError for NaN/Infinity input.
 */
export function resultsJsonBytes(rows: ArrayLike<ArrayLike<number>>, dims: number, normalized: boolean): Buffer {
  const count = rows.length
  let out = new Uint8Array(count * dims * 13 + count * 2 + 2)
  let pos = 0
  out[pos++] = OPEN
  for (let i = 0; i < count; i++) {
    const row = rows[i]!
    const scale = rowScale(row, i, dims, normalized)
    const need = pos + dims * MAX_VALUE_BYTES + 4
    if (need > out.length) {
      const bigger = new Uint8Array(Math.max(out.length * 2, need))
      bigger.set(out.subarray(0, pos))
      out = bigger
    }
    if (i > 0) out[pos++] = COMMA
    out[pos++] = OPEN
    for (let j = 0; j < dims; j++) {
      if (j > 0) out[pos++] = COMMA
      pos = writeRounded(out, pos, Math.round(row[j]! * scale * 1e9))
    }
    out[pos++] = CLOSE
  }
  out[pos++] = CLOSE
  return Buffer.from(out.buffer, 0, pos)
}

/**
 * Writes what JSON.stringify prints for `k / 1e9`, where k is an integer-valued double (the
 * rounded value times 1e9). JavaScript prints the shortest decimal that reads back as the same
 * double. For |k| < 1e15 that is k's own digits, shifted 9 places: the decimal k·10⁻⁹ reads
 * back as k/1e9 (division is correctly rounded), and any decimal with no more digits lies on
 * the same 10⁻⁹ grid, so differs from it by at least 1e-9, while doubles below 1e6 are under
 * 1.2e-10 apart: no other candidate can read back as the same double. JavaScript's layout
 * is then: `0` for ±0, plain `[-]int[.frac]` from 1e-6 up, `d[.ddd]e-N` below 1e-6. Larger
 * |k| (only without normalization) and ±Infinity use String()/`null`, as JSON.stringify does.
 */
function writeRounded(out: Uint8Array, pos: number, k: number): number {
  if (k === 0) {
    out[pos] = ZERO // also -0: JSON.stringify(-0) is "0"
    return pos + 1
  }
  if (!(k > -FAST_LIMIT && k < FAST_LIMIT)) {
    const text = Number.isFinite(k) ? String(k / 1e9) : 'null'
    for (let c = 0; c < text.length; c++) out[pos++] = text.charCodeAt(c)
    return pos
  }
  if (k < 0) out[pos++] = MINUS
  const a = Math.abs(k)
  const whole = Math.floor(a / 1e9) // < 1e6
  let frac = (a - whole * 1e9) | 0 // < 1e9: int32 arithmetic from here on
  if (whole === 0 && frac < 1000) {
    // Below 1e-6: exponent form. frac has 1 to 3 digits; strip trailing zeros.
    const exponent = frac >= 100 ? 7 : frac >= 10 ? 8 : 9
    while (frac % 10 === 0) frac = (frac / 10) | 0
    const digits = frac >= 100 ? 3 : frac >= 10 ? 2 : 1
    pos = writeDigits(out, pos, frac, digits)
    if (digits > 1) {
      // d.dd: move the tail one byte right and put the dot after the first digit.
      out.copyWithin(pos - digits + 2, pos - digits + 1, pos)
      out[pos - digits + 1] = DOT
      pos++
    }
    out[pos++] = LOWER_E
    out[pos++] = MINUS
    out[pos++] = ZERO + exponent
    return pos
  }
  pos = writeDigits(out, pos, whole, whole >= 100_000 ? 6 : whole >= 10_000 ? 5 : whole >= 1000 ? 4 : whole >= 100 ? 3 : whole >= 10 ? 2 : 1)
  if (frac === 0) return pos
  out[pos++] = DOT
  let digits = 9
  while (frac % 10 === 0) {
    frac = (frac / 10) | 0
    digits--
  }
  return writeDigits(out, pos, frac, digits)
}

/** Writes `value` (an int32 ≥ 0) as exactly `digits` decimal digits, zero-padded on the left. */
function writeDigits(out: Uint8Array, pos: number, value: number, digits: number): number {
  let v = value
  for (let i = digits - 1; i >= 0; i--) {
    const q = (v / 10) | 0
    out[pos + i] = ZERO + (v - q * 10)
    v = q
  }
  return pos + digits
}
