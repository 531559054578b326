import { z } from 'zod'
import { event, method } from './define'

const Port = z.number().int().min(1).max(65535)

export const MinerBlacklist = z
  .object({
    minStake: z.number().min(0).default(1000),
    forceValidatorPermit: z.boolean().default(false),
    allowNonRegistered: z.boolean().default(false),
  })
  .strict()

export const MinerStartParams = z
  .object({
    network: z.string().min(1).max(200).default('finney'),
    netuid: z.number().int().min(0).max(65535).optional(),
    wallet: z.string().min(1).max(128),
    hotkey: z.string().min(1).max(128).default('default'),
    port: Port.default(8091),
    host: z.string().min(1).max(64).default('0.0.0.0'),
    externalIp: z.string().max(64).optional(),
    model: z.string().max(200).optional(),
    /** Prometheus `/metrics` on 127.0.0.1; null turns it off. */
    metricsPort: Port.nullable().default(9091),
    /** OpenAI-compatible `POST /v1/embeddings` on 127.0.0.1; off (null) by default. */
    localApiPort: Port.nullable().default(null),
    /** Publish the axon on chain with serve_axon. */
    serve: z.boolean().default(true),
    blacklist: MinerBlacklist.default({ minStake: 1000, forceValidatorPermit: false, allowNonRegistered: false }),
  })
  .strict()
export type MinerStartParams = z.infer<typeof MinerStartParams>

export const MinerState = z.enum(['stopped', 'starting', 'running', 'stopping', 'failed'])
export type MinerState = z.infer<typeof MinerState>

export const Reachability = z.object({
  reachable: z.boolean(),
  address: z.string(),
  checkedAt: z.number(),
  latencyMs: z.number(),
  status: z.number().optional(),
  detail: z.string(),
  advice: z.array(z.string()),
})
export type Reachability = z.infer<typeof Reachability>

export const MinerWarning = z.object({ code: z.string(), message: z.string() })
export type MinerWarning = z.infer<typeof MinerWarning>

export const MinerStatus = z.object({
  state: MinerState,
  network: z.string().nullable(),
  netuid: z.number().nullable(),
  hotkey: z.string().nullable(),
  uid: z.number().nullable(),
  listen: z.object({ host: z.string(), port: z.number() }).nullable(),
  externalIp: z.string().nullable(),
  served: z.object({ ip: z.string(), port: z.number(), at: z.number(), action: z.enum(['unchanged', 'served']) }).nullable(),
  provider: z.string().nullable(),
  startedAt: z.number().nullable(),
  reachability: Reachability.nullable(),
  metricsUrl: z.string().nullable(),
  localApiUrl: z.string().nullable(),
  totals: z.object({ requests: z.number(), errors: z.number(), texts: z.number() }),
  load: z.object({ inFlight: z.number(), queued: z.number() }),
  warnings: z.array(MinerWarning),
  lastError: z.string().nullable(),
})
export type MinerStatus = z.infer<typeof MinerStatus>

export const MinerRequestEntry = z.object({
  id: z.number(),
  time: z.number(),
  route: z.string(),
  hotkey: z.string().nullable(),
  uid: z.number().nullable(),
  ip: z.string(),
  texts: z.number(),
  status: z.number(),
  message: z.string(),
  latencyMs: z.number(),
  queueMs: z.number(),
  inferenceMs: z.number(),
})
export type MinerRequestEntry = z.infer<typeof MinerRequestEntry>

export const MinerMinute = z.object({
  time: z.number(),
  requests: z.number(),
  errors: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
})
export type MinerMinute = z.infer<typeof MinerMinute>

export const minerMethods = {
  'miner.start': method(MinerStartParams, MinerStatus, 'Start the miner: axon, metrics, serve_axon, reachability self-test.'),
  'miner.stop': method(z.object({}).strict(), MinerStatus, 'Stop the miner (in-flight requests get a moment to finish).'),
  'miner.status': method(z.object({}).strict(), MinerStatus, 'Current miner status, totals and warnings.'),
  'miner.selfTest': method(z.object({}).strict(), Reachability, 'Ping the axon at its public address with a signed request.'),
  'miner.requests': method(
    z.object({ limit: z.number().int().min(1).max(5000).default(200), since: z.number().optional() }).strict(),
    z.array(MinerRequestEntry),
    'Recent axon requests, newest first.',
  ),
  'miner.metrics': method(
    z.object({ since: z.number().optional() }).strict(),
    z.array(MinerMinute),
    'Per-minute requests, errors and p50/p95 latency, oldest first.',
  ),
}

export const minerEvents = {
  'miner.status': event(MinerStatus, 'The miner status changed.'),
  'miner.request': event(MinerRequestEntry, 'The axon answered a request.'),
}
