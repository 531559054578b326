import { describe, expect, it } from 'vitest'
import { parseSynapseAnswer } from './answer-parser'
import type { ParsedAnswer } from './answer-parser'
import { validateEmbeddings } from './infonce'
import { numberScanner } from './number-scan-wasm'
import { mulberry32 } from '../../../../test/support/mulberry32'

/** The in-thread reference: what the dendrite and validateEmbeddings did before the parser existed. */
function reference(body: Uint8Array, rows: number, dim: number, rejectDegenerate = true): ParsedAnswer {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'))
  } catch (error) {
    return { kind: 'unparsable', detail: String(error) }
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { texts?: unknown }).texts)) return { kind: 'not-synapse' }
  return { kind: 'answer', validation: validateEmbeddings((json as { results?: unknown }).results ?? null, rows, dim, { rejectDegenerate }) }
}

/** Same outcome, same reason and detail, bit-identical matrix. */
function expectSame(body: Uint8Array | string, rows: number, dim: number, rejectDegenerate = true): ParsedAnswer {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  const want = reference(bytes, rows, dim, rejectDegenerate)
  // Both paths: WebAssembly scanner + JavaScript, and JavaScript only.
  compare(parseSynapseAnswer(bytes, rows, dim, { rejectDegenerate, wasm: false }), want)
  return compare(parseSynapseAnswer(bytes, rows, dim, { rejectDegenerate }), want)
}

function compare(got: ParsedAnswer, want: ParsedAnswer): ParsedAnswer {
  expect(got.kind).toBe(want.kind)
  if (got.kind === 'answer' && want.kind === 'answer') {
    const g = got.validation
    const w = want.validation
    expect(g.ok).toBe(w.ok)
    if (!g.ok && !w.ok) expect({ reason: g.reason, detail: g.detail }).toEqual({ reason: w.reason, detail: w.detail })
    if (g.ok && w.ok) {
      expect(g.matrix.data.length).toBe(w.matrix.data.length)
      // Bit-exact: compare the raw float32 bits (this also tells -0 from 0).
      expect(Buffer.from(g.matrix.data.buffer).equals(Buffer.from(w.matrix.data.buffer))).toBe(true)
    }
  }
  return got
}

const synapse = (results: string, texts = '["a","b"]') => `{"name":"TextEmbeddingSynapse","texts":${texts},"dimensions":3,"results":${results}}`

