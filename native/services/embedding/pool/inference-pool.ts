import type { InferenceEndpointKind, InferenceEndpointStatus } from '../../../contract'
import type { EndpointClient } from './endpoint-clients'
import { EndpointFailure } from './http-json'

/** The miner's embedder port (protocols/text-embedding/axon-route.ts `Embedder`), structurally. */
export interface PoolEmbedder {
  readonly name: string
  embed(texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<ArrayLike<number>[]>
}

export interface PoolMember {
  readonly kind: InferenceEndpointKind | 'local'
  readonly url: string
  readonly weight: number
  readonly client: EndpointClient
  /** The client returns rows exactly `dimensions` wide itself (the local runtime). */
  readonly adaptsWidth?: boolean
}

export interface InferencePoolOptions {
  readonly members: readonly PoolMember[]
  /** Texts per piece: a request is split so that several endpoints work on it at once. */
  readonly chunkTexts?: number
  readonly healthIntervalMs?: number
  readonly healthTimeoutMs?: number
  /** An attempt running longer than slowFactor × its expected time (and minAttemptMs) goes to another endpoint. */
  readonly slowFactor?: number
  readonly minAttemptMs?: number
  readonly onWarning?: (message: string, fields: Record<string, unknown>) => void
}

/** Before an endpoint has answered: assume it is as fast as the fastest measured one (so it gets tried). */
const UNMEASURED_TEXTS_PER_S = 100
const RATE_SMOOTHING = 0.3

class MemberState {
  healthy = true
  lastError: string | null = null
  checkedAt: number | null = null
  textsPerSecond: number | null = null
  inFlight = 0
  inFlightTexts = 0
  requests = 0
  failures = 0
  texts = 0
  busySeconds = 0
  /** The server answered wider rows than asked: send `dimensions` from now on. */
  sendDimensions = false
  constructor(readonly member: PoolMember) {}
}

/**
 * Local runtime and remote inference servers behind one miner. Each request is split into
 * pieces; each piece goes to the healthy endpoint expected to finish it first (texts already
 * queued there plus this piece, over its measured throughput times its weight). A piece whose
 * endpoint fails or stalls is sent to another one, as long as the caller's signal (the
 * validator's deadline) allows. Health checks bring endpoints back into rotation.
 */
export class InferencePool implements PoolEmbedder {
  private readonly states: MemberState[]
  private readonly chunkTexts: number
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly options: InferencePoolOptions) {
    if (options.members.length === 0) throw new Error('An inference pool needs at least one endpoint.')
    this.states = options.members.map((m) => new MemberState(m))
    this.chunkTexts = Math.max(1, options.chunkTexts ?? 32)
  }

  get name(): string {
    return `pool:${this.states.map((s) => (s.member.kind === 'local' ? s.member.url : s.member.kind)).join('+')}`
  }

  /** Checks every endpoint now, then every healthIntervalMs. */
  async start(): Promise<InferenceEndpointStatus[]> {
    await this.checkHealth()
    this.timer = setInterval(() => void this.checkHealth(), this.options.healthIntervalMs ?? 5_000)
    this.timer.unref()
    return this.status()
  }

  dispose(): void {
    clearInterval(this.timer)
  }

  async checkHealth(): Promise<void> {
    await Promise.all(
      this.states.map(async (s) => {
        try {
          await s.member.client.health(AbortSignal.timeout(this.options.healthTimeoutMs ?? 3_000))
          if (!s.healthy) this.options.onWarning?.('An inference endpoint is back in rotation', { endpoint: s.member.url })
          s.healthy = true
          s.lastError = null
        } catch (error) {
          this.markDown(s, error)
        } finally {
          s.checkedAt = Date.now()
        }
      }),
    )
  }

