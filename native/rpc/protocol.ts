import { z } from 'zod'
import { RpcErrorBody } from '../contract/errors'

/** Wire envelopes. Every transport carries these plain objects (JSON or structured clone). */
export const RequestMessage = z.object({
  t: z.literal('req'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(128),
  params: z.unknown(),
})
export type RequestMessage = z.infer<typeof RequestMessage>

export const ResponseMessage = z.union([
  z.object({ t: z.literal('res'), id: z.number().int().nullable(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.number().int().nullable(), ok: z.literal(false), error: RpcErrorBody }),
])
export type ResponseMessage = z.infer<typeof ResponseMessage>

export const EventMessage = z.object({
  t: z.literal('evt'),
  event: z.string(),
  payload: z.unknown(),
})
export type EventMessage = z.infer<typeof EventMessage>

export const ServerMessage = z.union([ResponseMessage, EventMessage])
export type ServerMessage = z.infer<typeof ServerMessage>

/** Limits that protect the engine from a misbehaving client. */
export const LIMITS = {
  /** Largest accepted frame on byte-oriented transports. */
  maxFrameBytes: 1024 * 1024,
  /** Requests one connection may have in flight. */
  maxOutstandingPerConnection: 64,
  /** Default client-side timeout for a call. */
  callTimeoutMs: 30_000,
} as const

/** Delivered by byte transports in place of a frame that is not JSON, so the server can answer it. */
export interface MalformedFrame {
  readonly t: 'malformed'
  readonly reason: string
}

export function malformed(reason: string): MalformedFrame {
  return { t: 'malformed', reason }
}
