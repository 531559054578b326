import { z } from 'zod'
import { NOT_THIS_SYNAPSE } from '../../bittensor/wire/v10/dendrite'
import type { SynapseQuery } from '../../bittensor/wire/v10/dendrite'

/** The synapse's name, which is also its axon route (`POST /TextEmbeddingSynapse`). */
export const TEXT_EMBEDDING_SYNAPSE = 'TextEmbeddingSynapse'
/** Fields the Python axon requires as `bt_header_input_obj_*` headers. */
export const TEXT_EMBEDDING_REQUIRED_FIELDS: readonly string[] = ['texts']

/**
 * The body of `TextEmbeddingSynapse` (spec §1.2). Extra keys are kept and echoed back, as the
 * Python dendrite ignores them; the fields the miner needs are validated.
 */
export const SynapseVersion = z.object({ major: z.number().int(), minor: z.number().int(), patch: z.number().int() })

export const TextEmbeddingBody = z
  .object({
    texts: z.array(z.string(), { error: 'texts must be a list of strings' }),
    dimensions: z.number().int().min(1).default(128),
    normalized: z.boolean().default(true),
    version: SynapseVersion.nullish(),
  })
  .loose()
export type TextEmbeddingBody = z.infer<typeof TextEmbeddingBody>

/** OpenKaito 0.8.3, the version this miner implements (spec §1.1). */
export const OPENKAITO_VERSION = { major: 0, minor: 8, patch: 3 } as const

export function isNewerVersion(v: { major: number; minor: number; patch: number } | null | undefined): boolean {
  if (!v) return false
  const a = [v.major, v.minor, v.patch]
  const b = [OPENKAITO_VERSION.major, OPENKAITO_VERSION.minor, OPENKAITO_VERSION.patch]
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0)
  return false
}

/** What a validator asks of a miner. */
export interface EmbeddingRequest {
  readonly texts: readonly string[]
  readonly dimensions: number
  readonly normalized: boolean
}

/**
 * The `results` of an answer, or NOT_THIS_SYNAPSE when the Python dendrite could not rebuild a
 * TextEmbeddingSynapse from it (no `texts` list).
 */
export function readTextEmbeddingAnswer(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { texts?: unknown }).texts)) return NOT_THIS_SYNAPSE
  return (json as { results?: unknown }).results
}

/** A TextEmbeddingSynapse for the dendrite, as OpenKaito 0.8.3 validators send it. */
export function textEmbeddingQuery(request: EmbeddingRequest): SynapseQuery {
  return {
    name: TEXT_EMBEDDING_SYNAPSE,
    requiredFields: TEXT_EMBEDDING_REQUIRED_FIELDS,
    fields: { texts: request.texts, dimensions: request.dimensions, normalized: request.normalized, version: OPENKAITO_VERSION, results: null },
    readAnswer: readTextEmbeddingAnswer,
  }
}
