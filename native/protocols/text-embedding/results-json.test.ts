import { afterEach, describe, expect, it } from 'vitest'
import { NonFiniteValueError, resultsJson, resultsJsonBytes } from './results-json'
import { ResultsSerializerPool } from './results-pool'
import { mulberry32 as rng } from '../../../test/support/mulberry32'

/**
 * The axon's former in-thread serializer, copied verbatim (minus its shape checks) from
 * axon-server.ts before serialization moved to worker threads. It is the oracle: every path
 * must print exactly these bytes for the same vectors.
 */
function legacyResultsJson(rows: ArrayLike<number>[], count: number, dims: number, normalized: boolean): string {
  const out: number[][] = new Array<number[]>(count)
  for (let i = 0; i < count; i++) {
    const row = rows[i]!
    let norm = 0
    for (let j = 0; j < dims; j++) {
      const v = row[j]!
      if (!Number.isFinite(v)) throw new Error(`non-finite value for text ${i}`)
      norm += v * v
    }
    const scale = normalized && norm > 0 ? 1 / Math.sqrt(norm) : 1
    const v = new Array<number>(dims)
    for (let j = 0; j < dims; j++) v[j] = Math.round(row[j]! * scale * 1e9) / 1e9
    out[i] = v
  }
  return JSON.stringify(out)
}

/** Values that stress the printing: signed zeros, tiny values, exact halves at the 1e-9 step, ±1. */
const EDGE = [
  0, -0, 1, -1, 0.5, -0.5, 1e-9, -1e-9, 5e-10, -5e-10, 4.999999999e-10, 1.5e-9, 2.5e-9, -2.5e-9, 1e-12, -1e-12, 1e-7, 1.23e-7, 9.99999999e-7, 1e-6, -1e-6,
  Number.MIN_VALUE, -Number.MIN_VALUE, 1.401298464324817e-45 /* smallest float32 denormal */, 1.1754943508222875e-38, 0.1234567895, 0.1234567885, -0.1234567895,
  0.3333333333333333, 0.9999999995, -0.9999999995, 0.0000012345, Math.fround(0.1), Math.fround(-0.7), 123.4567890125, 65504, 3.4028234663852886e38,
]

function randomRow(next: () => number, dims: number, kind: 'float32' | 'float64' | 'edge' | 'zero'): ArrayLike<number> {
  if (kind === 'zero') return new Float32Array(dims).fill(next() < 0.5 ? 0 : -0)
  if (kind === 'edge') return Array.from({ length: dims }, () => EDGE[Math.floor(next() * EDGE.length)]!)
  const values = Array.from({ length: dims }, () => {
    const r = next()
    // Mostly unit-vector-sized components, some tiny, some edge values.
    if (r < 0.1) return EDGE[Math.floor(next() * EDGE.length)]!
    if (r < 0.2) return (next() - 0.5) * 1e-8
    return (next() - 0.5) * 0.2
  })
  return kind === 'float32' ? Float32Array.from(values) : values
}

function randomMatrix(seed: number, count: number, dims: number): ArrayLike<number>[] {
  const next = rng(seed)
  const kinds = ['float32', 'float64', 'edge', 'zero'] as const
  return Array.from({ length: count }, (_, i) => randomRow(next, dims, i === 0 ? 'edge' : kinds[Math.floor(next() * 3.2)] ?? 'zero'))
}

const pools: ResultsSerializerPool[] = []
afterEach(async () => {
  while (pools.length) await pools.pop()!.close()
})

