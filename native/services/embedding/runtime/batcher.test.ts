import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../contract/errors'
import type { SubBatch } from './batcher'
import { Batcher } from './batcher'

/** A runner whose "vector" for each text is [first token id, length]; batches finish when released. */
function controlledRunner() {
  const calls: SubBatch[] = []
  const releases: (() => void)[] = []
  const runner = (b: SubBatch): Promise<Float32Array> => {
    calls.push(b)
    return new Promise((resolve) => {
      releases.push(() => {
        const out = new Float32Array(b.batch * 2)
        for (let i = 0; i < b.batch; i++) {
          out[i * 2] = b.ids[i * b.seq]!
          out[i * 2 + 1] = b.lengths[i]!
        }
        resolve(out)
      })
    })
  }
  const releaseAll = async (): Promise<void> => {
    while (releases.length > 0) {
      releases.shift()!()
      await new Promise((r) => setTimeout(r, 0))
    }
  }
  return { calls, runner, releaseAll }
}

const text = (id: number, length: number): Int32Array => Int32Array.from({ length }, (_, i) => (i === 0 ? id : 7))

describe('Batcher', () => {
  it('returns vectors in input order and builds length-sorted sub-batches under the token budget', async () => {
    const { calls, runner, releaseAll } = controlledRunner()
    const b = new Batcher(runner, { tokenBudget: 100, maxBatchSize: 64, concurrency: 1 })
    const lengths = [10, 50, 9, 48, 20, 5, 49, 10]
    const p = b.submit(lengths.map((n, i) => text(i + 1, n)))
    await releaseAll()
    const out = await p
    expect(out.map((v) => v[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(out.map((v) => v[1])).toEqual(lengths)
    // 50,49 (budget 100/50 = 2) | 48 | 20 | 10,10,9 | 5
    expect(calls.map((c) => Array.from(c.lengths))).toEqual([[50, 49], [48], [20], [10, 10, 9], [5]])
    for (const c of calls) expect(c.batch * c.seq).toBeLessThanOrEqual(100)
    const s = b.getStats()
    expect(s.realTokens).toBe(201)
    expect(s.paddedTokens).toBe(100 + 48 + 20 + 30 + 5)
  })

  it('batches texts from several callers together', async () => {
    const { calls, runner, releaseAll } = controlledRunner()
    const b = new Batcher(runner, { tokenBudget: 1000, concurrency: 1 })
    const blocker = b.submit([text(99, 3)])
    const p1 = b.submit([text(1, 10), text(2, 10)])
    const p2 = b.submit([text(3, 10)])
    await releaseAll()
    await blocker
    expect((await p1).map((v) => v[0])).toEqual([1, 2])
    expect((await p2).map((v) => v[0])).toEqual([3])
    expect(calls.map((c) => c.batch)).toEqual([1, 3])
  })

  it('refuses new work with BUSY when the queue is full, and accepts it again once drained', async () => {
    const { runner, releaseAll } = controlledRunner()
    const b = new Batcher(runner, { maxQueuedTexts: 4, tokenBudget: 8, concurrency: 1 })
    const running = b.submit([text(1, 8)])
    const queued = b.submit([text(2, 8), text(3, 8), text(4, 8), text(5, 8)])
    const err = await b.submit([text(6, 8)]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EngineError)
    expect((err as EngineError).code).toBe('BUSY')
    expect((err as EngineError).message).toMatch(/busy/)
    await releaseAll()
    await Promise.all([running, queued])
    const again = b.submit([text(7, 8)])
    await releaseAll()
    expect((await again)[0]![0]).toBe(7)
  })

  it('cancels queued work when the caller gives up, and other callers are unaffected', async () => {
    const { calls, runner, releaseAll } = controlledRunner()
    const b = new Batcher(runner, { tokenBudget: 10, concurrency: 1 })
    const first = b.submit([text(1, 10)])
    const controller = new AbortController()
    const abandoned = b.submit([text(2, 10), text(3, 10), text(4, 10)], controller.signal)
    const other = b.submit([text(5, 10)])
    controller.abort(new DOMException('timed out', 'TimeoutError'))
    const err = (await abandoned.catch((e: unknown) => e)) as EngineError
    expect(err.code).toBe('TIMEOUT')
    expect(b.getStats().queuedTexts).toBe(1)
    await releaseAll()
    await first
    expect((await other)[0]![0]).toBe(5)
    // The abandoned texts never reached the model.
    expect(calls.flatMap((c) => Array.from({ length: c.batch }, (_, i) => c.ids[i * c.seq]))).toEqual([1, 5])
  })

  it('fails the callers of a sub-batch whose run fails, and keeps serving others', async () => {
    let n = 0
    const b = new Batcher(
      async (batch) => {
        n++
        if (n === 1) throw new Error('boom')
        return new Float32Array(batch.batch * 2)
      },
      { tokenBudget: 10, concurrency: 1 },
    )
    const bad = b.submit([text(1, 10)])
    const good = b.submit([text(2, 10)])
    await expect(bad).rejects.toThrow('boom')
    expect(await good).toHaveLength(1)
  })
})
