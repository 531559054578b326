import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AxonRequestRecord } from './axon/miner-axon'
import { PING_ROUTE } from '../../bittensor/wire/v10/format'
import { EMBEDDING_ROUTES, isEmbeddingRoute } from '../../protocols/text-embedding/routes'

const LATENCY_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60]

class Histogram {
  readonly counts = new Array<number>(LATENCY_BUCKETS_S.length).fill(0)
  sum = 0
  count = 0
  observe(seconds: number): void {
    this.sum += seconds
    this.count++
    for (let i = 0; i < LATENCY_BUCKETS_S.length; i++) if (seconds <= LATENCY_BUCKETS_S[i]!) this.counts[i]!++
  }
  render(name: string, out: string[]): void {
    for (let i = 0; i < LATENCY_BUCKETS_S.length; i++) out.push(`${name}_bucket{le="${LATENCY_BUCKETS_S[i]}"} ${this.counts[i]}`)
    out.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.sum}`, `${name}_count ${this.count}`)
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]!
}

export interface MinuteRollup {
  readonly minute: number
  readonly requests: number
  readonly errors: number
  readonly texts: number
  readonly p50Ms: number
  readonly p95Ms: number
}

/** Counters and histograms since start (Prometheus), plus per-minute rollups for charts. */

const KNOWN_ROUTES: ReadonlySet<string> = new Set([...EMBEDDING_ROUTES, PING_ROUTE])

export class MinerMetrics {
  private readonly byStatus = new Map<string, number>()
  private texts = 0
  private readonly latency = new Histogram()
  private readonly inference = new Histogram()
  private minute = Math.floor(Date.now() / 60_000)
  private minuteLatencies: number[] = []
  private minuteErrors = 0
  private minuteTexts = 0

  constructor(
    private readonly gauges: () => Record<string, number> = () => ({}),
    /** Further exposition lines (the inference pool's per-endpoint series). */
    private readonly extra: () => string[] = () => [],
  ) {}

  observe(r: AxonRequestRecord, onRollup?: (m: MinuteRollup) => void): void {
    // Routes come from the URL, which anyone can send: only the axon's own routes become labels,
    // so the series stay bounded and the exposition cannot be broken by quotes in a path.
    const route = KNOWN_ROUTES.has(r.route) ? r.route : 'unknown'
    const key = `${route}|${Number.isInteger(r.status) ? r.status : 0}`
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1)
    if (!isEmbeddingRoute(r.route)) return
    const m = Math.floor(r.time / 60_000)
    if (m !== this.minute) this.flush(onRollup, m)
    this.minuteLatencies.push(r.latencyMs)
    if (r.status !== 200) this.minuteErrors++
    if (r.status === 200) {
      this.texts += r.texts
      this.minuteTexts += r.texts
      this.latency.observe(r.latencyMs / 1000)
      this.inference.observe(r.inferenceMs / 1000)
    }
  }

  /** Closes the current minute (if it has data) and starts `next`. */
  flush(onRollup?: (m: MinuteRollup) => void, next = Math.floor(Date.now() / 60_000)): MinuteRollup | undefined {
    let rollup: MinuteRollup | undefined
    if (this.minuteLatencies.length > 0) {
      const sorted = [...this.minuteLatencies].sort((a, b) => a - b)
      rollup = {
        minute: this.minute,
        requests: sorted.length,
        errors: this.minuteErrors,
        texts: this.minuteTexts,
        p50Ms: quantile(sorted, 0.5),
        p95Ms: quantile(sorted, 0.95),
      }
      onRollup?.(rollup)
    }
    this.minute = next
    this.minuteLatencies = []
    this.minuteErrors = 0
    this.minuteTexts = 0
    return rollup
  }

  totals(): { requests: number; errors: number; texts: number } {
    let requests = 0
    let errors = 0
    for (const [key, n] of this.byStatus) {
      if (!key.startsWith('TextEmbeddingSynapse|')) continue
      requests += n
      if (!key.endsWith('|200')) errors += n
    }
    return { requests, errors, texts: this.texts }
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = []
    out.push('# HELP taodesk_miner_requests_total Axon requests answered, by route and HTTP status.', '# TYPE taodesk_miner_requests_total counter')
    for (const [key, n] of [...this.byStatus].sort()) {
      const [route, status] = key.split('|')
      out.push(`taodesk_miner_requests_total{route="${route}",status="${status}"} ${n}`)
    }
    out.push('# HELP taodesk_miner_texts_total Texts embedded for validators.', '# TYPE taodesk_miner_texts_total counter', `taodesk_miner_texts_total ${this.texts}`)
    out.push('# HELP taodesk_miner_request_duration_seconds Successful TextEmbeddingSynapse requests, end to end.', '# TYPE taodesk_miner_request_duration_seconds histogram')
    this.latency.render('taodesk_miner_request_duration_seconds', out)
    out.push('# HELP taodesk_miner_inference_duration_seconds Time spent in the embedding model per request.', '# TYPE taodesk_miner_inference_duration_seconds histogram')
    this.inference.render('taodesk_miner_inference_duration_seconds', out)
    for (const [name, value] of Object.entries(this.gauges())) {
      out.push(`# TYPE taodesk_miner_${name} gauge`, `taodesk_miner_${name} ${value}`)
    }
    out.push(...this.extra())
    return `${out.join('\n')}\n`
  }
}

/** Serves `GET /metrics` on a loopback port, nothing else. */
export class MetricsServer {
  private readonly server: http.Server

  constructor(
    private readonly metrics: MinerMetrics,
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {
    this.server = http.createServer((req, res) => {
      if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
        const body = this.metrics.render()
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' })
        res.end(body)
        return
      }
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('Not found. Metrics are at /metrics\n')
    })
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'EADDRINUSE' ? new Error(`Metrics port ${this.port} is already in use; choose another with --metrics-port.`) : e),
      )
      this.server.listen(this.port, this.host, () => resolve())
    })
    const a = this.server.address() as AddressInfo
    return `http://${this.host}:${a.port}/metrics`
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }
}
