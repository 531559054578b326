import type { MinerWire } from '../../contract/validator'
import type { Signer } from '../../bittensor/keys/signer'
import { BtauthClient } from '../../bittensor/wire/btauth/client'
import { queryEach } from '../../bittensor/wire/http-query'
import type { AxonTarget, QueryOutcome } from '../../bittensor/wire/http-query'
import { Dendrite } from '../../bittensor/wire/v10/dendrite'
import { OPENAI_EMBEDDINGS_PATH, openAiAnswerAsResults, openAiEmbeddingsBody } from './openai-embeddings'
import type { EmbeddingRequest } from './synapse'
import { textEmbeddingQuery } from './synapse'

/**
 * How a validator asks miners for embeddings, by wire format: a TextEmbeddingSynapse through the
 * v10 dendrite, or an OpenAI embeddings request through the btauth/1 client. Either way a 200
 * outcome carries its raw body in the synapse answer shape (`{"texts", "results"}`), which the
 * scoring workers read, so nothing after the query depends on the wire.
 */
export interface MinerQueryOptions {
  readonly signer: Signer
  readonly timeoutS: number
  readonly externalIp?: string
}

export type QueryMiners = (targets: readonly AxonTarget[], request: EmbeddingRequest, onDone?: (o: QueryOutcome) => void) => Promise<QueryOutcome[]>

export function minerQuery(wire: MinerWire, options: MinerQueryOptions): QueryMiners {
  if (wire === 'v10') {
    const dendrite = new Dendrite({ ...options, deferParse: true })
    return (targets, request, onDone) => dendrite.queryAll(targets, textEmbeddingQuery(request), onDone)
  }
  const client = new BtauthClient(options)
  return (targets, request, onDone) => {
    // OpenAI embeddings are unit vectors: `normalized` has no field there.
    const post = { target: OPENAI_EMBEDDINGS_PATH, body: openAiEmbeddingsBody(request.texts, request.dimensions) }
    return queryEach(targets, async (t) => asSynapseAnswer(await client.query(t, post)), onDone)
  }
}

/** A btauth 200 answer re-shaped for the scorer; one that is not an embeddings list is the dendrite's 422. */
function asSynapseAnswer(o: QueryOutcome): QueryOutcome {
  if (o.status !== 200 || !o.body) return o
  const body = openAiAnswerAsResults(o.body)
  if (body) return { ...o, body }
  return { ...o, status: 422, message: 'Failed to parse response (not an OpenAI embeddings list)', body: undefined }
}
