import { afterAll, describe, expect, it } from 'vitest'
import { JsonCodecError, JsonThreads } from '.'

describe('JsonThreads', () => {
  const threads = new JsonThreads({ offThreadBytes: 1024 })
  afterAll(() => threads.close())

  it('parses and prints large JSON in a worker, small JSON in this thread, with the same results', async () => {
    const value = { texts: ['x'.repeat(4096), 'naïve ✓'], n: 1 }
    const big = Buffer.from(JSON.stringify(value))
    expect(await threads.parse(Buffer.from(big))).toEqual(value)
    expect(threads.done.worker).toBe(1)
    expect(await threads.parse(Buffer.from('{"a":[1,2]}'))).toEqual({ a: [1, 2] })
    expect(threads.done.worker).toBe(1)
    // The spliced token becomes the exact digits (what a bigint nonce needs).
    const printed = await threads.stringify({ ...value, nonce: 'TOKEN' }, big.length, { token: 'TOKEN', text: '1234567890123456789' })
    expect(printed.toString()).toBe(JSON.stringify({ ...value, nonce: 0 }).replace('"nonce":0', '"nonce":1234567890123456789'))
    expect(threads.done.worker).toBe(2)
  })

  it('says whether a body was not UTF-8 or not JSON, in a worker as in this thread', async () => {
    for (const pad of [0, 4096]) {
      const bad = Buffer.concat([Buffer.from(`{"a":"${' '.repeat(pad)}`), Buffer.from([0xff]), Buffer.from('"}')])
      await expect(threads.parse(bad)).rejects.toMatchObject({ kind: 'utf8' })
      await expect(threads.parse(Buffer.from(`{"a": ${' '.repeat(pad)}`))).rejects.toBeInstanceOf(JsonCodecError)
      await expect(threads.parse(Buffer.from(`{"a": ${' '.repeat(pad)}`))).rejects.toMatchObject({ kind: 'json' })
    }
  })
})
