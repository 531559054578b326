/**
 * Reads a miner's `TextEmbeddingSynapse` response body (raw UTF-8 JSON bytes) and validates it
 * in one pass, writing the `results` matrix straight into a Float32Array.
 *
 * Why not `JSON.parse` + `validateEmbeddings`: a 512 × 1024 answer is ~10 MB of JSON. `JSON.parse`
 * turns it into 512 arrays of 1024 boxed doubles (tens of MB of heap, ~60 ms here) that are then
 * walked and copied once more. This parser decodes nothing it does not need: strings (the echoed
 * texts) are only checked for JSON syntax, numbers in `results` go directly to float32, and a
 * hostile payload (a 10M-value row, 100k rows) costs a scan, not an allocation.
 *
 * It is a drop-in replacement: for every body, the outcome is the same as
 *   JSON.parse(body as UTF-8) → must be an object whose `texts` is an array → validateEmbeddings(results)
 * with the same invalid reason and detail text, and a bit-identical matrix (each value is the
 * double `JSON.parse` would produce, rounded to float32). The one deliberate extension: inside
 * `results` rows, the tokens `NaN`, `Infinity` and `-Infinity` (which Python's `json` module
 * writes for non-finite floats) are read as those values, so such an answer is reported as
 * "a value is NaN" (score 0) rather than as an unparsable response (also score 0).
 */
import type { InvalidReason, Validation } from './infonce'
import { degenerateReason } from './infonce'
import { numberScanner } from './number-scan-wasm'
import type { NumberScanner } from './number-scan-wasm'

export type ParsedAnswer =
  /** Not JSON at all (the dendrite's 422 "Failed to parse response"). */
  | { readonly kind: 'unparsable'; readonly detail: string }
  /** JSON, but not an object with a `texts` list (422 "not a TextEmbeddingSynapse"). */
  | { readonly kind: 'not-synapse' }
  /** A synapse: its `results` validated against the request. */
  | { readonly kind: 'answer'; readonly validation: Validation }

export interface ParseOptions {
  readonly rejectDegenerate?: boolean
  /** false: JavaScript only (tests compare both paths). */
  readonly wasm?: boolean
}

const FLOAT32_MAX = 3.4028234663852886e38
/** Exact powers of ten (10^0 … 10^22 are exactly representable as doubles). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`))
const TWO_53 = 2 ** 53
/** Relative half-width of the interval checked for a stable float32 rounding (see parseNumber). */
const SLACK = 2 ** -45

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const LBRACKET = 0x5b
const RBRACKET = 0x5d
const LBRACE = 0x7b
const RBRACE = 0x7d
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39

class SyntaxFailure extends Error {}

const utf8 = new TextDecoder('utf-8')

interface Problem {
  readonly reason: InvalidReason
  readonly detail: string
}

type ResultsState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-matrix'; readonly type: string }
  | { readonly kind: 'matrix'; readonly rows: number; readonly problem: Problem | null; readonly data: Float32Array | null }

/** Parses and validates one response body. Never throws, whatever the bytes are. */
export function parseSynapseAnswer(body: Uint8Array, expectedRows: number, dim: number, options: ParseOptions = {}): ParsedAnswer {
  const scanner = options.wasm === false ? null : numberScanner()
  // With the WebAssembly scanner, the parser reads the copy of the body in its memory.
  const p = scanner ? new Parser(scanner.load(body, dim), expectedRows, dim, scanner) : new Parser(body, expectedRows, dim, null)
  let top: { texts: boolean; results: ResultsState } | null
  try {
    top = p.document()
  } catch (error) {
    if (error instanceof SyntaxFailure) return { kind: 'unparsable', detail: error.message }
    if (error instanceof RangeError) return { kind: 'unparsable', detail: 'the response is too deeply nested' }
    throw error
  }
  if (!top || !top.texts) return { kind: 'not-synapse' }
  return { kind: 'answer', validation: toValidation(top.results, expectedRows, dim, options) }
}

function invalid(reason: InvalidReason, detail: string): Validation {
  return { ok: false, reason, detail }
}

