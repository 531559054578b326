import { z } from 'zod'

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

/** The ping synapse (`/Synapse`): no required fields. */
export const PingBody = z.object({}).loose()

/** OpenKaito 0.8.3, the version this miner implements (spec §1.1). */
export const OPENKAITO_VERSION = { major: 0, minor: 8, patch: 3 } as const

export function isNewerVersion(v: { major: number; minor: number; patch: number } | null | undefined): boolean {
  if (!v) return false
  const a = [v.major, v.minor, v.patch]
  const b = [OPENKAITO_VERSION.major, OPENKAITO_VERSION.minor, OPENKAITO_VERSION.patch]
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0)
  return false
}
