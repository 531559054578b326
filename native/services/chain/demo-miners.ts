import { AxonServer } from '../../bittensor/axon/axon-server'
import { MemoryNonceStore } from '../../bittensor/axon/memory-nonce-store'
import type { Signer } from '../../bittensor/keys/signer'
import { TextEmbeddingRoute, newTextEmbeddingWork } from '../../protocols/text-embedding/axon-route'
import type { TextEmbeddingWork } from '../../protocols/text-embedding/axon-route'
import { OpenAiEmbeddingsRoute } from '../../protocols/text-embedding/openai-route'
import { demoEmbedder } from './demo-embedders'
import type { DemoQuality } from './demo-embedders'

/**
 * The practice subnet's demo miners: real axons on 127.0.0.1 (the v10 TextEmbeddingSynapse and
 * btauth/1 `POST /v1/embeddings`, the same server core as the user's miner) answering with models
 * of known quality, so that a newcomer's validator has something to score without any traffic
 * leaving the machine. Any caller that signs is answered: there is no stake to ask for here.
 */
export interface DemoMinerAxon {
  readonly hotkey: string
  readonly quality: DemoQuality
  readonly port: number
}

export interface DemoMiners {
  readonly axons: readonly DemoMinerAxon[]
  close(): Promise<void>
}

function demoAxon(signer: Signer, quality: DemoQuality): AxonServer<TextEmbeddingWork> {
  // The demo load is small: results are printed in this thread, not in worker threads.
  const route = new TextEmbeddingRoute({ embedder: demoEmbedder(quality), resultsSerialization: 'main-thread' })
  return new AxonServer<TextEmbeddingWork>({
    signer,
    metagraph: { lookup: () => undefined },
    // A demo miner starts afresh with its chain: its nonces need not outlive it.
    nonces: new MemoryNonceStore(),
    routes: [route],
    signedRoutes: [new OpenAiEmbeddingsRoute(route)],
    newWork: newTextEmbeddingWork,
    blacklist: { allowNonRegistered: true, forceValidatorPermit: false, minStake: 0 },
    host: '127.0.0.1',
    port: 0,
  })
}

/** Starts one loopback axon per miner, each on a free port. */
export async function startDemoMiners(miners: ReadonlyArray<{ signer: Signer; quality: DemoQuality }>): Promise<DemoMiners> {
  const servers: AxonServer<TextEmbeddingWork>[] = []
  const close = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.close()))
  }
  try {
    const axons: DemoMinerAxon[] = []
    for (const m of miners) {
      const server = demoAxon(m.signer, m.quality)
      servers.push(server)
      axons.push({ hotkey: m.signer.address, quality: m.quality, port: await server.listen() })
    }
    return { axons, close }
  } catch (error) {
    await close()
    throw error
  }
}
