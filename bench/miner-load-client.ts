/**
 * Worker thread of bench/miner-load.bench.ts: a group of validator dendrites, so that the
 * callers' own work (signing, 0.3 MB request bodies, parsing 5 MB responses) runs outside the
 * axon's event loop, as it does for real validators on other machines.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { SpecDendrite } from '../native/bittensor/wire/v10/testing/spec-dendrite'

interface Job {
  readonly uris: string[]
  readonly perCaller: number
  readonly texts: string[]
  readonly target: { ip: string; port: number; hotkey: string }
}

export interface ClientResult {
  readonly latencies: number[]
  readonly statuses: Record<string, number>
  readonly transportErrors: Record<string, number>
  readonly badAnswers: number
  /** Longest stall of this client thread's event loop (ms): client-side latency outliers. */
  readonly loopMaxMs?: number
}

async function main(): Promise<void> {
  const job = workerData as Job
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519' })
  const out = { latencies: [] as number[], statuses: {} as Record<string, number>, transportErrors: {} as Record<string, number>, badAnswers: 0, loopMaxMs: 0 }
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  await Promise.all(
    job.uris.map(async (uri) => {
      const d = new SpecDendrite({ pair: keyring.addFromUri(uri) })
      try {
        for (let i = 0; i < job.perCaller; i++) {
          const start = performance.now()
          try {
            const res = await d.embed(job.target, job.texts)
            out.latencies.push(performance.now() - start)
            out.statuses[res.status] = (out.statuses[res.status] ?? 0) + 1
            const results = (res.json as { results?: unknown[] } | undefined)?.results
            if (res.status !== 200 || !Array.isArray(results) || results.length !== job.texts.length) out.badAnswers++
          } catch (error) {
            const key = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`.trim() : String(error)
            out.transportErrors[key] = (out.transportErrors[key] ?? 0) + 1
          }
        }
      } finally {
        d.close()
      }
    }),
  )
  loop.disable()
  out.loopMaxMs = loop.max / 1e6
  parentPort!.postMessage(out)
}

void main()