  async embed(texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<Float32Array[]> {
    if (texts.length === 0) return []
    // One piece failing for good (a request every endpoint refuses) stops the others.
    const stop = new AbortController()
    const both = AbortSignal.any([signal, stop.signal])
    const pieces: Array<Promise<Float32Array[]>> = []
    for (let i = 0; i < texts.length; i += this.chunkTexts) {
      pieces.push(
        this.embedPiece(texts.slice(i, i + this.chunkTexts), dimensions, both).catch((error: unknown) => {
          stop.abort(error)
          throw error
        }),
      )
    }
    return (await Promise.all(pieces)).flat()
  }

  private async embedPiece(texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<Float32Array[]> {
    const tried = new Set<MemberState>()
    let last: unknown
    for (;;) {
      if (signal.aborted) throw last instanceof Error ? last : new Error(`No inference endpoint answered in time${last ? `: ${String(last)}` : ''}`)
      const member = this.pick(texts.length, tried)
      if (!member) {
        // Every endpoint failed this piece once: wait a moment, then go round again while time is left.
        tried.clear()
        await new Promise((r) => setTimeout(r, 100))
        continue
      }
      tried.add(member)
      try {
        return await this.attempt(member, texts, dimensions, signal)
      } catch (error) {
        // Only an endpoint's failure is worth another try; anything else is a fault here, and
        // retrying it would only hide it until the caller's deadline.
        if (!(error instanceof EndpointFailure) || !error.retryable) throw error
        last = error
      }
    }
  }

  /** The healthy endpoint expected to finish `n` more texts first; unhealthy ones only as a last resort. */
  private pick(n: number, tried: ReadonlySet<MemberState>): MemberState | undefined {
    const open = this.states.filter((s) => !tried.has(s))
    const healthy = open.filter((s) => s.healthy)
    const pool = healthy.length > 0 ? healthy : open
    const fastest = Math.max(0, ...this.states.map((s) => s.textsPerSecond ?? 0)) || UNMEASURED_TEXTS_PER_S
    let best: MemberState | undefined
    let bestCost = Infinity
    for (const s of pool) {
      const cost = (s.inFlightTexts + n) / ((s.textsPerSecond ?? fastest) * s.member.weight)
      if (cost < bestCost) {
        best = s
        bestCost = cost
      }
    }
    return best
  }

  private async attempt(s: MemberState, texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<Float32Array[]> {
    const n = texts.length
    const expectedMs = (1000 * (s.inFlightTexts + n)) / (s.textsPerSecond ?? UNMEASURED_TEXTS_PER_S)
    // Whole milliseconds: AbortSignal.timeout throws a RangeError for a fractional delay.
    const budgetMs = Math.ceil(Math.max(this.options.minAttemptMs ?? 2_000, (this.options.slowFactor ?? 4) * expectedMs))
    // Giving up on a slow endpoint only helps when another healthy one could take the piece;
    // otherwise (one endpoint, or all busy) waiting is better than sending the same work twice.
    const alternative = this.states.some((o) => o !== s && o.healthy)
    const attemptSignal = alternative ? AbortSignal.any([signal, AbortSignal.timeout(budgetMs)]) : signal
    const concurrent = s.inFlight + 1
    s.inFlight++
    s.inFlightTexts += n
    s.requests++
    const t0 = performance.now()
    try {
      const rows = await this.rows(s, texts, dimensions, attemptSignal)
      const seconds = (performance.now() - t0) / 1000
      s.busySeconds += seconds
      s.texts += n
      // Throughput of the endpoint as a whole: this piece's rate times the pieces it ran alongside.
      const rate = (n / Math.max(seconds, 1e-3)) * concurrent
      s.textsPerSecond = s.textsPerSecond === null ? rate : s.textsPerSecond + RATE_SMOOTHING * (rate - s.textsPerSecond)
      return rows
    } catch (error) {
      const seconds = (performance.now() - t0) / 1000
      s.busySeconds += seconds
      s.failures++
      if (attemptSignal.aborted && !signal.aborted) {
        // Slow, not broken: it stays in rotation, and its measured rate drops so it gets less.
        const bound = (n / seconds) * concurrent
        s.textsPerSecond = s.textsPerSecond === null ? bound : Math.min(s.textsPerSecond, bound)
        throw new EndpointFailure(`${s.member.url} took longer than ${Math.round(budgetMs)} ms for ${n} texts`, true)
      }
      const failure = error instanceof EndpointFailure ? error : new EndpointFailure(error instanceof Error ? error.message : String(error), true)
      if (failure.retryable && !signal.aborted) this.markDown(s, failure)
      throw failure
    } finally {
      s.inFlight--
      s.inFlightTexts -= n
    }
  }

  /** Rows exactly `dimensions` wide: zero-padded when the model is narrower, the server's cut when wider. */
  private async rows(s: MemberState, texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<Float32Array[]> {
    const { client } = s.member
    if (s.member.adaptsWidth) return client.embed(texts, dimensions, signal)
    let rows = await client.embed(texts, s.sendDimensions ? dimensions : undefined, signal)
    if (rows.some((r) => r.length > dimensions) && !s.sendDimensions) {
      s.sendDimensions = true
      rows = await client.embed(texts, dimensions, signal)
    }
    return rows.map((r) => {
      if (r.length === dimensions) return r
      if (r.length > dimensions) throw new EndpointFailure(`${s.member.url} answered ${r.length} dimensions and cannot cut them to the ${dimensions} asked for`, true)
      const padded = new Float32Array(dimensions)
      padded.set(r)
      return padded
    })
  }

  private markDown(s: MemberState, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error)
    if (s.healthy) this.options.onWarning?.('An inference endpoint is out of rotation', { endpoint: s.member.url, error: message })
    s.healthy = false
    s.lastError = message
  }

  status(): InferenceEndpointStatus[] {
    return this.states.map((s) => ({
      kind: s.member.kind === 'local' ? 'openai' : s.member.kind,
      url: s.member.url,
      weight: s.member.weight,
      healthy: s.healthy,
      lastError: s.lastError,
      checkedAt: s.checkedAt,
      textsPerSecond: s.textsPerSecond,
      inFlight: s.inFlight,
      requests: s.requests,
      failures: s.failures,
      texts: s.texts,
    }))
  }

  /** Per-endpoint series in the Prometheus text format (appended to the miner's /metrics). */
  prometheus(): string[] {
    const out: string[] = []
    const series: Array<[string, 'gauge' | 'counter', string, (s: MemberState) => number]> = [
      ['up', 'gauge', 'Whether the endpoint is in rotation (last health check or request succeeded).', (s) => (s.healthy ? 1 : 0)],
      ['requests_total', 'counter', 'Pieces of validator requests sent to the endpoint.', (s) => s.requests],
      ['failures_total', 'counter', 'Pieces the endpoint failed or was too slow for (sent elsewhere).', (s) => s.failures],
      ['texts_total', 'counter', 'Texts the endpoint embedded.', (s) => s.texts],
      ['busy_seconds_total', 'counter', 'Time spent waiting on the endpoint.', (s) => s.busySeconds],
      ['in_flight', 'gauge', 'Pieces the endpoint is working on now.', (s) => s.inFlight],
      ['texts_per_second', 'gauge', 'Measured throughput (smoothed).', (s) => s.textsPerSecond ?? 0],
    ]
    for (const [name, type, help, value] of series) {
      out.push(`# HELP taodesk_inference_endpoint_${name} ${help}`, `# TYPE taodesk_inference_endpoint_${name} ${type}`)
      for (const s of this.states) out.push(`taodesk_inference_endpoint_${name}{endpoint="${label(s.member.url)}",kind="${s.member.kind}"} ${value(s)}`)
    }
    return out
  }
}

/** Prometheus label value escaping (exposition format 0.0.4): backslash, quote, newline. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
