/**
 * An OpenAI embeddings model as a dashboard baseline: `POST {baseUrl}/embeddings` with
 * `{model, input, dimensions, encoding_format: "float"}` (platform.openai.com/docs/api-reference/embeddings),
 * in batches, the answer rows in `data[].embedding` ordered by `data[].index`. The API key is sent
 * only in the Authorization header and never logged or put in an error message.
 */
import type { BaselineModel } from './round-baselines'

/** Inputs per request (OpenAI allows 2048; smaller batches keep each request well under its token limit). */
const BATCH = 256

interface EmbeddingsAnswer {
  readonly data?: ReadonlyArray<{ readonly index?: number; readonly embedding?: unknown }>
  readonly error?: { readonly message?: string }
}

function plainHttpError(status: number, body: EmbeddingsAnswer | undefined, url: string): string {
  const said = body?.error?.message ? ` It said: "${body.error.message}"` : ''
  if (status === 401) return `the OpenAI API refused the API key (401).${said} Enter a valid key in the dashboard settings.`
  if (status === 429) return `the OpenAI API is rate limiting this key or its quota is used up (429).${said} Check the key's billing and limits.`
  if (status === 404) return `${url} has no such model or endpoint (404).${said} Check the base URL in the dashboard settings.`
  return `the embeddings endpoint answered HTTP ${status}.${said}`
}

export function openAiBaseline(o: { model: string; baseUrl: string; apiKey: string }): BaselineModel {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/embeddings`
  const embedBatch = async (input: readonly string[], dimensions: number, signal: AbortSignal): Promise<Float32Array[]> => {
    let response: Response
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.apiKey}` },
        body: JSON.stringify({ model: o.model, input, dimensions, encoding_format: 'float' }),
        signal,
      })
    } catch (error) {
      if (signal.aborted) throw error
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error)
      throw new Error(`could not reach ${url} (${cause}). Check the base URL and this machine's internet connection.`)
    }
    const body = (await response.json().catch(() => undefined)) as EmbeddingsAnswer | undefined
    if (!response.ok) throw new Error(plainHttpError(response.status, body, url))
    const data = body?.data
    if (!Array.isArray(data) || data.length !== input.length) throw new Error(`${url} answered without one embedding per text.`)
    const rows: Float32Array[] = new Array<Float32Array>(input.length)
    data.forEach((d, i) => {
      const at = typeof d.index === 'number' ? d.index : i
      if (!Array.isArray(d.embedding) || at < 0 || at >= input.length) throw new Error(`${url} answered an embedding that is not a list of numbers.`)
      rows[at] = Float32Array.from(d.embedding as number[])
    })
    return rows
  }
  return {
    name: `openai:${o.model}`,
    kind: 'openai',
    async embed(texts, dimensions, signal) {
      const rows: Float32Array[] = []
      for (let i = 0; i < texts.length; i += BATCH) rows.push(...(await embedBatch(texts.slice(i, i + BATCH), dimensions, signal)))
      return rows
    },
  }
}