function toValidation(r: ResultsState, expectedRows: number, dim: number, options: ParseOptions): Validation {
  if (r.kind === 'missing') return invalid('empty', 'results is missing')
  if (r.kind === 'not-a-matrix') return invalid('not-a-matrix', `results is a ${r.type}`)
  if (r.rows === 0) return invalid('empty', 'results is an empty list')
  if (r.rows !== expectedRows) return invalid('wrong-row-count', `${r.rows} rows for ${expectedRows} texts`)
  if (r.problem) return invalid(r.problem.reason, r.problem.detail)
  const matrix = { rows: expectedRows, dim, data: r.data ?? new Float32Array(expectedRows * dim) }
  if (options.rejectDegenerate ?? true) {
    const why = degenerateReason(matrix)
    if (why) return invalid('degenerate', why)
  }
  return { ok: true, matrix }
}

class Parser {
  private i = 0

  constructor(
    private readonly b: Uint8Array,
    private readonly expectedRows: number,
    private readonly dim: number,
    private readonly scanner: NumberScanner | null,
  ) {}

  private fail(what: string): never {
    const at = this.i
    throw new SyntaxFailure(at >= this.b.length ? `unexpected end of JSON (${what})` : `unexpected byte 0x${this.b[at].toString(16).padStart(2, '0')} at offset ${at} (${what})`)
  }

  private ws(): void {
    const b = this.b
    let i = this.i
    for (;;) {
      const c = b[i]
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++
      else break
    }
    this.i = i
  }

  /** The whole body: returns what matters of a top-level object, or null for another JSON value. */
  document(): { texts: boolean; results: ResultsState } | null {
    this.ws()
    let out: { texts: boolean; results: ResultsState } | null = null
    if (this.b[this.i] === LBRACE) {
      this.i++
      out = { texts: false, results: { kind: 'missing' } }
      this.ws()
      if (this.b[this.i] === RBRACE) this.i++
      else {
        for (;;) {
          this.ws()
          const key = this.key()
          this.ws()
          if (this.b[this.i] !== COLON) this.fail('expected ":"')
          this.i++
          this.ws()
          // Duplicate keys: like JSON.parse, the last one wins.
          if (key === 'texts') {
            out.texts = this.b[this.i] === LBRACKET
            this.skipValue()
          } else if (key === 'results') out.results = this.results()
          else this.skipValue()
          this.ws()
          const c = this.b[this.i]
          if (c === COMMA) this.i++
          else if (c === RBRACE) {
            this.i++
            break
          } else this.fail('expected "," or "}"')
        }
      }
    } else this.skipValue()
    this.ws()
    if (this.i !== this.b.length) this.fail('expected the end of the response')
    return out
  }

  /** An object key, decoded (keys are short; escapes such as "res\u0075lts" are honoured). */
  private key(): string {
    if (this.b[this.i] !== QUOTE) this.fail('expected a key')
    const start = this.i
    const escaped = this.skipString()
    const text = utf8.decode(this.b.subarray(start + 1, this.i - 1))
    return escaped ? (JSON.parse(`"${text}"`) as string) : text
  }

