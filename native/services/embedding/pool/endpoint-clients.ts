import type { InferenceEndpoint } from '../../../contract'
import { EndpointFailure, failureFor, requestJson } from './http-json'

/** One inference server, as the pool sees it. */
export interface EndpointClient {
  readonly label: string
  /** Most texts per call (TEI refuses a batch above its max_client_batch_size). */
  readonly maxBatch: number
  /** Rows of the server's own width, or `dimensions` wide when asked. */
  embed(texts: readonly string[], dimensions: number | undefined, signal: AbortSignal): Promise<Float32Array[]>
  /** Resolves when the server says it can serve; throws EndpointFailure otherwise. */
  health(signal: AbortSignal): Promise<void>
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '')

function rowsFrom(url: string, value: unknown, count: number): Float32Array[] {
  if (!Array.isArray(value) || value.length !== count) throw new EndpointFailure(`${url} answered ${Array.isArray(value) ? value.length : 'no'} rows for ${count} texts`, true)
  return value.map((row: unknown) => {
    if (!Array.isArray(row) || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new EndpointFailure(`${url} answered a row that is not a list of finite numbers`, true)
    return Float32Array.from(row as number[])
  })
}

/**
 * text-embeddings-inference: `POST /embed {inputs, normalize, truncate}` → `[[f32]]`;
 * `GET /health`; `GET /info` for max_client_batch_size (router/src, see test-support/tei-double.ts).
 */
export class TeiClient implements EndpointClient {
  readonly label: string
  maxBatch = 32
  private readonly base: string

  constructor(
    endpoint: Pick<InferenceEndpoint, 'url'>,
    private readonly apiKey?: string,
  ) {
    this.base = trimSlash(endpoint.url)
    this.label = `tei ${this.base}`
  }

  async embed(texts: readonly string[], dimensions: number | undefined, signal: AbortSignal): Promise<Float32Array[]> {
    if (texts.length > this.maxBatch) {
      const parts: Array<Promise<Float32Array[]>> = []
      for (let i = 0; i < texts.length; i += this.maxBatch) parts.push(this.embed(texts.slice(i, i + this.maxBatch), dimensions, signal))
      return (await Promise.all(parts)).flat()
    }
    const url = `${this.base}/embed`
    // Validators send long texts: truncate to the model's length as the local runtime does.
    const reply = await requestJson(url, { method: 'POST', body: { inputs: texts, normalize: true, truncate: true, ...(dimensions ? { dimensions } : {}) }, apiKey: this.apiKey, signal })
    if (reply.status !== 200) throw failureFor(url, reply)
    return rowsFrom(url, reply.json, texts.length)
  }

  async health(signal: AbortSignal): Promise<void> {
    const url = `${this.base}/health`
    const reply = await requestJson(url, { method: 'GET', apiKey: this.apiKey, signal })
    if (reply.status !== 200) throw failureFor(url, reply)
    const info = await requestJson(`${this.base}/info`, { method: 'GET', apiKey: this.apiKey, signal }).catch(() => undefined)
    const max = (info?.json as { max_client_batch_size?: unknown } | undefined)?.max_client_batch_size
    if (typeof max === 'number' && Number.isInteger(max) && max > 0) this.maxBatch = max
  }
}

/**
 * OpenAI-compatible servers (infinity, vLLM, Ollama, TEI's /v1, another TaoDesk's local API):
 * `POST /v1/embeddings {input, model, encoding_format:"float"}` → `{data:[{index, embedding}]}`;
 * `GET /v1/models` as the health check.
 */
export class OpenAiClient implements EndpointClient {
  readonly label: string
  readonly maxBatch = 256
  private readonly base: string

  constructor(
    private readonly endpoint: Pick<InferenceEndpoint, 'url' | 'model'>,
    private readonly apiKey?: string,
  ) {
    // Accept both http://host:port and http://host:port/v1 as the address.
    this.base = trimSlash(endpoint.url).replace(/\/v1$/, '')
    this.label = `openai ${this.base}`
  }

  async embed(texts: readonly string[], dimensions: number | undefined, signal: AbortSignal): Promise<Float32Array[]> {
    const url = `${this.base}/v1/embeddings`
    const body = { input: texts, model: this.endpoint.model ?? 'default', encoding_format: 'float', ...(dimensions ? { dimensions } : {}) }
    const reply = await requestJson(url, { method: 'POST', body, apiKey: this.apiKey, signal })
    if (reply.status !== 200) throw failureFor(url, reply)
    const data = (reply.json as { data?: unknown } | undefined)?.data
    if (!Array.isArray(data)) throw new EndpointFailure(`${url} answered without a "data" list`, true)
    // `index` orders the rows (servers may answer out of order).
    const ordered = new Array<unknown>(texts.length)
    for (const item of data as Array<{ index?: unknown; embedding?: unknown }>) {
      const i = item?.index
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= texts.length) throw new EndpointFailure(`${url} answered an embedding with index ${String(i)} for ${texts.length} texts`, true)
      ordered[i] = item.embedding
    }
    return rowsFrom(url, data.length === texts.length ? ordered : data, texts.length)
  }

  async health(signal: AbortSignal): Promise<void> {
    const url = `${this.base}/v1/models`
    const reply = await requestJson(url, { method: 'GET', apiKey: this.apiKey, signal })
    if (reply.status !== 200) throw failureFor(url, reply)
  }
}

export function clientFor(endpoint: InferenceEndpoint, env: NodeJS.ProcessEnv = process.env): EndpointClient {
  const apiKey = endpoint.apiKeyEnv ? env[endpoint.apiKeyEnv] : undefined
  if (endpoint.apiKeyEnv && !apiKey) throw new EndpointFailure(`The API key variable ${endpoint.apiKeyEnv} for ${endpoint.url} is not set in the engine's environment. Set it (export ${endpoint.apiKeyEnv}=...) and start again.`, false)
  return endpoint.kind === 'tei' ? new TeiClient(endpoint, apiKey) : new OpenAiClient(endpoint, apiKey)
}
