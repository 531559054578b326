import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { embeddingFailure } from '../../protocols/text-embedding/embedding-failure'
import type { Embedder } from './ports'

const Request = z.object({
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  model: z.string().optional(),
  dimensions: z.number().int().min(1).max(8192).optional(),
  encoding_format: z.enum(['float']).optional(),
})

/** Host names a local program uses to reach 127.0.0.1 (with or without a port). */
const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i

/**
 * An OpenAI-compatible `POST /v1/embeddings` on 127.0.0.1 so the user's own programs can use
 * the model the miner serves. Off unless asked for; never bound to other interfaces, so it is
 * never exposed: a request naming any other Host is a web page using DNS rebinding to reach it
 * (403).
 *
 * `dimensions` follows OpenAI's rule for text-embedding-3 where the model allows it: a model
 * trained for Matryoshka truncation is cut and re-normalised; an ordinary model's vectors are not
 * cut (that silently hurts quality), and asking for fewer dimensions than it has is a 400 that
 * says which widths work. More dimensions than the model has are zero-padded.
 */
export class LocalEmbeddingsApi {
  private readonly server: http.Server

  constructor(
    private readonly embedder: Embedder,
    private readonly port: number,
    private readonly defaultDimensions = 1024,
    private readonly maxBodyBytes = 8 * 1024 * 1024,
  ) {
    this.server = http.createServer((req, res) => {
      // A client that goes away mid-upload makes the body iterator throw: answer if we still can.
      this.handle(req, res).catch(() => {
        if (!res.headersSent && !res.destroyed) this.error(res, 400, 'The request body could not be read.')
        else res.destroy()
      })
    })
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new Error(`Local API port ${this.port} is already in use.`) : e))
      this.server.listen(this.port, '127.0.0.1', () => resolve())
    })
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/embeddings`
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    res.writeHead(status, { ...headers, 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  private error(res: http.ServerResponse, status: number, message: string, headers: Readonly<Record<string, string>> = {}): void {
    this.send(res, status, { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error' } }, headers)
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
      return this.error(res, 403, 'This API answers only requests addressed to localhost, 127.0.0.1 or [::1] (Host header).')
    }
    const path = (req.url ?? '').split('?')[0]
    // The model list is what OpenAI-compatible clients (another TaoDesk's inference pool) health-check.
    if (path === '/v1/models' && req.method === 'GET') return this.send(res, 200, { object: 'list', data: [{ id: this.embedder.name, object: 'model', created: 0, owned_by: 'taodesk' }] })
    if (path !== '/v1/embeddings') return this.error(res, 404, 'Only POST /v1/embeddings (and GET /v1/models) are served here.')
    if (req.method !== 'POST') return this.error(res, 405, 'Use POST.')
    // Browsers may not call this from web pages (no CORS headers, and a JSON content type is required).
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return this.error(res, 415, 'Send Content-Type: application/json.')
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > this.maxBodyBytes) return this.error(res, 413, 'Request body too large.')
      chunks.push(chunk)
    }
    let parsed: z.infer<typeof Request>
    try {
      const r = Request.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')))
      if (!r.success) return this.error(res, 400, `Invalid request: ${r.error.issues[0]?.path.join('.') || '(root)'}: ${r.error.issues[0]?.message ?? ''}`)
      parsed = r.data
    } catch {
      return this.error(res, 400, 'The body is not valid JSON.')
    }
    const texts = typeof parsed.input === 'string' ? [parsed.input] : parsed.input
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    try {
      const rows = await this.embedder.embed(texts, parsed.dimensions ?? this.defaultDimensions, abort.signal)
      this.send(res, 200, {
        object: 'list',
        data: rows.map((row, index) => ({ object: 'embedding', index, embedding: Array.from(row) })),
        model: parsed.model ?? this.embedder.name,
        usage: { prompt_tokens: 0, total_tokens: 0 },
      })
    } catch (error) {
      const failure = embeddingFailure(error)
      this.error(res, failure.status, failure.message, failure.headers)
    }
  }
}