  /** Skips a string starting at the opening quote; returns whether it had escapes. */
  private skipString(): boolean {
    const b = this.b
    let i = this.i + 1
    let escaped = false
    for (;;) {
      const c = b[i]
      if (c === QUOTE) break
      if (c === BACKSLASH) {
        escaped = true
        const e = b[i + 1]
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) if (!isHex(b[i + k])) this.failAt(i + k, 'bad \\u escape')
          i += 6
        } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) i += 2
        else this.failAt(i + 1, 'bad escape')
      } else if (c === undefined || c < 0x20) this.failAt(i, 'unterminated string or control character in a string')
      else i++
    }
    this.i = i + 1
    return escaped
  }

  private failAt(at: number, what: string): never {
    this.i = at
    this.fail(what)
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) this.fail(`expected ${word}`)
    this.i += word.length
  }

  /**
   * Skips any JSON value, iteratively (a hostile body may nest a million brackets).
   * Returns the JavaScript `typeof` of the value, with "null" for null.
   */
  private skipValue(): string {
    const b = this.b
    const stack: number[] = []
    let type = ''
    for (;;) {
      // A value starts here.
      this.ws()
      const c = b[this.i]
      let t: string
      if (c === LBRACE || c === LBRACKET) {
        t = 'object'
        this.i++
        this.ws()
        const close = c === LBRACE ? RBRACE : RBRACKET
        if (b[this.i] === close) this.i++
        else {
          if (stack.length === 0) type = t
          stack.push(close)
          if (c === LBRACE) this.member()
          continue
        }
      } else if (c === QUOTE) {
        t = 'string'
        this.skipString()
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        t = 'number'
        this.number(false)
      } else if (c === 0x74) {
        t = 'boolean'
        this.literal('true')
      } else if (c === 0x66) {
        t = 'boolean'
        this.literal('false')
      } else if (c === 0x6e) {
        t = 'null'
        this.literal('null')
      } else this.fail('expected a value')
      if (stack.length === 0) return t
      // After a value inside containers: "," continues the innermost one, a closer ends it.
      for (;;) {
        this.ws()
        const d = b[this.i]
        const close = stack[stack.length - 1]
        if (d === COMMA) {
          this.i++
          if (close === RBRACE) this.member()
          break
        }
        if (d !== close) this.fail(close === RBRACE ? 'expected "," or "}"' : 'expected "," or "]"')
        this.i++
        stack.pop()
        if (stack.length === 0) return type
      }
    }
  }

  /** `"key":` inside an object being skipped. */
  private member(): void {
    this.ws()
    if (this.b[this.i] !== QUOTE) this.fail('expected a key')
    this.skipString()
    this.ws()
    if (this.b[this.i] !== COLON) this.fail('expected ":"')
    this.i++
  }

  /** The `results` value. */
  private results(): ResultsState {
    const b = this.b
    const c = b[this.i]
    if (c === 0x6e) {
      this.literal('null')
      return { kind: 'missing' }
    }
    if (c !== LBRACKET) return { kind: 'not-a-matrix', type: this.skipValue() }
    this.i++
    const { expectedRows, dim } = this
    let data: Float32Array | null = null
    let problem: Problem | null = null
    let rows = 0
    this.ws()
    if (b[this.i] === RBRACKET) {
      this.i++
      return { kind: 'matrix', rows: 0, problem: null, data: null }
    }
    for (;;) {
      this.ws()
      const r = rows++
      if (b[this.i] !== LBRACKET) {
        this.skipValue()
        problem ??= { reason: 'not-a-matrix', detail: `row ${r} is not a list` }
      } else {
        this.i++
        // Write values only while the answer can still be valid.
        const write = problem === null && r < expectedRows
        if (write && data === null) data = new Float32Array(expectedRows * dim)
        const base = r * dim
        let col = 0
        let rowProblem: Problem | null = null
        this.ws()
        let done = false
        if (b[this.i] === RBRACKET) {
          this.i++
          done = true
        }
        while (!done) {
          if (write && rowProblem === null && col < dim) {
            // Fast paths for the usual row (plain numbers separated by commas, no whitespace):
            // WebAssembly first, then the same rules in JavaScript. Each stops, without consuming
            // it, at a value it does not take; the general code below takes that one value.
            const out = data as Float32Array
            const wasm = this.scanner
            if (wasm) {
              const n = wasm.scan(this.i, dim - col)
              if (n > 0) {
                out.set(wasm.row().subarray(0, n), base + col)
                col += n
                this.i = wasm.end
                done = wasm.closed
              }
            }
            let i = this.i
            while (!done && col < dim) {
              const x = scanNumber(b, i)
              const end = scan.end
              if (end < 0 || scan.slow || Math.abs(x) > FLOAT32_MAX) break
              const d = b[end]
              if (d !== COMMA && d !== RBRACKET) break
              out[base + col++] = x
              i = end + 1
              if (d === RBRACKET) done = true
            }
            this.i = i
            if (done) break
          }
          // One value, any kind.
          this.ws()
          const v = b[this.i]
          if (v === MINUS || (v >= ZERO && v <= NINE) || v === 0x4e || v === 0x49) {
            const x = this.number(true)
            if (rowProblem === null && write && col < dim) {
              if (x !== x || Math.abs(x) > FLOAT32_MAX) rowProblem = { reason: 'non-finite', detail: `row ${r} column ${col} is ${String(x)}` }
              else (data as Float32Array)[base + col] = x
            }
          } else {
            const t = this.skipValue()
            rowProblem ??= { reason: 'non-numeric', detail: `row ${r} column ${col} is ${t}` }
          }
          col++
          this.ws()
          const d = b[this.i]
          if (d === COMMA) this.i++
          else if (d === RBRACKET) {
            this.i++
            done = true
          } else this.fail('expected "," or "]"')
        }
        if (problem === null) {
          if (col !== dim) problem = { reason: 'wrong-dimension', detail: `row ${r} has ${col} values, expected ${dim}` }
          else if (rowProblem !== null) problem = rowProblem
        }
      }
      this.ws()
      const d = b[this.i]
      if (d === COMMA) this.i++
      else if (d === RBRACKET) {
        this.i++
        break
      } else this.fail('expected "," or "]"')
    }
    return { kind: 'matrix', rows, problem, data }
  }

  /**
   * A JSON number (strict grammar), see `scanNumber`. `extended` accepts NaN, Infinity and
   * -Infinity (inside results only).
   */
  private number(extended: boolean): number {
    const b = this.b
    const start = this.i
    const x = scanNumber(b, start)
    if (scan.end < 0) {
      let i = start
      const neg = b[i] === MINUS
      if (neg) i++
      const c = b[i]
      if (extended && (c === 0x49 || (c === 0x4e && !neg))) {
        this.i = i
        if (c === 0x49) {
          this.literal('Infinity')
          return neg ? -Infinity : Infinity
        }
        this.literal('NaN')
        return NaN
      }
      this.failAt(-scan.end - 1, 'bad number')
    }
    this.i = scan.end
    if (!scan.slow) return x
    let text = ''
    for (let k = start; k < scan.end; k++) text += String.fromCharCode(b[k])
    return Number(text)
  }
}

