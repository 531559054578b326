/**
 * Worker thread of bench/miner-load.bench.ts: a group of validator dendrites, so that the
 * callers' own work (signing, 0.3 MB request bodies, parsing 5 MB responses) runs outside the
 * axon's event loop, as it does for real validators on other machines.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { runCallers } from './miner-load-callers'
import type { CallerJob, ClientResult } from './miner-load-callers'

interface Job extends CallerJob {
  readonly uris: string[]
}

async function main(): Promise<void> {
  const job = workerData as Job
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519' })
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const out = await runCallers(job.uris.map((uri) => keyring.addFromUri(uri)), job)
  loop.disable()
  const result: ClientResult = { ...out, loopMaxMs: loop.max / 1e6 }
  parentPort!.postMessage(result)
}

void main()
