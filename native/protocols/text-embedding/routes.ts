import { OPENAI_EMBEDDINGS_PATH } from './openai-embeddings'
import { TEXT_EMBEDDING_SYNAPSE } from './synapse'

/** The routes that carry embedding work: the v10 synapse and the btauth/1 OpenAI-shaped endpoint. */
export const EMBEDDING_ROUTES: ReadonlySet<string> = new Set([TEXT_EMBEDDING_SYNAPSE, OPENAI_EMBEDDINGS_PATH])

export function isEmbeddingRoute(route: string): boolean {
  return EMBEDDING_ROUTES.has(route)
}