/** Where the last `scanNumber` ended (negative: -(offset of the bad byte) - 1), and whether it needs Number(text). */
const scan = { end: 0, slow: false }
const POW10_NEG = Float64Array.from({ length: 60 }, (_, k) => Number(`1e-${k}`))

/**
 * Scans a JSON number at `i` and returns its value: the double JSON.parse gives, or, where only
 * its float32 rounding matters, a double with that same float32 rounding.
 *  - Up to 15 significant digits (m < 2^53) and a decimal exponent within ±22: m·10^e or m/10^e
 *    with both operands exact is the correctly rounded double (Clinger's fast path), Number(text).
 *  - Otherwise (float32 values printed with 17 digits, small values with large negative
 *    exponents): y = m·10^e is within ~2^-48 (relative) of the exact value, and when Math.fround
 *    gives the same float32 for the whole interval y·(1 ± 2^-45), it gives that float32 for the
 *    correctly rounded double too (it lies in that interval), so the float32 is returned.
 *  - Anything else (near a float32 rounding boundary, near the float32 range limit, very long
 *    mantissas, huge exponents) sets `scan.slow`: the caller uses Number(text).
 */
function scanNumber(b: Uint8Array, i: number): number {
  scan.slow = false
  let neg = false
  let c = b[i]
  if (c === MINUS) {
    neg = true
    c = b[++i]
  }
  let m = 0
  let digits = 0
  if (c === ZERO) c = b[++i]
  else if (c >= 0x31 && c <= NINE) {
    do {
      m = m * 10 + (c - ZERO)
      digits++
      c = b[++i]
    } while (c >= ZERO && c <= NINE)
  } else {
    scan.end = -i - 1
    return 0
  }
  let frac = 0
  if (c === DOT) {
    c = b[++i]
    if (!(c >= ZERO && c <= NINE)) {
      scan.end = -i - 1
      return 0
    }
    if (digits === 0) {
      while (c === ZERO) {
        frac++
        c = b[++i]
      }
    }
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO)
      digits++
      frac++
      c = b[++i]
    }
  }
  let exp = 0
  if (c === 0x65 || c === 0x45) {
    c = b[++i]
    let eneg = false
    if (c === MINUS || c === PLUS) {
      eneg = c === MINUS
      c = b[++i]
    }
    if (!(c >= ZERO && c <= NINE)) {
      scan.end = -i - 1
      return 0
    }
    do {
      if (exp < 100000) exp = exp * 10 + (c - ZERO)
      c = b[++i]
    } while (c >= ZERO && c <= NINE)
    if (eneg) exp = -exp
  }
  scan.end = i
  if (m === 0) return neg ? -0 : 0
  const e10 = exp - frac
  if (digits <= 19 && e10 >= -59 && e10 <= 22) {
    if (m < TWO_53 && e10 >= -22) {
      const y = e10 >= 0 ? m * POW10[e10] : m / POW10[-e10]
      return neg ? -y : y
    }
    const y = e10 >= 0 ? m * POW10[e10] : m * POW10_NEG[-e10]
    if (y < 1e38 && y > 1e-36) {
      const f = Math.fround(y)
      if (Math.fround(y * (1 - SLACK)) === f && Math.fround(y * (1 + SLACK)) === f) return neg ? -f : f
    }
  }
  scan.slow = true
  return 0
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
}
