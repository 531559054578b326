import { describe, expect, it } from 'vitest'
import { topLevelValueSpan } from './raw-json-span'
import { pythonDumps } from './testing/python-dumps'

/** A small deterministic generator (no Math.random: failures must reproduce). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32)
}

const NASTY = ['', 'plain', 'quote " inside', 'back\\slash', 'ends with backslash\\', '\\"', 'brace } ] , : {', 'caf\u00e9 \u{1f600}', '\ud800 lone surrogate', 'line\nbreak\ttab', '"texts": ["fake"]']

function randomValue(next: () => number, depth: number): unknown {
  const r = next()
  if (depth > 2 || r < 0.4) return NASTY[Math.floor(next() * NASTY.length)]
  if (r < 0.5) return Math.floor(next() * 1e6) / 7
  if (r < 0.55) return null
  if (r < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1))
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, (_, i) => [i % 2 ? 'texts' : NASTY[Math.floor(next() * NASTY.length)]!, randomValue(next, depth + 1)]))
}

describe('topLevelValueSpan', () => {
  it('finds the bytes JSON.parse reads for a top-level key, however the JSON is spaced and escaped', () => {
    const next = rng(18)
    for (let n = 0; n < 400; n++) {
      const texts = Array.from({ length: Math.floor(next() * 5) }, () => NASTY[Math.floor(next() * NASTY.length)]!)
      const body = { name: 'TextEmbeddingSynapse', dendrite: randomValue(next, 0), texts, extra: randomValue(next, 0) }
      for (const raw of [JSON.stringify(body), pythonDumps(body), JSON.stringify(body, null, 2)]) {
        const bytes = Buffer.from(raw)
        const span = topLevelValueSpan(bytes, 'texts')!
        expect(JSON.parse(bytes.subarray(span[0], span[1]).toString())).toEqual(texts)
      }
    }
  })

  it('takes the last of duplicate keys (as JSON.parse does), reads escaped key names, and says when a key is missing', () => {
    const span = (raw: string, key: string): string | undefined => {
      const bytes = Buffer.from(raw)
      const s = topLevelValueSpan(bytes, key)
      return s && bytes.toString('utf8', s[0], s[1])
    }
    expect(span('{"texts": ["a"], "x": {"texts": 1}, "texts" : [ "b" ] }', 'texts')).toBe('[ "b" ]')
    expect(span('{"t\\u0065xts":["c"]}', 'texts')).toBe('["c"]')
    expect(span('{"a":"texts","b":{"texts":["no"]}}', 'texts')).toBeUndefined()
    expect(span('\ufeff{"texts":[]}', 'texts')).toBe('[]')
  })
})
