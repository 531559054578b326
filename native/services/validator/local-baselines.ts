/**
 * The installed local models as dashboard baselines (through the embedding service's index). The
 * model the engine has loaded is used as it is; any other is loaded for the round and let go
 * after, so that a validator that does not mine keeps no model in memory between rounds.
 */
import { Embedder } from '../embedding'
import type { EmbeddingService } from '../embedding'
import type { BaselineModel } from './round-baselines'

/** At most this many installed models per round (each is a full pass over the round's texts). */
export const MAX_LOCAL_BASELINES = 3

export type LocalBaselines = () => BaselineModel[]

export function localBaselines(embedding: EmbeddingService): LocalBaselines {
  return () =>
    embedding.models
      .installed()
      .slice(0, MAX_LOCAL_BASELINES)
      .map((m) => ({
        name: m.id,
        kind: 'local' as const,
        async embed(texts, dimensions, signal) {
          const status = embedding.status()
          if (status.state === 'ready' && status.modelId === m.id) return (await embedding.embed(texts, { dimensions, signal })).vectors
          const embedder = await Embedder.load(embedding.embedderOptions(m, embedding.providerPreference()))
          try {
            return (await embedder.embed(texts, { dimensions, signal })).vectors
          } finally {
            await embedder.dispose()
          }
        },
      }))
}
