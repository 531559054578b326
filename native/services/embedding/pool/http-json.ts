import http from 'node:http'
import https from 'node:https'

/**
 * One JSON request to an inference server, over node:http with keep-alive agents (steady
 * traffic to an endpoint reuses its sockets). Not fetch: undici refuses the "bad ports" of the
 * fetch spec (6000, 6665-6669, ...), which a user's inference server may well listen on.
 */
// Idle sockets close after 4 s: before uvicorn's 5 s keep-alive (infinity, vLLM) closes them under us.
const AGENT = { keepAlive: true, maxSockets: 64, timeout: 4_000 }
const agents = { 'http:': new http.Agent(AGENT), 'https:': new https.Agent(AGENT) }

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
  EPIPE: 'the server closed the connection',
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
  const payload = init.body === undefined ? undefined : Buffer.from(JSON.stringify(init.body))
  if (payload) {
    headers['content-type'] = 'application/json'
    headers['content-length'] = String(payload.length)
  }
  if (init.apiKey) headers.authorization = `Bearer ${init.apiKey}`
  let reply: { status: number; text: string }
  try {
    reply = await send(url, init.method, headers, payload, init.signal)
  } catch (error) {
    if (init.signal.aborted) throw new EndpointFailure(`no answer in time from ${url}`, true)
    const code = (error as NodeJS.ErrnoException).code ?? ''
    throw new EndpointFailure(`cannot reach ${url} (${CONNECTION_ERRORS[code] ?? (error instanceof Error ? error.message : String(error))})`, true)
  }
  let json: unknown = undefined
  if (reply.text) {
    try {
      json = JSON.parse(reply.text)
    } catch {
      if (reply.status < 300) throw new EndpointFailure(`${url} answered ${reply.status} with a body that is not JSON`, true, reply.status)
    }
  }
  return { status: reply.status, json }
}

function send(url: string, method: string, headers: Record<string, string>, payload: Buffer | undefined, signal: AbortSignal, retry = true): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const lib = target.protocol === 'https:' ? https : http
    const req = lib.request(target, { method, headers, agent: agents[target.protocol as 'http:' | 'https:'], signal }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
      res.on('aborted', () => reject(Object.assign(new Error('the server closed the connection mid-answer'), { code: 'ECONNRESET' })))
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed while idle: the request never reached it, send it once more on a new one.
      if (retry && req.reusedSocket && error.code === 'ECONNRESET' && !signal.aborted) resolve(send(url, method, headers, payload, signal, false))
      else reject(error)
    })
    req.end(payload)
  })
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
