import { z } from 'zod'

/**
 * The OpenAI embeddings exchange that text-embedding miners answer over btauth/1 (issue 13):
 * `POST /v1/embeddings` with `{"input": [...], "model", "dimensions", "encoding_format": "float"}`,
 * answered by `{"object": "list", "data": [{"object": "embedding", "index", "embedding"}], "model",
 * "usage"}`. The miner's route writes answers here, the validator reads them here. Nothing here
 * knows how requests are signed.
 */

export const OPENAI_EMBEDDINGS_PATH = '/v1/embeddings'
/** The dimensions validators ask for (OpenKaito), used when a request names none. */
export const DEFAULT_OPENAI_DIMENSIONS = 1024
/** What a TaoDesk validator names as `model`: miners serve their own model, whatever it is called. */
export const VALIDATOR_MODEL_NAME = 'openkaito-text-embedding'

export const OpenAiEmbeddingsRequest = z
  .object({
    input: z.union([z.string(), z.array(z.string(), { error: 'input must be a string or a list of strings' })]),
    model: z.string().max(200).optional(),
    dimensions: z.number().int().min(1).optional(),
    encoding_format: z.literal('float', { error: 'only encoding_format "float" is served' }).optional(),
  })
  .loose()
export type OpenAiEmbeddingsRequest = z.infer<typeof OpenAiEmbeddingsRequest>

/** The request body a validator sends. */
export function openAiEmbeddingsBody(texts: readonly string[], dimensions: number): string {
  return JSON.stringify({ input: texts, model: VALIDATOR_MODEL_NAME, dimensions, encoding_format: 'float' })
}

/**
 * `usage.prompt_tokens`: words and punctuation marks, an estimate (the embedder does not report
 * its tokenizer's count; OpenAI clients only display it). Only each text's first
 * ESTIMATE_CHARS count: the model reads at most a few thousand tokens of a text, and matching a
 * 10 MB text here made millions of strings in the engine's main thread.
 */
export function estimateTokens(texts: readonly string[]): number {
  let n = 0
  for (const t of texts) n += (t.length > ESTIMATE_CHARS ? t.slice(0, ESTIMATE_CHARS) : t).match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu)?.length ?? 0
  return n
}

const ESTIMATE_CHARS = 65_536

const OPEN = 0x5b
const CLOSE = 0x5d
const CLOSE_BRACE = Buffer.from('}')

/**
 * The OpenAI answer around rows already printed as a JSON array of arrays (`[[…],[…]]`, numbers
 * only, as the results printer writes them): each row is cut out of those bytes, not re-printed,
 * and the pieces are sent in order.
 */
export function openAiEmbeddingsAnswer(matrix: Buffer | string, model: string, promptTokens: number): Buffer[] {
  const bytes = typeof matrix === 'string' ? Buffer.from(matrix, 'utf8') : matrix
  const out: Buffer[] = [Buffer.from('{"object":"list","data":[')]
  // Rows hold numbers only, so each row is the bytes from a "[" to the next "]": found with
  // indexOf (memchr), not a byte-by-byte loop (hundreds of ms for 2,048 rows of 384 numbers).
  const end = bytes.length - 1
  for (let index = 0, start = bytes.indexOf(OPEN, 1); start >= 0 && start < end; index++, start = bytes.indexOf(OPEN, start + 1)) {
    const close = bytes.indexOf(CLOSE, start)
    if (close < 0 || close >= end) break
    out.push(Buffer.from(`${index > 0 ? ',' : ''}{"object":"embedding","index":${index},"embedding":`), bytes.subarray(start, close + 1), CLOSE_BRACE)
    start = close
  }
  out.push(Buffer.from(`],"model":${JSON.stringify(model)},"usage":${JSON.stringify({ prompt_tokens: promptTokens, total_tokens: promptTokens })}}`))
  // One piece: writing thousands of small chunks to the socket cost far more than this copy.
  return [Buffer.concat(out)]
}

const OpenAiEmbeddingsAnswer = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.unknown() })),
})

/**
 * A miner's OpenAI answer as the synapse answer the scorer reads (`{"texts": [], "results":
 * rows}`, rows in `index` order), or undefined when it is not an embeddings list with each index
 * 0…n-1 exactly once. The rows themselves are checked by the scorer, as for the synapse.
 */
export function openAiAnswerAsResults(body: Uint8Array): Uint8Array | undefined {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'))
  } catch {
    return undefined
  }
  const parsed = OpenAiEmbeddingsAnswer.safeParse(json)
  if (!parsed.success) return undefined
  const rows = new Array<unknown>(parsed.data.data.length)
  for (const item of parsed.data.data) {
    if (item.index >= rows.length || rows[item.index] !== undefined) return undefined
    rows[item.index] = item.embedding
  }
  return Buffer.from(JSON.stringify({ texts: [], results: rows }), 'utf8')
}
