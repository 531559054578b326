import { BUSY_RETRY_AFTER_S } from '../../bittensor/axon/axon-server'
import { EngineError } from '../../contract/errors'

/**
 * What an embedding request that failed should answer over HTTP, whatever the route (the axon's
 * synapse and `/v1/embeddings`, the local OpenAI API). Overload is the caller's cue to come back
 * (503 with Retry-After), a request the model cannot serve is the caller's mistake (400), and only
 * what is really unexpected is a 500.
 */
export interface EmbeddingFailure {
  readonly status: number
  readonly message: string
  readonly headers: Readonly<Record<string, string>>
}


export function busyFailure(message: string): EmbeddingFailure {
  return { status: 503, message, headers: { 'retry-after': String(BUSY_RETRY_AFTER_S) } }
}

export function embeddingFailure(error: unknown): EmbeddingFailure {
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof EngineError) {
    switch (error.code) {
      case 'BUSY':
        return busyFailure(message)
      case 'BAD_REQUEST':
      case 'INVALID_PARAMS':
        return { status: 400, message, headers: {} }
      case 'NOT_FOUND':
      case 'MODEL_INVALID':
        // No model is loaded (or it was unloaded mid-request): the service is down, not broken.
        return { status: 503, message, headers: {} }
      default:
        break
    }
  }
  return { status: 500, message: `Embedding failed: ${message}`, headers: {} }
}
