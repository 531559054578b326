import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { JsonCodecError, JsonThreads } from '../../platform/json-threads'
import { embeddingFailure } from '../../protocols/text-embedding/embedding-failure'
import { openAiEmbeddingsAnswer } from '../../protocols/text-embedding/openai-embeddings'
import { ResultsSerializerPool } from '../../protocols/text-embedding/results-pool'
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
  /** Large bodies are decoded and parsed in worker threads, not in the engine's event loop. */
  private readonly json = new JsonThreads()
  /** Answers are printed in worker threads too: 2,048 rows of numbers took 0.6-1 s in the loop. */
  private readonly results = new ResultsSerializerPool()

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
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    }).then(async () => {
      await Promise.all([this.json.close(), this.results.close()])
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
    const tooLarge = `Request body too large (this API accepts at most ${this.maxBodyBytes} bytes).`
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (declared > this.maxBodyBytes) return this.error(res, 413, tooLarge)
    // With a Content-Length the bytes are copied once, as they arrive, into one buffer: no chunk
    // list, no concatenating copy (a 10 MB body touched whole in one go stalls the loop).
    const into = Number.isSafeInteger(declared) && declared >= 0 ? Buffer.allocUnsafe(declared) : null
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (size + chunk.length > (into?.length ?? this.maxBodyBytes)) return this.error(res, 413, tooLarge)
      if (into) chunk.copy(into, size)
      else chunks.push(chunk)
      size += chunk.length
    }
    let parsed: z.infer<typeof Request>
    try {
      const r = Request.safeParse(await this.json.parse(into ? into.subarray(0, size) : Buffer.concat(chunks, size)))
      if (!r.success) return this.error(res, 400, `Invalid request: ${r.error.issues[0]?.path.join('.') || '(root)'}: ${r.error.issues[0]?.message ?? ''}`)
      parsed = r.data
    } catch (error) {
      if (error instanceof JsonCodecError && error.kind !== 'internal') return this.error(res, 400, 'The body is not valid JSON.')
      return this.error(res, 500, `The request could not be parsed: ${error instanceof Error ? error.message : String(error)}. Try again.`)
    }
    const texts = typeof parsed.input === 'string' ? [parsed.input] : parsed.input
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    try {
      const dimensions = parsed.dimensions ?? this.defaultDimensions
      const rows = await this.embedder.embed(texts, dimensions, abort.signal)
      // The rows are unit vectors already: printed as they are (rounded to 1e-9), not re-normalised.
      const answer = openAiEmbeddingsAnswer(await this.results.serialize(rows, dimensions, false), parsed.model ?? this.embedder.name, 0)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.cork()
      for (const chunk of answer) res.write(chunk)
      res.end()
    } catch (error) {
      const failure = embeddingFailure(error)
      this.error(res, failure.status, failure.message, failure.headers)
    }
  }
}
