import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { ThreadPool, WorkerThread, createThreadPool, workerEntry, workersPerCore } from '.'
import type { DistributiveOmit, WorkerEntry } from '.'
import type { EchoReply, EchoRequest } from './test-support/echo-worker'

const echoEntry = (): WorkerEntry => workerEntry('echo-worker', './test-support/echo-worker.ts', import.meta.url)

class EchoFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EchoFailure'
  }
}

type Job = DistributiveOmit<EchoRequest, 'id'>

/** Echo workers, at most 3 by default. */
function echoPool(options: { workers?: number; entry?: () => WorkerEntry; inThread?: boolean; warnings?: string[] }): ThreadPool<Job, string, EchoRequest, EchoReply> {
  const choices = { ...(options.workers ? { workers: options.workers } : {}), ...(options.entry ? { entry: options.entry } : {}), onWarning: (m: string) => options.warnings?.push(m) }
  const pool = createThreadPool<Job, string, EchoRequest, EchoReply>(choices, {
    maxWorkers: 3,
    entry: echoEntry,
    encode: (job) => ({ message: job, transfer: job.op === 'bytes' ? [job.data.buffer as ArrayBuffer] : [] }),
    decode: (reply) => {
      if (reply.ok) return reply.value
      throw new EchoFailure(`failed in the worker: ${reply.message}`)
    },
    ...(options.inThread ? { inThread: (job: Job) => (job.op === 'echo' ? `here: ${job.value}` : job.op) } : {}),
    failure: (message) => new EchoFailure(message),
    messages: {
      closed: 'The echo pool is closed.',
      closing: 'The echo pool was closed.',
      stopped: (reason) => `The echo worker stopped while echoing: ${reason}`,
      unavailable: (reason) => `Echo workers could not start (${reason}).`,
    },
  })
  pools.push(pool)
  return pool
}

const pools: ThreadPool<Job, string, EchoRequest, EchoReply>[] = []
afterEach(async () => {
  while (pools.length) await pools.pop()!.close()
})

describe('workerEntry', () => {
  it('runs the TypeScript source through tsx when the caller is a .ts file', () => {
    const entry = workerEntry('echo-worker', './test-support/echo-worker.ts', import.meta.url)
    expect(entry.eval).toBe(true)
    expect(entry.script).toContain(pathToFileURL(path.join(import.meta.dirname, 'test-support', 'echo-worker.ts')).href)
    expect(entry.script).toMatch(/tsx.*register\(\)/)
  })

  it('finds out/main/<name>.js next to a bundled caller, or one folder up from a shared chunk', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-workers-'))
    try {
      fs.mkdirSync(path.join(out, 'main', 'chunks'), { recursive: true })
      const worker = path.join(out, 'main', 'demo-worker.js')
      fs.writeFileSync(worker, '')
      for (const caller of ['main/cli.js', 'main/chunks/shared-abc.js']) {
        const entry = workerEntry('demo-worker', './demo-worker.ts', pathToFileURL(path.join(out, caller)).href)
        expect(entry).toEqual({ script: pathToFileURL(worker), eval: false })
      }
      expect(() => workerEntry('other-worker', './other.ts', pathToFileURL(path.join(out, 'main/cli.js')).href)).toThrow(/other-worker\.js was not found.*Rebuild TaoDesk/)
    } finally {
      fs.rmSync(out, { recursive: true, force: true })
    }
  })
})

describe('WorkerThread', () => {
  it('pairs replies with requests and fails those waiting when the worker stops', async () => {
    const stops: Array<[string, boolean]> = []
    const thread = new WorkerThread<EchoRequest, EchoReply>(echoEntry(), {
      stoppedError: (reason) => new EchoFailure(`stopped: ${reason.message}`),
      onStop: (reason, wasReady) => stops.push([reason.message, wasReady]),
    })
    const [a, b] = await Promise.all([thread.request({ op: 'wait', ms: 30 }), thread.request({ op: 'echo', value: 'b' })])
    expect(a).toMatchObject({ ok: true, value: 'waited' })
    expect(b).toMatchObject({ ok: true, value: 'b' })
    expect(thread.ready).toBe(true)
    const waiting = thread.request({ op: 'wait', ms: 10_000 })
    await expect(Promise.all([waiting, thread.request({ op: 'exit', code: 5 })])).rejects.toThrow('stopped: exit code 5')
    await expect(waiting).rejects.toBeInstanceOf(EchoFailure)
    expect(stops).toEqual([['exit code 5', true]])
    await expect(thread.request({ op: 'echo', value: 'late' })).rejects.toThrow('stopped: exit code 5')
  })
})

