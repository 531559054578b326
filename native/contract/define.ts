import type { z } from 'zod'

/** One request the UI (or any client) can make of the engine. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly params: P
  readonly result: R
  readonly summary: string
}

export function method<P extends z.ZodType, R extends z.ZodType>(
  params: P,
  result: R,
  summary: string,
): MethodSpec<P, R> {
  return { params, result, summary }
}

/** One event the engine pushes to every connected client. */
export interface EventSpec<T extends z.ZodType = z.ZodType> {
  readonly payload: T
  readonly summary: string
}

export function event<T extends z.ZodType>(payload: T, summary: string): EventSpec<T> {
  return { payload, summary }
}
