import type { DoubleRoute, InferenceDoubleOptions } from './inference-double'
import { InferenceDouble } from './inference-double'

/**
 * A protocol-exact double of an OpenAI-compatible embeddings server (infinity, vLLM, Ollama's
 * /v1, TEI's own /v1), from the OpenAI API reference (platform.openai.com/docs/api-reference/embeddings):
 * - `POST /v1/embeddings` `{input: string | string[], model, encoding_format?: "float" | "base64",
 *   dimensions?}` → `{object:"list", data:[{object:"embedding", index, embedding:number[]}], model,
 *   usage:{prompt_tokens, total_tokens}}`.
 * - `GET /v1/models` → `{object:"list", data:[{id, object:"model", created, owned_by}]}` (the
 *   health check the pool uses).
 * - Errors: `{error:{message, type, param, code}}`; a bad key is a 401 `invalid_request_error`.
 */
export class OpenAiDouble extends InferenceDouble {
  readonly model: string

  constructor(options: InferenceDoubleOptions & { readonly model?: string } = {}) {
    super(options)
    this.model = options.model ?? 'bge-large-en-v1.5'
  }

  protected route(method: string, path: string): DoubleRoute | undefined {
    if (method === 'GET' && path === '/v1/models') {
      return () => Promise.resolve(this.unhealthy ? openAiError(503, 'server_error', 'The model is not loaded.') : { status: 200, body: { object: 'list', data: [{ id: this.model, object: 'model', created: 0, owned_by: 'double' }] } })
    }
    if (method === 'POST' && path === '/v1/embeddings') return (_req, body) => this.embed(body)
    return undefined
  }

  protected unauthorized(): { status: number; body: unknown } {
    return openAiError(401, 'invalid_request_error', 'Incorrect API key provided.')
  }

  protected notFound(): { status: number; body: unknown } {
    return openAiError(404, 'invalid_request_error', 'Not found.')
  }

  private async embed(body: unknown): Promise<{ status: number; body: unknown }> {
    const b = (body ?? {}) as { input?: unknown; model?: unknown; encoding_format?: unknown; dimensions?: unknown }
    const input = typeof b.input === 'string' ? [b.input] : b.input
    if (!Array.isArray(input) || input.length === 0 || !input.every((t) => typeof t === 'string')) return openAiError(400, 'invalid_request_error', "'input' must be a non-empty string or array of strings.")
    if (b.encoding_format !== undefined && b.encoding_format !== 'float') return openAiError(400, 'invalid_request_error', 'This double only prints encoding_format "float".')
    const dims = typeof b.dimensions === 'number' ? b.dimensions : this.dimension
    const rows = await this.compute(input, this.dimension)
    return {
      status: 200,
      body: {
        object: 'list',
        data: rows.map((r, index) => ({ object: 'embedding', index, embedding: Array.from(r.subarray(0, dims)) })),
        model: typeof b.model === 'string' ? b.model : this.model,
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      },
    }
  }
}

export function openAiError(status: number, type: string, message: string): { status: number; body: unknown } {
  return { status, body: { error: { message, type, param: null, code: null } } }
}
