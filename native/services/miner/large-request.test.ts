/**
 * Issue 15 item 3: a large legal request (10 MB of text) must not freeze the engine. Measured in
 * this process (the engine's) while a client in another process sends the requests: the longest
 * event-loop stall and the process's peak RSS (sampled by a worker thread, so a stalled loop
 * cannot hide a peak).
 *
 * The stall that counts is the time between two turns of the loop less the time the main thread
 * sat in the kernel's run queue waiting for a core (Linux /proc/.../schedstat): on a loaded 2-core
 * machine a process waits for a core 100-200 ms at any moment, which says nothing about the work
 * a request puts on the loop; time the main thread runs or blocks (a garbage collection waiting
 * for its helper threads) counts. The wall-clock stall (monitorEventLoopDelay) is printed beside it. Before tokenization, body parsing, the echo and
 * the local API's answer moved to worker threads, requests stalled the loop 150-650 ms (one
 * 10 MB text) and 0.6-2.8 s (2,048 texts of 5 KB).
 */
import { fork } from 'node:child_process'
import fs from 'node:fs'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import v8 from 'node:v8'
import vm from 'node:vm'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../scripts/make-test-models'
import { Embedder } from '../embedding/runtime/embedder'
import { MinerAxon } from './axon/miner-axon'
import { LocalEmbeddingsApi } from './local-api'
import { MemoryNonceStore } from './ports'
import type { Embedder as MinerEmbedder, NeuronView } from './ports'
import type { Done, Job, Shape } from './testing/large-request-client'

/**
 * A guard against the regression, not the target: before the fix the 2,048-text request held the
 * loop 515-598 ms (less core waits); after it, 10-75 ms typical, with one 219 ms outlier seen while
 * six other sessions loaded the 2 cores. The 100 ms target is read off the printed numbers.
 */
const STALL_LIMIT_MS = 300
const RSS_LIMIT_MB = 1024
/**
 * The test runner's own memory (vitest, its module graph and transforms) before any engine part
 * exists: not the engine's. The engine's memory is the process's peak RSS above this.
 */
const HARNESS_RSS_MB = process.memoryUsage.rss() / 2 ** 20
const RUNS = 3
const VALIDATOR = '//Alice'

/** Samples the process's RSS every 5 ms on its own thread; answers the peak since the last reset. */
const RSS_SAMPLER = `
const { parentPort } = require('node:worker_threads')
let peak = 0
setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 5)
parentPort.on('message', (m) => { if (m === 'reset') peak = process.memoryUsage.rss(); parentPort.postMessage(peak) })
`

const model = ensureTestModel('lexical')
let embedder: Embedder
let localApi: LocalEmbeddingsApi
let localUrl: string
let axon: MinerAxon
let axonPort: number
let minerHotkey: string
let client: ChildProcess
let sampler: Worker

function rss(message: 'reset' | 'peak'): Promise<number> {
  return new Promise((resolve) => {
    sampler.once('message', (bytes: number) => resolve(bytes / 2 ** 20))
    sampler.postMessage(message)
  })
}

function send(job: Job): Promise<Done> {
  return new Promise((resolve) => {
    client.once('message', (done: Done) => resolve(done))
    client.send(job)
  })
}

/**
 * A full garbage collection, so one request's peak is not counted on top of the garbage of the
 * request before it (this process serves both surfaces in turn; a real miner serves one, and V8
 * collects and gives back that garbage on its own, only not within the milliseconds between runs).
 */
v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc') as () => void

async function measured(job: Job): Promise<{ done: Done; cpuStallMs: number; wallStallMs: number; peakRssMb: number }> {
  collectGarbage()
  await rss('reset')
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const probe = loopProbe()
  const done = await send(job)
  const { cpuMs } = probe.stop()
  delay.disable()
  return { done, cpuStallMs: cpuMs, wallStallMs: delay.max / 1e6, peakRssMb: await rss('peak') - HARNESS_RSS_MB }
}

