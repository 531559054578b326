import { z } from 'zod'
import { event, method } from './define'

export const TransportKind = z.enum(['inproc', 'ipc', 'ws'])
export type TransportKind = z.infer<typeof TransportKind>

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  home: z.string(),
  databasePath: z.string(),
  startedAt: z.number(),
  pid: z.number().int(),
  /** How this client reaches the engine. */
  transport: TransportKind,
  headless: z.boolean(),
})
export type AppInfo = z.infer<typeof AppInfo>

export const EngineHealth = z.object({
  uptimeMs: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  eventLoopLagMs: z.number(),
  connectedClients: z.number().int(),
  /** Set while the disk holding the database is full (what is not being saved, in plain words); the UI shows it as a banner. */
  diskFull: z.string().nullable().optional(),
})
export type EngineHealth = z.infer<typeof EngineHealth>

export const appMethods = {
  'app.info': method(z.object({}).strict(), AppInfo, 'Version, platform and data location of the running engine.'),
  'app.health': method(z.object({}).strict(), EngineHealth, 'Liveness figures of the engine process.'),
}

export const appEvents = {
  'app.health': event(EngineHealth, 'Periodic engine liveness figures (every few seconds, and at once when the disk fills up or frees).'),
}
