import { AxonServer } from '../../../bittensor/axon/axon-server'
import type { AxonLimits, AxonRequestRecord as CoreRecord, BlacklistConfig } from '../../../bittensor/axon/axon-server'
import { OPENKAITO_BLACKLIST, TextEmbeddingRoute, newTextEmbeddingWork } from '../../../protocols/text-embedding/axon-route'
import type { TextEmbeddingLimits, TextEmbeddingRouteOptions, TextEmbeddingWork } from '../../../protocols/text-embedding/axon-route'
import { OpenAiEmbeddingsRoute } from '../../../protocols/text-embedding/openai-route'
import type { Signer } from '../../../bittensor/keys/signer'
import type { Embedder, MetagraphView, NonceStore } from '../ports'

/** One handled request of the miner's axon, for logs, metrics and the live feed. */
export type AxonRequestRecord = CoreRecord<TextEmbeddingWork>

export interface MinerAxonOptions {
  readonly signer: Signer
  readonly metagraph: MetagraphView
  readonly embedder: Embedder
  readonly nonces: NonceStore
  readonly host?: string
  readonly port: number
  /** Over the OpenKaito reference miner's defaults. */
  readonly blacklist?: Partial<BlacklistConfig>
  readonly limits?: Partial<AxonLimits & TextEmbeddingLimits>
  /** Nanoseconds since the Unix epoch (tests move the clock). */
  readonly nowNs?: () => bigint
  readonly onRequest?: (record: AxonRequestRecord) => void
  readonly onWarning?: (message: string, fields: Record<string, unknown>) => void
  readonly resultsSerialization?: TextEmbeddingRouteOptions['resultsSerialization']
  readonly resultsWorkers?: number
}

/**
 * The miner's axon: the bittensor axon serving `/TextEmbeddingSynapse` and the `/Synapse` ping
 * (v10 dendrites), and btauth/1-signed `POST /v1/embeddings` (SDK 11 callers), one caller policy.
 */
export class MinerAxon extends AxonServer<TextEmbeddingWork> {
  private readonly route: TextEmbeddingRoute

  constructor(options: MinerAxonOptions) {
    const route = new TextEmbeddingRoute({
      embedder: options.embedder,
      limits: options.limits,
      resultsSerialization: options.resultsSerialization,
      resultsWorkers: options.resultsWorkers,
      onWarning: (message) => options.onWarning?.(message, {}),
    })
    super({ ...options, routes: [route], signedRoutes: [new OpenAiEmbeddingsRoute(route)], newWork: newTextEmbeddingWork, blacklist: { ...OPENKAITO_BLACKLIST, ...options.blacklist } })
    this.route = route
  }

  /** Where `results` JSON is printed, and how many responses each place printed. */
  get resultsSerialization(): TextEmbeddingRoute['resultsSerialization'] {
    return this.route.resultsSerialization
  }
}
