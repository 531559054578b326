import type { z } from 'zod'
import { Emitter, sentence, toDisposable } from '../base'
import type { Disposable } from '../base'
import { EngineError, describeIssues, events, isEventName, issuesOf, methods } from '../contract'
import type { EngineApi, EventName, EventPayload, MethodName, ParamsIn, ResultOf } from '../contract'
import { LIMITS, ServerMessage } from './protocol'
import type { Transport } from './transport'

interface Pending {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: EngineError) => void
  readonly timer: ReturnType<typeof setTimeout>
}

export interface RpcClientOptions {
  /** One limit for every call (tests); without it each method gets callTimeoutMs(method). */
  readonly timeoutMs?: number
}

const LONG_CALL_TIMEOUT_MS = 6 * 60 * 60_000

/**
 * Methods that legitimately run for minutes or hours (a validator round, a model download or
 * import, waiting for a transaction to be included): the engine reports their progress by events,
 * so the client only guards against an engine that never answers.
 */
const LONG_RUNNING_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'validator.runRound',
  'models.download',
  'models.import',
  'models.verify',
  'models.quantize',
  'models.bench',
  'miner.start',
  'miner.stop',
  'miner.selfScore',
  'chain.register',
  'chain.practiceRestart',
  'wallet.submit',
  // Argon2i with 512 MiB hashes the coldkey password: seconds on a fast machine, over 30 s on a busy one.
  'wallet.create',
  'wallet.regen',
  'wallet.unlock',
  'wallet.newHotkey',
  'updates.download',
  'logs.export',
  'logs.report',
])

/** How long the client waits for a method's answer before reporting TIMEOUT. */
export function callTimeoutMs(method: MethodName): number {
  return LONG_RUNNING_METHODS.has(method) ? LONG_CALL_TIMEOUT_MS : LIMITS.callTimeoutMs
}

/**
 * The typed client used by the UI, the CLI and tests. Params are validated before sending
 * (a bad call fails fast, naming the field) and results are parsed on arrival.
 */
export class RpcClient implements EngineApi, Disposable {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<EventName, Emitter<unknown>>()
  private readonly subscriptions: Disposable[] = []
  private readonly timeoutMs: number | undefined
  private closed = false

  constructor(
    private readonly transport: Transport,
    options: RpcClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs
    this.subscriptions.push(transport.onMessage((m) => this.receive(m)))
    this.subscriptions.push(transport.onClose(() => this.failAll('The connection to the engine closed.')))
  }

  call<M extends MethodName>(
    method: M,
    ...args: Record<never, never> extends ParamsIn<M> ? [ParamsIn<M>?] : [ParamsIn<M>]
  ): Promise<ResultOf<M>> {
    const params: unknown = args[0] ?? {}
    const spec = methods[method]
    if (!spec) return Promise.reject(new EngineError('UNKNOWN_METHOD', `Unknown method "${String(method)}".`))
    const checked = (spec.params as z.ZodType).safeParse(params)
    if (!checked.success) {
      const issues = issuesOf(checked.error)
      return Promise.reject(new EngineError('INVALID_PARAMS', `Invalid parameters for ${method}: ${describeIssues(issues)}`, issues))
    }
    if (this.closed) return Promise.reject(new EngineError('DISCONNECTED', 'Not connected to the engine.'))
    const id = this.nextId++
    const timeoutMs = this.timeoutMs ?? callTimeoutMs(method)
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new EngineError('TIMEOUT', `The engine did not answer ${method} within ${Math.round(timeoutMs / 1000)} s.`))
      }, timeoutMs)
      this.pending.set(id, {
        resolve: (value) => {
          const parsed = (spec.result as z.ZodType).safeParse(value)
          if (parsed.success) resolve(parsed.data as ResultOf<M>)
          else reject(new EngineError('INVALID_RESULT', `Unexpected answer for ${method}: ${describeIssues(issuesOf(parsed.error))}`))
        },
        reject,
        timer,
      })
      try {
        // Send the caller's params (not the parsed ones) so the engine applies its own defaults.
        this.transport.send({ t: 'req', id, method, params })
      } catch (error) {
        clearTimeout(timer)
        this.pending.delete(id)
        reject(new EngineError('DISCONNECTED', sentence('Could not reach the engine', error)))
      }
    })
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Disposable {
    let emitter = this.listeners.get(event)
    if (!emitter) {
      emitter = new Emitter<unknown>()
      this.listeners.set(event, emitter)
    }
    const sub = emitter.event(listener as (payload: unknown) => void)
    return toDisposable(() => sub.dispose())
  }

  dispose(): void {
    this.closed = true
    for (const s of this.subscriptions.splice(0)) s.dispose()
    this.failAll('The client was closed.')
    for (const e of this.listeners.values()) e.dispose()
  }

  private receive(raw: unknown): void {
    const parsed = ServerMessage.safeParse(raw)
    if (!parsed.success) return
    const message = parsed.data
    if (message.t === 'evt') {
      if (!isEventName(message.event)) return
      const payload = (events[message.event].payload as z.ZodType).safeParse(message.payload)
      if (payload.success) this.listeners.get(message.event)?.fire(payload.data)
      return
    }
    if (message.id === null) return
    const pending = this.pending.get(message.id)
    if (!pending) return
    this.pending.delete(message.id)
    clearTimeout(pending.timer)
    if (message.ok) pending.resolve(message.value)
    else pending.reject(new EngineError(message.error.code, message.error.message, message.error.issues))
  }

  private failAll(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer)
      p.reject(new EngineError('DISCONNECTED', reason))
      this.pending.delete(id)
    }
  }
}