describe('results JSON (byte-identical to the former in-thread serializer)', () => {
  it('prints every edge value exactly as before, normalized or not', () => {
    for (const normalized of [false, true]) {
      const rows = [EDGE, EDGE.map((v) => -v), EDGE.map((v) => v * 1e-3), new Array<number>(EDGE.length).fill(0)]
      const expected = legacyResultsJson(rows, rows.length, EDGE.length, normalized)
      expect(resultsJson(rows, EDGE.length, normalized)).toBe(expected)
      expect(resultsJsonBytes(rows, EDGE.length, normalized).toString('latin1')).toBe(expected)
    }
    // The details the edge list is there for: -0 prints as 0, halves at the 1e-9 step round up
    // (Math.round: -2.5 -> -2), tiny values become 0, JavaScript's exponent form below 1e-6.
    const row = [-0, 1.5e-9, 2.5e-9, -2.5e-9, 1e-12, 1.23e-7, 1.2e-7, -1, 0.1234567895, 1e-6, 2]
    const printed = '[[0,2e-9,3e-9,-2e-9,0,1.23e-7,1.2e-7,-1,0.12345679,0.000001,2]]'
    expect(resultsJson([row], row.length, false)).toBe(printed)
    expect(resultsJsonBytes([row], row.length, false).toString('latin1')).toBe(printed)
  })

  it('the byte writer prints every value JSON.stringify prints: all k/1e9 for |k| <= 200,000, boundaries, 2M random magnitudes', () => {
    const next = rng(42)
    const values: number[] = []
    for (let k = -200_000; k <= 200_000; k++) values.push(k / 1e9)
    // Around every switch in the printer: 1e-6 (exponent form), 1 (integer part), 1e6 (fast-path limit), overflow.
    for (const edge of [1e-7, 1e-6, 1e-3, 1, 10, 1e5, 999_999, 1e6, 4e6, 1e9, 1e15, 1e21]) {
      for (let d = -50; d <= 50; d++) values.push(edge + d * 1e-9, -(edge + d * 1e-9), edge * (1 + d * 1e-12))
    }
    values.push(999_999.9999999995, 4e6 + 0.123456789, 1e300, -1e300, 3.4028234663852886e38, Number.MAX_VALUE, Number.MIN_VALUE, -0)
    for (let i = 0; i < 1_000_000; i++) {
      values.push((next() - 0.5) * 2 * 10 ** (next() * 24 - 12)) // 1e-12 .. 1e12, either sign
      values.push(Math.fround(next() - 0.5)) // float32 components
    }
    // Rows of 4096 (a partial last row is padded with zeros), unnormalized: the values as they are.
    const dims = 4096
    const rows: number[][] = []
    for (let i = 0; i < values.length; i += dims) rows.push(Array.from({ length: dims }, (_, j) => values[i + j] ?? 0))
    const expected = legacyResultsJson(rows, rows.length, dims, false)
    const actual = resultsJsonBytes(rows, dims, false).toString('latin1')
    let at = 0
    while (at < expected.length && expected[at] === actual[at]) at++
    expect(at === expected.length && actual.length === expected.length ? 'identical' : `differ at ${at}: ${expected.slice(at - 30, at + 30)} | ${actual.slice(at - 30, at + 30)}`).toBe('identical')
    // Huge unnormalized values print as JSON.stringify does: shortest form, or null past float64.
    // (1e20 * 1e9 / 1e9 is not 1e20 in float64: both print 99999999999999980000.)
    expect(resultsJsonBytes([[1e300, 1e20, -1e21]], 3, false).toString('latin1')).toBe('[[null,99999999999999980000,-1e+21]]')
    expect(legacyResultsJson([[1e300, 1e20, -1e21]], 1, 3, false)).toBe('[[null,99999999999999980000,-1e+21]]')
  })

  it('the byte writer grows its buffer for long numbers and returns a buffer of its own (transferable)', () => {
    const rows = Array.from({ length: 8 }, (_, i) => Array.from({ length: 512 }, (_, j) => -1.2345678901234567e21 * (1 + i + j)))
    const bytes = resultsJsonBytes(rows, 512, false)
    expect(bytes.toString('latin1')).toBe(legacyResultsJson(rows, 8, 512, false))
    expect(bytes.byteOffset).toBe(0)
    expect(bytes.length).toBeGreaterThan(8 * 512 * 13)
  })

  it('matches on random matrices (float32, float64, edge and zero rows) in-thread and through the worker threads', async () => {
    const pool = new ResultsSerializerPool({ workers: 2 })
    pools.push(pool)
    const cases: Array<[number, number, number, boolean]> = [
      [1, 256, 1024, true],
      [2, 256, 1024, false],
      [3, 17, 384, true],
      [4, 3, 1, true],
      [5, 64, 4096, false],
      [6, 1, 7, true],
    ]
    const jobs = cases.map(async ([seed, count, dims, normalized]) => {
      const rows = randomMatrix(seed, count, dims)
      const expected = legacyResultsJson(rows, count, dims, normalized)
      expect(resultsJson(rows, dims, normalized)).toBe(expected)
      const bytes = await pool.serialize(rows, dims, normalized)
      expect(bytes.length).toBe(expected.length) // ASCII: one byte per character
      expect(bytes.toString('latin1')).toBe(expected)
      expect(JSON.parse(bytes.toString('latin1'))).toHaveLength(count)
    })
    await Promise.all(jobs)
    expect(pool.done).toEqual({ worker: cases.length, inThread: 0 })
    expect(pool.fallbackReason).toBeNull()
  })

  it('never moves the caller’s row buffers (the worker gets a packed copy)', async () => {
    const pool = new ResultsSerializerPool({ workers: 1 })
    pools.push(pool)
    const shared = new Float32Array([0.6, 0.8, 0, -0])
    const rows = [shared, shared.subarray(0, 4)]
    const bytes = await pool.serialize(rows, 4, true)
    expect(shared.byteLength).toBe(16) // not detached
    expect(bytes.toString('latin1')).toBe(legacyResultsJson(rows, 2, 4, true))
    expect(bytes.byteOffset).toBe(0)
  })

  it('reports the first non-finite row, in the worker and in-thread', async () => {
    const rows = [new Float32Array([0.5, 0.5]), new Float32Array([0.1, Number.NaN]), new Float32Array([Infinity, 0])]
    expect(() => resultsJson(rows, 2, true)).toThrow(NonFiniteValueError)
    const pool = new ResultsSerializerPool({ workers: 1 })
    pools.push(pool)
    const error = await pool.serialize(rows, 2, true).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NonFiniteValueError)
    expect((error as NonFiniteValueError).row).toBe(1)
    // The pool keeps working after a rejected job.
    expect((await pool.serialize([[1, 0]], 2, true)).toString('latin1')).toBe('[[1,0]]')
  })

  it('falls back to this thread, with one warning and the same bytes, when workers cannot start', async () => {
    const warnings: string[] = []
    const pool = new ResultsSerializerPool({
      workers: 2,
      onWarning: (m) => warnings.push(m),
      entry: () => ({ script: 'process.exit(3)', eval: true }),
    })
    pools.push(pool)
    const rows = randomMatrix(9, 8, 32)
    const results = await Promise.all([pool.serialize(rows, 32, true), pool.serialize(rows, 32, false)])
    expect(results[0]!.toString('latin1')).toBe(legacyResultsJson(rows, 8, 32, true))
    expect(results[1]!.toString('latin1')).toBe(legacyResultsJson(rows, 8, 32, false))
    expect(pool.done).toEqual({ worker: 0, inThread: 2 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/could not start .*main thread/)
    expect(pool.fallbackReason).toMatch(/exit code 3/)
  })

  it('fails a job whose worker dies, then serves the next one with a new worker', async () => {
    const pool = new ResultsSerializerPool({ workers: 1 })
    pools.push(pool)
    // Warm up, then kill the worker in the middle of a job by terminating it from outside.
    expect((await pool.serialize([[1]], 1, true)).toString('latin1')).toBe('[[1]]')
    const big = randomMatrix(11, 512, 4096)
    const pending = pool.serialize(big, 4096, true)
    const internals = pool as unknown as { pool: { threads: Array<{ worker: { terminate(): Promise<number> } } | null> } }
    await internals.pool.threads[0]!.worker.terminate()
    await expect(pending).rejects.toThrow(/stopped while serializing/)
    expect((await pool.serialize([[0.25, -0]], 2, false)).toString('latin1')).toBe('[[0.25,0]]')
  })

  it('rejects new and queued jobs once closed', async () => {
    const pool = new ResultsSerializerPool({ workers: 1 })
    const queued = expect(pool.serialize([[1]], 1, true)).rejects.toThrow(/closed/)
    await pool.close()
    await queued
    await expect(pool.serialize([[1]], 1, true)).rejects.toThrow(/closed/)
  })
})
