import type { InferenceEndpointStatus, InferenceSettings } from '../../../contract'
import type { EndpointClient } from './endpoint-clients'
import { clientFor } from './endpoint-clients'
import { EndpointFailure } from './http-json'
import type { InferencePoolOptions, PoolEmbedder, PoolMember } from './inference-pool'
import { InferencePool } from './inference-pool'

/** What the miner embeds with: the local runtime alone, or a pool of endpoints (with or without it). */
export interface MinerInference {
  readonly embedder: PoolEmbedder
  /** Whether a model must be loaded in this engine before the miner starts. */
  readonly usesLocalModel: boolean
  /** Endpoint health and throughput; empty when only the local runtime is used. */
  status(): InferenceEndpointStatus[]
  /** Per-endpoint Prometheus lines for the miner's /metrics. */
  prometheus(): string[]
  dispose(): void
}

export interface LocalRuntime {
  readonly embedder: PoolEmbedder
  /** Why the local model cannot serve now (not loaded, still loading), or null when it can. */
  problem(): string | null
}

/** The engine's own model as a pool member, so the pool can put it beside remote servers. */
class LocalClient implements EndpointClient {
  readonly label = 'local'
  readonly maxBatch = Number.MAX_SAFE_INTEGER
  constructor(private readonly local: LocalRuntime) {}
  async embed(texts: readonly string[], dimensions: number | undefined, signal: AbortSignal): Promise<Float32Array[]> {
    const rows = await this.local.embedder.embed(texts, dimensions ?? 1024, signal)
    return rows.map((r) => (r instanceof Float32Array ? r : Float32Array.from(r)))
  }
  health(): Promise<void> {
    const problem = this.local.problem()
    return problem ? Promise.reject(new EndpointFailure(problem, true)) : Promise.resolve()
  }
}

export function poolMembers(settings: InferenceSettings, local: LocalRuntime | undefined, env?: NodeJS.ProcessEnv): PoolMember[] {
  const members: PoolMember[] = settings.endpoints.map((e) => ({ kind: e.kind, url: e.url, weight: e.weight, client: clientFor(e, env) }))
  if (settings.local && local) members.unshift({ kind: 'local', url: 'local', weight: 1, client: new LocalClient(local), adaptsWidth: true })
  return members
}

/**
 * Builds the miner's embedder from the inference settings: no endpoints means the local runtime
 * exactly as before (no pool in the way); otherwise a health-checked pool, started before the
 * axon opens so that the first validator request already knows which endpoints are up.
 */
export async function createMinerInference(settings: InferenceSettings, local: LocalRuntime, options: Omit<InferencePoolOptions, 'members'> & { readonly env?: NodeJS.ProcessEnv } = {}): Promise<MinerInference> {
  if (settings.endpoints.length === 0) {
    return { embedder: local.embedder, usesLocalModel: true, status: () => [], prometheus: () => [], dispose: () => undefined }
  }
  const pool = new InferencePool({ ...options, members: poolMembers(settings, local, options.env) })
  await pool.start()
  return { embedder: pool, usesLocalModel: settings.local, status: () => pool.status(), prometheus: () => pool.prometheus(), dispose: () => pool.dispose() }
}
