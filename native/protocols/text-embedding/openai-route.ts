import { AxonHttpError } from '../../bittensor/axon/axon-server'
import type { RouteCall, SignedAnswer, SignedRoute } from '../../bittensor/axon/axon-server'
import type { TextEmbeddingRoute, TextEmbeddingWork } from './axon-route'
import { DEFAULT_OPENAI_DIMENSIONS, OPENAI_EMBEDDINGS_PATH, OpenAiEmbeddingsRequest, estimateTokens, openAiEmbeddingsAnswer } from './openai-embeddings'

/**
 * `POST /v1/embeddings` on a miner's axon, for btauth/1 callers (issue 13): an OpenAI embeddings
 * request, embedded by the same steps as the synapse (slot, deadline, results printer), answered
 * in the OpenAI shape with `usage`. The axon has verified the caller before this runs.
 */
export class OpenAiEmbeddingsRoute implements SignedRoute<TextEmbeddingWork> {
  readonly path = OPENAI_EMBEDDINGS_PATH

  constructor(private readonly embeddings: TextEmbeddingRoute) {}

  async handle(call: RouteCall<TextEmbeddingWork>): Promise<SignedAnswer> {
    const request = OpenAiEmbeddingsRequest.safeParse(call.json)
    if (!request.success) {
      const issue = request.error.issues[0]
      throw new AxonHttpError(400, `Invalid embeddings request: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'not an embeddings request'}`)
    }
    const { input, model, dimensions } = request.data
    const texts = typeof input === 'string' ? [input] : input
    // OpenAI embeddings are unit vectors.
    const matrix = await this.embeddings.embed(call, texts, dimensions ?? DEFAULT_OPENAI_DIMENSIONS, true)
    return { body: openAiEmbeddingsAnswer(matrix, model ?? this.embeddings.modelName, estimateTokens(texts)) }
  }
}
