import type { z } from 'zod'
import { appEvents, appMethods } from './app'
import { chainEvents, chainMethods } from './chain'
import { desktopEvents, desktopMethods } from './desktop'
import type { TransportKind } from './app'
import type { Disposable } from '../base/emitter'
import { logsEvents, logsMethods } from './logs'
import { metricsMethods } from './metrics'
import { minerEvents, minerMethods } from './miner'
import { modelsEvents, modelsMethods } from './models'
import { settingsEvents, settingsMethods } from './settings'
import { walletEvents, walletMethods } from './wallet'
import { updatesEvents, updatesMethods } from './updates'
import { validatorEvents, validatorMethods } from './validator'
import { subnetApiEvents, subnetApiMethods } from './subnet-api'
import { subnetCreateEvents, subnetCreateMethods } from './subnet-create'

export * from './app'
export * from './chain'
export * from './desktop'
export * from './define'
export * from './errors'
export * from './logs'
export * from './metrics'
export * from './miner'
export * from './models'
export * from './settings'
export * from './wallet'
export * from './updates'
export * from './validator'
export * from './subnet-api'
export * from './subnet-create'

/**
 * The single contract between UI and engine. Every transport (Electron IPC, WebSocket,
 * in-process) carries exactly these methods and events, validated with these schemas.
 * A new domain adds its own `<domain>Methods` / `<domain>Events` maps here.
 */
export const methods = {
  ...appMethods,
  ...chainMethods,
  ...desktopMethods,
  ...logsMethods,
  ...settingsMethods,
  ...metricsMethods,
  ...minerMethods,
  ...modelsMethods,
  ...walletMethods,
  ...updatesMethods,
  ...validatorMethods,
  ...subnetApiMethods,
  ...subnetCreateMethods,
} as const

export const events = {
  ...appEvents,
  ...chainEvents,
  ...desktopEvents,
  ...logsEvents,
  ...settingsEvents,
  ...minerEvents,
  ...modelsEvents,
  ...walletEvents,
  ...updatesEvents,
  ...validatorEvents,
  ...subnetApiEvents,
  ...subnetCreateEvents,
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type EventName = keyof typeof events

/** What a caller passes (defaults may be omitted). */
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>
/** What a handler receives (defaults filled in, validated). */
export type ParamsOut<M extends MethodName> = z.output<Methods[M]['params']>
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]['payload']>

export const METHOD_NAMES = Object.keys(methods) as MethodName[]
export const EVENT_NAMES = Object.keys(events) as EventName[]

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name)
}

/** Who is calling: handlers may use it for logging and, later, for capability checks. */
export interface CallContext {
  readonly transport: TransportKind
  readonly peer: string
}

/** The engine side: one handler per method, checked by the compiler against the contract. */
export type Handlers = {
  [M in MethodName]: (params: ParamsOut<M>, ctx: CallContext) => Promise<ResultOf<M>> | ResultOf<M>
}

/** The client side: what the UI, CLI and tests program against, whatever the transport. */
export interface EngineApi {
  call<M extends MethodName>(method: M, ...params: Record<never, never> extends ParamsIn<M> ? [ParamsIn<M>?] : [ParamsIn<M>]): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Disposable
}

/** The engine side of events: services fire them; the RPC layer checks payloads and delivers them. */
export interface EventSink {
  fire<E extends EventName>(name: E, payload: EventPayload<E>): void
}
export * from './new-password'
