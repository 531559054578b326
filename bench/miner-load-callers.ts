/**
 * The validator callers of bench/miner-load.bench.ts: each dendrite sends its requests one after
 * another, and the answers are tallied the same way whether the callers run in client threads
 * (miner-load-client.ts) or on the axon's own event loop (--same-process).
 */
import type { KeyringPair } from '@polkadot/keyring/types'
import { SpecDendrite } from '../native/bittensor/wire/v10/testing/spec-dendrite'

export interface CallerJob {
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

/** Every caller sends `perCaller` requests of `texts`; latencies, statuses, transport errors and wrong answers. */
export async function runCallers(pairs: readonly KeyringPair[], job: CallerJob): Promise<ClientResult> {
  const out = { latencies: [] as number[], statuses: {} as Record<string, number>, transportErrors: {} as Record<string, number>, badAnswers: 0 }
  await Promise.all(
    pairs.map(async (pair) => {
      const d = new SpecDendrite({ pair })
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
  return out
}