describe('parseSynapseAnswer matches JSON.parse + validateEmbeddings', () => {
  it('uses the WebAssembly number scanner here (Node 20)', () => {
    expect(numberScanner()).not.toBeNull()
  })

  it('float32 values printed the way miners print them (shortest double, 17 digits), over many magnitudes', () => {
    const rand = mulberry32(5)
    const rows = 64
    const dim = 96
    const f = Float32Array.from({ length: rows * dim }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 14 - 10))
    const results = Array.from({ length: rows }, (_, r) => Array.from(f.subarray(r * dim, (r + 1) * dim)))
    const body = JSON.stringify({ texts: new Array(rows).fill('t'), results })
    const got = expectSame(body, rows, dim)
    expect(got.kind === 'answer' && got.validation.ok).toBe(true)
  })

  it('doubles that are not float32 values, exponents, rounding boundaries and -0', () => {
    const rand = mulberry32(9)
    const values: string[] = []
    for (let k = 0; k < 3000; k++) {
      const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 80 - 50)
      values.push(String(x), x.toExponential(Math.floor(rand() * 20)), x.toPrecision(1 + Math.floor(rand() * 21)))
    }
    // Values a hair away from float32 rounding boundaries (halfway between neighbours).
    for (let k = 0; k < 500; k++) {
      const f = Math.fround((rand() - 0.5) * 10 ** Math.floor(rand() * 8 - 4))
      const next = new Float32Array(new Uint32Array([new Uint32Array(new Float32Array([f]).buffer)[0] + 1]).buffer)[0]
      const mid = (f + next) / 2
      values.push(String(mid), mid.toPrecision(21), mid.toPrecision(17), mid.toPrecision(9), String(f), String(next))
    }
    values.push('-0', '0', '-0.0', '0e5', '0.000e-9', '1e-45', '1.4e-45', '7e-46', '3.4028234663852886e38', '3.4028235e38', '3.40282357e38', '1E+2', '1e-400', '123456789012345678901234567890', '0.1000000000000000055511151231257827021181583404541015625')
    const dim = values.length
    expectSame(`{"texts":[1],"results":[[${values.join(',')}]]}`, 1, dim, false)
  })

  it('formatting: whitespace, escaped and duplicate keys, texts with escapes and unicode', () => {
    expectSame(' \n{ "texts" : [ "x\\"y", "\\u00e9\\n" ] ,\t"results" :\r\n[ [ 1 , 2,3 ] ,[4,5 ,6] ] } \n', 2, 3)
    expectSame('{"t\\u0065xts":["a","b"],"res\\u0075lts":[[1,2,3],[4,5,6]]}', 2, 3)
    expectSame('{"texts":["a","b"],"results":[[1,2,3]],"results":[[1,2,3],[4,5,6]]}', 2, 3)
    expectSame('{"texts":["a","b"],"results":[[1,2,3],[4,5,6]],"results":"later wins"}', 2, 3)
    expectSame('{"texts":"no","results":[[1,2,3],[4,5,6]],"texts":["yes"]}', 2, 3)
    expectSame('{"texts":["é ü 漢字 😀"],"results":[[1,2,3],[4,5,6]],"extra":{"a":[1,{"b":null}],"c":true}}', 2, 3)
  })

  const cases: Array<[string, string]> = [
    ['not JSON', '<html>oops</html>'],
    ['empty body', ''],
    ['truncated', synapse('[[1,2,3],[4,5')],
    ['trailing garbage', `${synapse('[[1,2,3],[4,5,6]]')}x`],
    ['trailing comma', synapse('[[1,2,3],[4,5,6],]')],
    ['leading zero', synapse('[[01,2,3],[4,5,6]]')],
    ['bare dot', synapse('[[.5,2,3],[4,5,6]]')],
    ['dot without digits', synapse('[[5.,2,3],[4,5,6]]')],
    ['plus sign', synapse('[[+5,2,3],[4,5,6]]')],
    ['exponent without digits', synapse('[[5e,2,3],[4,5,6]]')],
    ['BOM', `\ufeff${synapse('[[1,2,3],[4,5,6]]')}`],
    ['control character in a string', synapse('[[1,2,3],[4,5,6]]', '["a\u0001b"]')],
    ['bad escape', synapse('[[1,2,3],[4,5,6]]', '["a\\qb"]')],
    ['top-level array', '[1,2,3]'],
    ['top-level string', '"hello"'],
    ['no texts', '{"results":[[1,2,3],[4,5,6]]}'],
    ['texts not a list', '{"texts":"ab","results":[[1,2,3],[4,5,6]]}'],
    ['results missing', '{"texts":[]}'],
    ['results null', synapse('null')],
    ['results a number', synapse('5')],
    ['results an object', synapse('{"0":[1,2,3]}')],
    ['results a string', synapse('"[[1,2,3]]"')],
    ['empty results', synapse('[]')],
    ['flat vector', synapse('[1,2,3]')],
    ['too few rows', synapse('[[1,2,3]]')],
    ['too many rows with a bad row', synapse('[[1,2,3],[4,5],[7,8,9]]')],
    ['wrong dimension', synapse('[[1,2,3],[4,5]]')],
    ['ragged and non-numeric in one row (dimension wins)', synapse('[[1,2,3],[4,"x",6,7]]')],
    ['a string value', synapse('[[1,2,3],[4,"5",6]]')],
    ['a null value', synapse('[[1,2,3],[4,null,6]]')],
    ['a boolean value', synapse('[[1,2,3],[4,true,6]]')],
    ['a nested list value', synapse('[[1,2,3],[4,[5],6]]')],
    ['an object value', synapse('[[1,2,3],[4,{},6]]')],
    ['a row that is a number', synapse('[[1,2,3],7]')],
    ['beyond float32 range', synapse('[[1,2,3],[4,1e39,6]]')],
    ['beyond double range', synapse('[[1,2,3],[4,1e400,6]]')],
    ['all-equal rows', synapse('[[1,2,3],[1,2,3]]')],
    ['an all-zero row', synapse('[[1,2,3],[0,-0,0.0]]')],
    ['every row all zeros', synapse('[[0,0,0],[0,-0,0.0]]')],
    ['empty rows', synapse('[[],[]]')],
  ]
  for (const [name, body] of cases) it(name, () => void expectSame(body, 2, 3))

  it('deep nesting does not overflow the stack', () => {
    expectSame(synapse(`[[1,2,3],[4,5,${'['.repeat(200_000)}${']'.repeat(200_000)}]]`), 2, 3)
    expectSame(`{"texts":[],"x":${'['.repeat(200_000)}}`, 2, 3)
  })

  it('a 10M-value row and 100k rows are scanned without building them', () => {
    const huge = `{"texts":[],"results":[[1,2,3],[${new Array(10_000_000).fill(0).join(',')}]]}`
    expectSame(huge, 2, 3)
    const many = `{"texts":[],"results":[${new Array(100_000).fill('[1]').join(',')}]}`
    expect(parseSynapseAnswer(new TextEncoder().encode(many), 2, 3)).toEqual({ kind: 'answer', validation: { ok: false, reason: 'wrong-row-count', detail: '100000 rows for 2 texts' } })
  })

  it('fuzz: 3000 random mutations of a valid answer give the same outcome as JSON.parse', () => {
    const rand = mulberry32(123)
    const base = new TextEncoder().encode(JSON.stringify({ name: 'x', texts: ['q\n1', 'c"2', 'q3', 'c4'], results: [[0.25, -1.5e-7, 3], [1, 2, 3.5], [-0.125, 7e3, 1e-3], [9, 8, 7]] }))
    const alphabet = new TextEncoder().encode('0123456789-+.eE,[]{}":ntfaNI \\u')
    for (let k = 0; k < 3000; k++) {
      const b = Array.from(base)
      const edits = 1 + Math.floor(rand() * 3)
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * b.length)
        const op = rand()
        const ch = alphabet[Math.floor(rand() * alphabet.length)]
        if (op < 0.4) b[at] = ch
        else if (op < 0.7) b.splice(at, 1)
        else b.splice(at, 0, ch)
      }
      const bytes = Uint8Array.from(b)
      const want = reference(bytes, 4, 3)
      const js = parseSynapseAnswer(bytes, 4, 3, { wasm: false })
      const got = parseSynapseAnswer(bytes, 4, 3)
      expect(got).toEqual(js) // the WebAssembly scanner changes nothing
      // The one deliberate difference: NaN / Infinity tokens in results rows are read (score 0 as non-finite).
      if (want.kind === 'unparsable' && got.kind === 'answer' && !got.validation.ok && got.validation.reason === 'non-finite') continue
      expect(got.kind, new TextDecoder().decode(bytes)).toBe(want.kind)
      if (got.kind === 'answer' && want.kind === 'answer') {
        if (!got.validation.ok && !want.validation.ok) expect(got.validation.detail).toBe(want.validation.detail)
        else expect(got.validation.ok).toBe(want.validation.ok)
      }
    }
  })

  it('reads NaN and Infinity tokens (Python json writes them) as non-finite values', () => {
    for (const [token, shown] of [['NaN', 'NaN'], ['Infinity', 'Infinity'], ['-Infinity', '-Infinity']]) {
      const got = parseSynapseAnswer(new TextEncoder().encode(synapse(`[[1,2,3],[4,${token},6]]`)), 2, 3)
      expect(got).toEqual({ kind: 'answer', validation: { ok: false, reason: 'non-finite', detail: `row 1 column 1 is ${shown}` } })
    }
    // Outside results they are still not JSON.
    expect(parseSynapseAnswer(new TextEncoder().encode('{"texts":[NaN],"results":[]}'), 2, 3).kind).toBe('unparsable')
  })
})