describe('ThreadPool', () => {
  it('dispatches jobs over its workers and moves transferred memory', async () => {
    const pool = echoPool({ workers: 2 })
    const data = new Uint8Array(1 << 20)
    const results = await Promise.all([...Array.from({ length: 6 }, (_, i) => pool.run({ op: 'echo', value: `v${i}` })), pool.run({ op: 'bytes', data })])
    expect(results).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', String(1 << 20)])
    expect(data.byteLength).toBe(0) // transferred, not copied
    expect(pool.done).toEqual({ worker: 7, inThread: 0 })
    expect(pool.fallbackReason).toBeNull()
    await expect(pool.run({ op: 'fail', message: 'no' })).rejects.toThrow(new EchoFailure('failed in the worker: no'))
  })

  it('a worker that dies mid-job fails only that job, with the pool’s message, and is replaced', async () => {
    let spawned = 0
    const pool = echoPool({ workers: 2, entry: () => (spawned++, echoEntry()) })
    pool.warm()
    const slow = pool.run({ op: 'wait', ms: 300 })
    const dying = pool.run({ op: 'exit', code: 7 })
    const error = await dying.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EchoFailure)
    expect((error as Error).message).toBe('The echo worker stopped while echoing: exit code 7')
    expect(await slow).toBe('waited')
    expect(await pool.run({ op: 'echo', value: 'after' })).toBe('after')
    expect(await Promise.all([pool.run({ op: 'wait', ms: 20 }), pool.run({ op: 'wait', ms: 20 })])).toEqual(['waited', 'waited'])
    expect(spawned).toBe(3)
    expect(pool.fallbackReason).toBeNull()
  })

  it('runs jobs in this thread when workers cannot start, warning once; without a fallback the jobs fail', async () => {
    const warnings: string[] = []
    const broken = (): WorkerEntry => ({ script: 'throw new Error("no worker here")', eval: true })
    const pool = echoPool({ workers: 2, entry: broken, inThread: true, warnings })
    expect(await Promise.all([pool.run({ op: 'echo', value: 'a' }), pool.run({ op: 'echo', value: 'b' })])).toEqual(['here: a', 'here: b'])
    expect(pool.done).toEqual({ worker: 0, inThread: 2 })
    expect(warnings).toEqual(['Echo workers could not start (no worker here).'])
    expect(pool.fallbackReason).toBe('no worker here')

    const strict = echoPool({ workers: 1, entry: () => ({ script: 'process.exit(3)', eval: true }) })
    await expect(strict.run({ op: 'echo', value: 'a' })).rejects.toThrow(new EchoFailure('Echo workers could not start (exit code 3).'))
    const missing = echoPool({ workers: 1, entry: () => workerEntry('gone', './gone.ts', pathToFileURL(path.join(os.tmpdir(), 'x.js')).href) })
    await expect(missing.run({ op: 'echo', value: 'a' })).rejects.toThrow(/gone\.js was not found/)
  })

  it('createThreadPool: one worker per core up to the design\'s most by default; the caller\'s count and entry win', async () => {
    expect(echoPool({}).size).toBe(workersPerCore(3))
    expect(echoPool({ workers: 5 }).size).toBe(5)
    let spawned = 0
    const pool = echoPool({ workers: 1, entry: () => (spawned++, echoEntry()) })
    expect(await pool.run({ op: 'echo', value: 'mine' })).toBe('mine')
    expect(spawned).toBe(1)
  })

  it('close() fails running and queued jobs and refuses new ones', async () => {
    const pool = echoPool({ workers: 1 })
    expect(await pool.run({ op: 'echo', value: 'warm' })).toBe('warm')
    const running = expect(pool.run({ op: 'wait', ms: 10_000 })).rejects.toThrow(new EchoFailure('The echo pool was closed.'))
    const queued = expect(pool.run({ op: 'echo', value: 'queued' })).rejects.toThrow(new EchoFailure('The echo pool was closed.'))
    await pool.close()
    await running
    await queued
    await expect(pool.run({ op: 'echo', value: 'late' })).rejects.toThrow(new EchoFailure('The echo pool is closed.'))
  })
})