/** How long (ns) the main thread has waited in the run queue for a core; 0 where the kernel does not say. */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`
function mainThreadQueuedNs(): number {
  try {
    return Number(fs.readFileSync(SCHEDSTAT, 'utf8').split(' ')[1])
  } catch {
    return 0
  }
}

/** Between consecutive turns of the loop (a 2 ms timer): the longest gap, less the main thread's wait for a core. */
function loopProbe(): { stop: () => { wallMs: number; cpuMs: number } } {
  let lastAt = performance.now()
  let lastQueued = mainThreadQueuedNs()
  let wallMs = 0
  let cpuMs = 0
  const timer = setInterval(() => {
    const at = performance.now()
    const queued = mainThreadQueuedNs()
    wallMs = Math.max(wallMs, at - lastAt)
    cpuMs = Math.max(cpuMs, at - lastAt - (queued - lastQueued) / 1e6)
    lastAt = at
    lastQueued = queued
  }, 2)
  return {
    stop: () => {
      clearInterval(timer)
      return { wallMs, cpuMs }
    },
  }
}

beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  const miner = keyring.addFromUri('//Bob')
  const validator = keyring.addFromUri(VALIDATOR)
  minerHotkey = miner.address
  embedder = await Embedder.load({ onnxFile: model.onnxFile, tokenizerFile: model.tokenizerFile, pooling: model.pooling, maxLength: 512, intraOpThreads: 1 })
  const adapter: MinerEmbedder = { name: 'lexical', embed: async (texts, dimensions, signal) => (await embedder.embed(texts, { dimensions, signal })).vectors }
  // The local API's own default limit is 8 MiB; the axon's 32 MiB. Both are given room for 10 MB here.
  localApi = new LocalEmbeddingsApi(adapter, 0, embedder.dimension, 32 * 2 ** 20)
  localUrl = await localApi.listen()
  const neurons = new Map<string, NeuronView>([[validator.address, { uid: 0, stake: 25_000, validatorPermit: true }]])
  axon = new MinerAxon({ signer: miner, metagraph: { lookup: (h) => neurons.get(h) }, embedder: adapter, nonces: new MemoryNonceStore(), host: '127.0.0.1', port: 0 })
  axonPort = await axon.listen()
  sampler = new Worker(RSS_SAMPLER, { eval: true })
  client = fork(fileURLToPath(new URL('./testing/large-request-client.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
}, 60_000)

afterAll(async () => {
  client?.disconnect()
  await sampler?.terminate()
  await axon?.close()
  await localApi?.close()
  await embedder?.dispose()
})

const jobFor = (to: 'local' | 'axon', shape: Shape): Job =>
  to === 'local' ? { to, url: localUrl, shape } : { to, shape, target: { ip: '127.0.0.1', port: axonPort, hotkey: minerHotkey }, validatorUri: VALIDATOR, dimensions: embedder.dimension }

describe('a 10 MB legal request (issue 15 item 3)', () => {
  for (const to of ['local', 'axon'] as const) {
    it(`does not stall the engine's event loop past ${STALL_LIMIT_MS} ms nor take 1 GB (${to === 'local' ? 'local /v1/embeddings' : 'axon TextEmbeddingSynapse'})`, async () => {
      // Warm: worker threads started and code compiled, as in a miner that has served a while.
      expect((await send(jobFor(to, 'one'))).status).toBe(200)
      for (const shape of ['one', 'many'] as const) {
        const runs = []
        for (let i = 0; i < RUNS; i++) runs.push(await measured(jobFor(to, shape)))
        const show = (ms: number[]): string => ms.map((x) => Math.round(x)).join(', ')
        console.log(`${to} ${shape}: stall less waits for a core ${show(runs.map((r) => r.cpuStallMs))} ms, wall stall ${show(runs.map((r) => r.wallStallMs))} ms, engine peak RSS ${show(runs.map((r) => r.peakRssMb))} MiB (runner's own ${Math.round(HARNESS_RSS_MB)} MiB not counted)`)
        for (const r of runs) {
          expect(r.done.status).toBe(200)
          expect(r.done.rows).toBe(shape === 'one' ? 1 : 2048)
          expect(r.peakRssMb).toBeLessThan(RSS_LIMIT_MB)
          expect(r.cpuStallMs).toBeLessThan(STALL_LIMIT_MS)
        }
      }
    }, 300_000)
  }
})
