/**
 * The real miner runtime: the wallet's hotkey signs, the chain client supplies the metagraph and
 * serve_axon, and the embedding service computes the answers with the active model. The
 * composition root passes {@link createMinerRuntimeFactory} to the MinerService.
 */
import type { ChainService } from '../../chain'
import type { MinerStartParams } from '../../../contract'
import { EngineError } from '../../../contract'
import type { EmbeddingService } from '../../embedding'
import type { Logger } from '../../../platform/logging'
import type { UpdateSafetyGate } from '../../updater'
import type { WalletService } from '../../wallet'
import type { MinerRuntime, MinerRuntimeFactory } from '../miner-service'
import type { Embedder, PublicIpDetector } from '../ports'
import { FixedIpDetector, HttpPublicIpDetector } from '../public-ip'
import { acquireChainClient, defaultNetuid } from './chain-access'
import { ChainMetagraphCache, ClientChainPort, PracticeChainPort } from './chain-views'
import { loadWalletHotkey } from '../../../bittensor/keys/hotkey'

export interface MinerRuntimeDeps {
  readonly chain: ChainService
  readonly wallet: WalletService
  readonly embedding: EmbeddingService
  /** Every request holds a lease while it is being embedded, so an update waits for it. */
  readonly safetyGate: UpdateSafetyGate
  readonly log: Logger
  /** For btcli's BT_PW_ hotkey passwords (default process.env). */
  readonly env?: NodeJS.ProcessEnv
  /** How long to wait for a model that is still loading (default 5 min). */
  readonly modelWaitMs?: number
  /** Public IP detection when no --external-ip is given (tests inject one). */
  readonly ipDetector?: () => PublicIpDetector
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Loads `model` when asked (or waits for the model being restored), then checks one is ready. */
async function readyModel(embedding: EmbeddingService, model: string | undefined, waitMs: number, log: Logger): Promise<void> {
  if (model && (embedding.models.active() !== model || embedding.status().state !== 'ready')) {
    log.info('Loading the model the miner was started with', { model })
    await embedding.use(model)
  }
  const deadline = Date.now() + waitMs
  while (embedding.status().state === 'loading') {
    if (Date.now() > deadline) throw new EngineError('BUSY', 'The embedding model is still loading. Start the miner again once it is ready (Models page).')
    await sleep(100)
  }
  const s = embedding.status()
  if (s.state !== 'ready') {
    throw new EngineError(
      'NOT_FOUND',
      `No embedding model is loaded${s.error ? ` (${s.error})` : ''}, so the miner has nothing to answer validators with. Download one and use it on the Models page, or pass --model ID (see \`taodesk models list\`).`,
    )
  }
}

/** The miner's embedder port over the embedding service, holding an update lease per request. */
export function gatedEmbedder(inner: Embedder, gate: UpdateSafetyGate): Embedder {
  return {
    get name() {
      return inner.name
    },
    async embed(texts, dimensions, signal) {
      const lease = gate.acquire('miner', 'serving a request')
      try {
        // The service adapts the width: zero-padding up, Matryoshka cuts down (or a clear error).
        return await inner.embed(texts, dimensions, signal)
      } finally {
        lease.release()
      }
    },
  }
}

export function createMinerRuntimeFactory(deps: MinerRuntimeDeps): MinerRuntimeFactory {
  return async (params: MinerStartParams): Promise<MinerRuntime> => {
    const log = deps.log
    const cleanup: Array<() => unknown> = []
    try {
      const hotkey = await loadWalletHotkey({ walletsDir: deps.wallet.directory(), wallet: params.wallet, hotkey: params.hotkey, env: deps.env })
      cleanup.push(() => hotkey.dispose())
      const inferenceChoice = deps.embedding.resolveInference({ endpoints: params.endpoints, local: params.localInference })
      if (inferenceChoice.usesLocalModel) await readyModel(deps.embedding, params.model, deps.modelWaitMs ?? 5 * 60_000, log)
      const inference = await deps.embedding.minerInference(inferenceChoice)
      cleanup.push(() => inference.dispose())

      const lease = await acquireChainClient(deps.chain, params.network)
      cleanup.push(() => lease.release())
      const netuid = params.netuid ?? defaultNetuid(lease.network)
      // One get_neurons_lite call per block (coalesced while a read is in flight): a newly staked
      // or permitted validator is served from the next block on.
      const metagraph = new ChainMetagraphCache(lease.client, netuid, { log })
      cleanup.push(() => metagraph.dispose())
      try {
        await metagraph.start()
      } catch (error) {
        throw new EngineError('NOT_FOUND', `Could not read subnet ${netuid} on ${lease.network}: ${error instanceof Error ? error.message : String(error)}`)
      }
      // The selected network's chain started over (the practice network restarted, a node reset).
      const resetListeners: Array<(message: string) => void> = []
      if (lease.shared) {
        const resets = deps.chain.onReset((r) => resetListeners.forEach((l) => l(r.message)))
        cleanup.push(() => resets.dispose())
      }
      const lost = lease.onLost(() =>
        log.warn('The chain connection changed while the miner runs. On the same network the miner starts again by itself once the new chain is seen; after switching to another network, restart the miner there.', { network: lease.network }),
      )
      cleanup.push(() => lost.dispose())
      log.info('Miner runtime ready', { network: lease.network, endpoint: lease.client.endpoint, netuid, hotkey: hotkey.address, neurons: metagraph.size, block: metagraph.block })

      // On the practice network an empty public IP means "on this machine": its operator places the axon at 127.0.0.1.
      const practice = lease.network === 'devnet' && (!params.externalIp || params.externalIp === '127.0.0.1') ? (await deps.chain.practice())?.node : undefined
      const ipDetector: PublicIpDetector = practice ? new FixedIpDetector('127.0.0.1') : params.externalIp ? new FixedIpDetector(params.externalIp) : (deps.ipDetector?.() ?? new HttpPublicIpDetector())
      const runtime: MinerRuntime = {
        signer: hotkey,
        metagraph,
        embedder: gatedEmbedder(inference.embedder, deps.safetyGate),
        inference,
        netuid,
        chain: practice ? new PracticeChainPort(lease.client, hotkey, practice) : new ClientChainPort(lease.client, hotkey),
        ipDetector,
        refresh: () => metagraph.refresh(),
        onChainReset: (listener) => void resetListeners.push(listener),
        async dispose() {
          for (const fn of cleanup.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined)
        },
      }
      return runtime
    } catch (error) {
      for (const fn of cleanup.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined)
      throw error
    }
  }
}
