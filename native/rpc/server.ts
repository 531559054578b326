import type { z } from 'zod'
import { Emitter, errorMessage } from '../base'
import type { Disposable } from '../base'
import {
  EngineError,
  describeIssues,
  events,
  isEventName,
  isMethodName,
  issuesOf,
  methods,
} from '../contract'
import type { CallContext, EventName, EventPayload, EventSink, Handlers, MethodName } from '../contract'
import { LIMITS, RequestMessage } from './protocol'
import type { ResponseMessage } from './protocol'
import type { Transport } from './transport'

export interface EngineEvent<E extends EventName = EventName> {
  readonly name: E
  readonly payload: EventPayload<E>
}

/** The engine's event bus. Payloads are validated against the contract when fired. */
export class EventBus implements Disposable, EventSink {
  private readonly emitter = new Emitter<EngineEvent>()
  readonly onEvent = this.emitter.event

  fire<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const parsed = (events[name].payload as z.ZodType).safeParse(payload)
    if (!parsed.success) {
      throw new Error(`Event ${name} has an invalid payload: ${describeIssues(issuesOf(parsed.error))}`)
    }
    this.emitter.fire({ name, payload: parsed.data as EventPayload<E> })
  }

  dispose(): void {
    this.emitter.dispose()
  }
}

export interface RpcServerOptions {
  readonly handlers: Handlers
  readonly bus: EventBus
  /** Where unexpected handler failures are reported; the client only sees a fixed message. */
  readonly onInternalError: (method: string, error: unknown) => void
  /** Told the number of open connections whenever it changes (the engine's health report). */
  readonly onConnectionsChanged?: (count: number) => void
}

/**
 * Serves the contract on any number of connections. Each call is checked in this order:
 * envelope, method name (own keys of the contract only), params schema, handler, result schema.
 */
export class RpcServer {
  private readonly connections = new Set<Transport>()

  constructor(private readonly options: RpcServerOptions) {}

  get connectionCount(): number {
    return this.connections.size
  }

  connect(transport: Transport, context: CallContext): Disposable {
    let outstanding = 0
    this.connections.add(transport)
    this.options.onConnectionsChanged?.(this.connections.size)
    const subscriptions: Disposable[] = []
    const reply = (message: ResponseMessage): void => {
      try {
        transport.send(message)
      } catch {
        // The peer went away; nothing to tell it.
      }
    }

    subscriptions.push(
      this.options.bus.onEvent((e) => {
        try {
          transport.send({ t: 'evt', event: e.name, payload: e.payload })
        } catch {
          // Closed transports are cleaned up by onClose.
        }
      }),
    )

    subscriptions.push(
      transport.onMessage(async (raw) => {
        const envelope = RequestMessage.safeParse(raw)
        if (!envelope.success) {
          const reason = isMalformed(raw) ? raw.reason : describeIssues(issuesOf(envelope.error))
          reply({ t: 'res', id: idOf(raw), ok: false, error: { code: 'BAD_REQUEST', message: `Malformed request: ${reason}` } })
          return
        }
        const { id, method, params } = envelope.data
        if (outstanding >= LIMITS.maxOutstandingPerConnection) {
          reply({ t: 'res', id, ok: false, error: { code: 'BUSY', message: 'Too many requests in flight on this connection; wait for some to finish.' } })
          return
        }
        outstanding++
        try {
          const value = await this.invoke(method, params, context)
          reply({ t: 'res', id, ok: true, value })
        } catch (error) {
          if (error instanceof EngineError) {
            reply({ t: 'res', id, ok: false, error: error.toBody() })
          } else {
            this.options.onInternalError(method, error)
            reply({ t: 'res', id, ok: false, error: { code: 'INTERNAL', message: `The engine failed while handling ${method}. Details are in the log.` } })
          }
        } finally {
          outstanding--
        }
      }),
    )

    const dispose = (): void => {
      for (const s of subscriptions.splice(0)) s.dispose()
      this.connections.delete(transport)
      this.options.onConnectionsChanged?.(this.connections.size)
    }
    subscriptions.push(transport.onClose(dispose))
    return { dispose }
  }

  /** Validates and runs one call; used by every transport and directly by the in-process client. */
  async invoke(method: string, params: unknown, context: CallContext): Promise<unknown> {
    if (!isMethodName(method)) {
      throw new EngineError('UNKNOWN_METHOD', `Unknown method "${method.slice(0, 128)}".`)
    }
    const spec = methods[method]
    const parsed = (spec.params as z.ZodType).safeParse(params ?? {})
    if (!parsed.success) {
      const issues = issuesOf(parsed.error)
      throw new EngineError('INVALID_PARAMS', `Invalid parameters for ${method}: ${describeIssues(issues)}`, issues)
    }
    const handler = this.options.handlers[method] as (p: unknown, c: CallContext) => unknown
    const value = await handler(parsed.data, context)
    const result = (spec.result as z.ZodType).safeParse(value)
    if (!result.success) {
      this.options.onInternalError(method, new Error(`Result does not match contract: ${describeIssues(issuesOf(result.error))}`))
      throw new EngineError('INVALID_RESULT', `The engine produced an invalid answer for ${method}. Details are in the log.`)
    }
    return result.data
  }

  isKnownEvent(name: string): name is EventName {
    return isEventName(name)
  }
}

function isMalformed(raw: unknown): raw is { t: 'malformed'; reason: string } {
  return typeof raw === 'object' && raw !== null && (raw as { t?: unknown }).t === 'malformed'
}

function idOf(raw: unknown): number | null {
  if (typeof raw === 'object' && raw !== null) {
    const id = (raw as { id?: unknown }).id
    if (typeof id === 'number' && Number.isInteger(id)) return id
  }
  return null
}

export type { MethodName }
export { errorMessage }
