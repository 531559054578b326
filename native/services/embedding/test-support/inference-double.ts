import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { hashEmbedding } from '../../miner/testing/hash-embedder'

/**
 * The HTTP plumbing shared by the TEI and OpenAI doubles: 127.0.0.1 only, deterministic rows
 * (hashEmbedding, so a test recomputes what any endpoint must answer), a per-text compute
 * time to give each double a throughput, optional bearer key, and `kill()`, which drops every
 * open connection and stops listening the way a killed process does (resets, then refusals).
 */
export interface InferenceDoubleOptions {
  /** Width of the rows the "model" produces. */
  readonly dimension?: number
  /** Simulated compute time per text (ms); requests are served one at a time, like a single GPU. */
  readonly msPerText?: number
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string
}

export type DoubleRoute = (req: http.IncomingMessage, body: unknown) => Promise<{ status: number; body: unknown }>

export abstract class InferenceDouble {
  readonly dimension: number
  msPerText: number
  /** Texts embedded so far (to see how the pool spread the load). */
  texts = 0
  requests = 0
  /** When true, health checks report the model unhealthy. */
  unhealthy = false
  private readonly server: http.Server
  private busyUntil = 0

  protected constructor(protected readonly options: InferenceDoubleOptions) {
    this.dimension = options.dimension ?? 32
    this.msPerText = options.msPerText ?? 0
    this.server = http.createServer((req, res) => void this.serve(req, res))
  }

  protected abstract route(method: string, path: string): DoubleRoute | undefined
  protected abstract unauthorized(): { status: number; body: unknown }
  protected abstract notFound(): { status: number; body: unknown }

  /** The address it listened on (still known after kill()). */
  url = ''

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.url
  }

  /** Like SIGKILL on the server process: open connections reset, new ones are refused. */
  kill(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  /** Rows for `texts`, after the simulated compute time (requests queue behind each other). */
  protected async compute(texts: readonly string[], dimensions = this.dimension): Promise<Float32Array[]> {
    const now = Date.now()
    const start = Math.max(now, this.busyUntil)
    this.busyUntil = start + texts.length * this.msPerText
    if (this.busyUntil > now) await new Promise((r) => setTimeout(r, this.busyUntil - now))
    this.texts += texts.length
    this.requests++
    return texts.map((t) => hashEmbedding(t, dimensions))
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (r: { status: number; body: unknown }): void => {
      if (res.destroyed) return
      const text = r.body === undefined ? '' : JSON.stringify(r.body)
      res.writeHead(r.status, text ? { 'content-type': 'application/json' } : {})
      res.end(text)
    }
    try {
      const chunks: Buffer[] = []
      for await (const c of req as AsyncIterable<Buffer>) chunks.push(c)
      const route = this.route(req.method ?? 'GET', (req.url ?? '/').split('?')[0]!)
      if (!route) return send(this.notFound())
      if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) return send(this.unauthorized())
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        return send({ status: 400, body: { error: 'invalid JSON' } })
      }
      send(await route(req, body))
    } catch {
      res.destroy()
    }
  }
}
