import type { DoubleRoute, InferenceDoubleOptions } from './inference-double'
import { InferenceDouble } from './inference-double'

/**
 * A protocol-exact double of Hugging Face text-embeddings-inference (TEI), from its source
 * (github.com/huggingface/text-embeddings-inference @ 0d124dc, router/src):
 * - `POST /embed` (http/server.rs `embed`): body `EmbedRequest` (http/types.rs:411) `{inputs:
 *   string | string[], truncate?: bool = false, normalize: bool = true, dimensions?: number}`;
 *   answers `[[f32]]` (`EmbedResponse`, types.rs:450).
 * - Errors are `ErrorResponse {error, error_type}` (lib.rs:599) with `error_type` one of
 *   Unhealthy | Backend | Overloaded | Validation | Tokenizer | Empty (serde's default, PascalCase),
 *   and the status from `impl From<&ErrorType> for StatusCode` (server.rs:1891): 503, 424, 429,
 *   422, 422, 400. A batch above `max_client_batch_size` is a Validation error (server.rs:205).
 * - `GET /health` (server.rs:70): 200 with an empty body, or 503 `{error:"unhealthy",error_type:"Unhealthy"}`.
 * - `GET /info` (lib.rs:547 `Info`): includes `max_client_batch_size` (TEI's default is 32).
 * - `--api-key`: every route needs `Authorization: Bearer KEY`, else a bare 401 (server.rs:1840).
 */
export interface TeiDoubleOptions extends InferenceDoubleOptions {
  readonly maxClientBatchSize?: number
  /** Tokens per input (the double counts words) above which an untruncated input is refused. */
  readonly maxInputLength?: number
}

type TeiErrorType = 'Unhealthy' | 'Backend' | 'Overloaded' | 'Validation' | 'Tokenizer' | 'Empty'
const STATUS: Record<TeiErrorType, number> = { Unhealthy: 503, Backend: 424, Overloaded: 429, Validation: 422, Tokenizer: 422, Empty: 400 }

export function teiError(type: TeiErrorType, error: string): { status: number; body: { error: string; error_type: TeiErrorType } } {
  return { status: STATUS[type], body: { error, error_type: type } }
}

export class TeiDouble extends InferenceDouble {
  readonly maxClientBatchSize: number
  readonly maxInputLength: number
  /** When set, `/embed` answers this error (e.g. Overloaded) instead of rows. */
  failWith: TeiErrorType | undefined

  constructor(options: TeiDoubleOptions = {}) {
    super(options)
    this.maxClientBatchSize = options.maxClientBatchSize ?? 32
    this.maxInputLength = options.maxInputLength ?? 512
  }

  protected route(method: string, path: string): DoubleRoute | undefined {
    if (method === 'GET' && path === '/health') return () => Promise.resolve(this.unhealthy ? teiError('Unhealthy', 'unhealthy') : { status: 200, body: undefined })
    if (method === 'GET' && path === '/info') return () => Promise.resolve({ status: 200, body: this.info() })
    if (method === 'POST' && path === '/embed') return (_req, body) => this.embed(body)
    return undefined
  }

  protected unauthorized(): { status: number; body: unknown } {
    return { status: 401, body: undefined }
  }

  protected notFound(): { status: number; body: unknown } {
    return { status: 404, body: undefined }
  }

  private info(): Record<string, unknown> {
    return {
      model_id: 'BAAI/bge-large-en-v1.5',
      model_sha: null,
      model_dtype: 'float16',
      served_model_name: 'BAAI/bge-large-en-v1.5',
      model_type: { embedding: { pooling: 'cls' } },
      max_concurrent_requests: 512,
      max_input_length: this.maxInputLength,
      max_batch_tokens: 16384,
      max_batch_requests: null,
      max_client_batch_size: this.maxClientBatchSize,
      auto_truncate: false,
      tokenization_workers: 1,
      version: '1.8.0',
      sha: null,
      docker_label: null,
    }
  }

  private async embed(body: unknown): Promise<{ status: number; body: unknown }> {
    const b = (body ?? {}) as { inputs?: unknown; truncate?: unknown; normalize?: unknown; dimensions?: unknown }
    const inputs = typeof b.inputs === 'string' ? [b.inputs] : b.inputs
    // serde rejects a body that does not deserialize with a 422 from axum's Json extractor.
    if (!Array.isArray(inputs) || !inputs.every((t) => typeof t === 'string')) return { status: 422, body: undefined }
    if (inputs.length === 0) return teiError('Empty', 'Input validation error: `inputs` cannot be empty')
    if (inputs.length > this.maxClientBatchSize) return teiError('Validation', `Input validation error: batch size ${inputs.length} > maximum allowed batch size ${this.maxClientBatchSize}`)
    if (b.truncate !== true) {
      const long = inputs.map((t) => t.split(/\s+/).length).find((n) => n > this.maxInputLength)
      if (long !== undefined) return teiError('Validation', `Input validation error: \`inputs\` must have less than ${this.maxInputLength} tokens. Given: ${long}`)
    }
    if (this.failWith) return teiError(this.failWith, this.failWith === 'Overloaded' ? 'Model is overloaded' : 'Backend error: inference failed')
    const dims = typeof b.dimensions === 'number' ? b.dimensions : this.dimension
    if (dims > this.dimension) return teiError('Validation', `Input validation error: dimensions ${dims} > model dimension ${this.dimension}`)
    // Rows of hashEmbedding are unit vectors, so `normalize` true or false prints the same numbers.
    const rows = await this.compute(inputs, this.dimension)
    return { status: 200, body: rows.map((r) => Array.from(r.subarray(0, dims))) }
  }
}
