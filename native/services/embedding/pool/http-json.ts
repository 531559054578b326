/**
 * One JSON request to an inference server. Node's fetch (undici) keeps connections alive per
 * origin, so steady traffic to an endpoint reuses its sockets.
 */

/** Why an endpoint did not answer, and whether another endpoint should get the texts instead. */
export class EndpointFailure extends Error {
  constructor(
    message: string,
    /** false: the request itself is wrong (any endpoint would refuse it). */
    readonly retryable: boolean,
    readonly status: number | null = null,
  ) {
    super(message)
    this.name = 'EndpointFailure'
  }
}

const CONNECTION_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is the server running on that port?',
  ECONNRESET: 'the connection was reset',
  UND_ERR_SOCKET: 'the server closed the connection',
  ENOTFOUND: 'unknown host name',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
}

export interface JsonReply {
  readonly status: number
  readonly json: unknown
}

export async function requestJson(url: string, init: { method: 'GET' | 'POST'; body?: unknown; apiKey?: string; signal: AbortSignal }): Promise<JsonReply> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.apiKey) headers.authorization = `Bearer ${init.apiKey}`
  let response: Response
  let text: string
  try {
    response = await fetch(url, { method: init.method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal })
    text = await response.text()
  } catch (error) {
    if (init.signal.aborted) throw new EndpointFailure(`no answer in time from ${url}`, true)
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    const why = CONNECTION_ERRORS[cause?.code ?? ''] ?? cause?.message ?? (error instanceof Error ? error.message : String(error))
    throw new EndpointFailure(`cannot reach ${url} (${why})`, true)
  }
  let json: unknown = undefined
  if (text) {
    try {
      json = JSON.parse(text)
    } catch {
      if (response.ok) throw new EndpointFailure(`${url} answered ${response.status} with a body that is not JSON`, true, response.status)
    }
  }
  return { status: response.status, json }
}

/** The message in an error body: TEI's `{error, error_type}` or OpenAI's `{error: {message, type}}`. */
export function errorMessage(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined
  const e = (json as { error?: unknown }).error
  if (typeof e === 'string') {
    const type = (json as { error_type?: unknown }).error_type
    return typeof type === 'string' ? `${type}: ${e}` : e
  }
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message
  return undefined
}

/** A non-2xx answer as an EndpointFailure: the server's own words, and plain advice for the ones a user fixes. */
export function failureFor(url: string, reply: JsonReply): EndpointFailure {
  const said = errorMessage(reply.json)
  const status = reply.status
  if (status === 401 || status === 403) return new EndpointFailure(`${url} refused the API key (${status}${said ? `: ${said}` : ''}); check the key's environment variable`, true, status)
  if (status === 404) return new EndpointFailure(`${url} has no such route (404); check the endpoint kind (tei or openai) and the address`, true, status)
  // 400/413/422: the texts themselves were refused; 408/429/5xx/424: this endpoint is busy or broken.
  const retryable = !(status === 400 || status === 413 || status === 422)
  return new EndpointFailure(`${url} answered ${status}${said ? `: ${said}` : ''}`, retryable, status)
}
