import { z } from 'zod'
import { event, method } from './define'
import { ForceParam } from './chain'
import { KeyName } from './wallet'

const Port = z.number().int().min(1).max(65535)

export const MinerBlacklist = z
  .object({
    minStake: z.number().min(0).default(1000).describe('blacklist callers with less stake'),
    forceValidatorPermit: z.boolean().default(false).describe('only callers holding a validator permit'),
    allowNonRegistered: z.boolean().default(false).describe('also answer unregistered callers'),
  })
  .strict()

export const InferenceEndpointKind = z.enum(['tei', 'openai'])
export type InferenceEndpointKind = z.infer<typeof InferenceEndpointKind>

/** A remote inference server the miner may send texts to (issue 18 item 3). */
export const InferenceEndpoint = z
  .object({
    kind: InferenceEndpointKind.describe('tei (text-embeddings-inference POST /embed) or openai (POST /v1/embeddings)'),
    url: z
      .string()
      .max(500)
      .regex(/^https?:\/\/[^\s/]+/, 'must start with http:// or https:// and name a host')
      .describe('base address, e.g. http://10.0.0.5:8080'),
    weight: z.number().min(0.01).max(100).default(1).describe('share of the load, relative to the other endpoints (times their measured throughput)'),
    model: z.string().min(1).max(200).optional().describe('model name sent to OpenAI-compatible servers'),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'must be an environment variable name')
      .optional()
      .describe('environment variable of the engine process holding the API key (sent as Bearer; the key itself is never saved)'),
  })
  .strict()
export type InferenceEndpoint = z.infer<typeof InferenceEndpoint>

export const InferenceEndpoints = z.array(InferenceEndpoint).max(16)

export const InferenceEndpointStatus = z.object({
  /** 'local': the model loaded in this engine, as one member of the pool. */
  kind: z.enum(['tei', 'openai', 'local']),
  url: z.string(),
  weight: z.number(),
  healthy: z.boolean(),
  /** Why it is out of rotation (plain words), or null. */
  lastError: z.string().nullable(),
  checkedAt: z.number().nullable(),
  /** Measured texts per second (all of its concurrent work together); null before the first answer. */
  textsPerSecond: z.number().nullable(),
  inFlight: z.number(),
  requests: z.number(),
  failures: z.number(),
  texts: z.number(),
})
export type InferenceEndpointStatus = z.infer<typeof InferenceEndpointStatus>

export const InferenceSettings = z
  .object({
    endpoints: InferenceEndpoints,
    /** Also embed with the model loaded in this engine (the endpoints are then extra capacity). */
    local: z.boolean().default(true),
  })
  .strict()
export type InferenceSettings = z.infer<typeof InferenceSettings>

export const MinerStartParams = z
  .object({
    network: z.string().min(1).max(200).default('finney').describe('finney (default), test, local, or a ws:// endpoint'),
    netuid: z.number().int().min(0).max(65535).optional().describe('subnet (default 5 on finney, 88 on test)'),
    wallet: KeyName.describe('wallet folder'),
    hotkey: KeyName.default('default').describe('hotkey name'),
    port: Port.default(8091).describe('axon port'),
    host: z.string().min(1).max(64).default('0.0.0.0').describe('listen address'),
    externalIp: z.string().max(64).optional().describe('public IPv4 to publish (default: detected)'),
    model: z.string().max(200).optional().describe('embedding model to serve'),
    metricsPort: Port.nullable().default(9091).describe('Prometheus /metrics on 127.0.0.1'),
    localApiPort: Port.nullable().default(null).describe('OpenAI-compatible /v1/embeddings on 127.0.0.1 (off by default)'),
    serve: z.boolean().default(true).describe('publish the axon on chain (serve_axon)'),
    endpoints: InferenceEndpoints.optional().describe('remote inference servers (default: the ones saved on the Miner page)'),
    localInference: z.boolean().optional().describe('also embed with the local model when endpoints are set (default: as saved, else yes)'),
    blacklist: MinerBlacklist.default({ minStake: 1000, forceValidatorPermit: false, allowNonRegistered: false }),
    force: ForceParam,
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
  totals: z.object({
    requests: z.number(),
    errors: z.number(),
    texts: z.number(),
    /** Refusals over the per-address log budget: counted, summarised in the log once a minute, not logged one by one. */
    unloggedRefusals: z.number().int().optional(),
  }),
  load: z.object({ inFlight: z.number(), queued: z.number() }),
  warnings: z.array(MinerWarning),
  lastError: z.string().nullable(),
  /** Remote inference endpoints behind this miner and their health; absent when it embeds locally only. */
  inference: z.array(InferenceEndpointStatus).optional(),
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

export const MinerRewards = z.object({
  network: z.string(),
  netuid: z.number().int(),
  hotkey: z.string(),
  block: z.number().int(),
  updatedAt: z.number(),
  registered: z.boolean(),
  uid: z.number().int().nullable(),
  /** Share of the subnet's miner emission, 0..1 (chain Incentive / 65535). */
  incentive: z.number(),
  /** Alpha earned in the last epoch, tokens. */
  emissionAlpha: z.number(),
  emissionAlphaPerDay: z.number(),
  /** TAO value at the current alpha price; null when the price is unknown. */
  emissionTao: z.number().nullable(),
  emissionTaoPerDay: z.number().nullable(),
  alphaPrice: z.object({ tao: z.number().nullable(), source: z.enum(['runtime-api', 'pool', 'practice', 'root', 'unknown']), note: z.string() }),
  tempo: z.number().int(),
  epochsPerDay: z.number(),
  nextEpochInBlocks: z.number().int(),
  neurons: z.number().int(),
  maxNeurons: z.number().int(),
  /** 1 = highest incentive among miners (every neuron except validators earning dividends, and the burner). */
  rank: z.object({ position: z.number().int(), of: z.number().int() }).nullable(),
  immunity: z.object({ registrationBlock: z.number().int(), immunityPeriod: z.number().int(), blocksLeft: z.number().int(), immune: z.boolean() }).nullable(),
  deregistration: z.object({
    level: z.enum(['immune', 'low', 'medium', 'high', 'unknown']),
    /** 1 = pruned by the next registration (when the subnet is full). */
    position: z.number().int().nullable(),
    of: z.number().int(),
    subnetFull: z.boolean(),
    message: z.string(),
  }),
  /** The reference validators' burner redistribution (spec §2.5) as it shows on chain. */
  burn: z.object({
    applies: z.boolean(),
    burnerUid: z.number().int().nullable(),
    burnerHotkey: z.string(),
    percentage: z.number(),
    burnerIncentive: z.number().nullable(),
    incentiveWithoutBurn: z.number().nullable(),
    message: z.string(),
  }),
})
export type MinerRewards = z.infer<typeof MinerRewards>

/** One record of the miner's rewards, taken at start and once per epoch. */
export const MinerRewardsRecord = z.object({
  time: z.number(),
  block: z.number().int(),
  incentive: z.number(),
  emissionAlpha: z.number(),
  hotkey: z.string(),
  /** Position among miners by incentive (1 = the best-paid), as MinerRewards.rank; null in records saved by older versions. */
  rank: MinerRewards.shape.rank,
})
export type MinerRewardsRecord = z.infer<typeof MinerRewardsRecord>

export const SelfScoreModel = z.object({
  modelId: z.string(),
  active: z.boolean(),
  ok: z.boolean(),
  /** Mean validator score over the batches: min(100, 1 / InfoNCE loss). */
  score: z.number().nullable(),
  loss: z.number().nullable(),
  top1: z.number().nullable(),
  top3: z.number().nullable(),
  batches: z.number().int(),
  pairs: z.number().int(),
  seconds: z.number(),
  textsPerSecond: z.number().nullable(),
  dimension: z.number().int().nullable(),
  error: z.string().nullable(),
  /**
   * Chance levels on these batches (a model that ranks passages at random): score 1/ln P, top-1
   * 1/P and top-3 3/P for P pairs per batch, averaged over batches. Absent in reports saved by
   * older versions.
   */
  chanceScore: z.number().nullable().optional(),
  chanceTop1: z.number().nullable().optional(),
  chanceTop3: z.number().nullable().optional(),
  /** Retrieval is near chance (top-1 under 3 × its chance level): validators will score this model near zero. */
  nearChance: z.boolean().nullable().optional(),
})
export type SelfScoreModel = z.infer<typeof SelfScoreModel>

export const SelfScoreReport = z.object({
  time: z.number(),
  dataset: z.object({ name: z.string(), description: z.string(), pairs: z.number().int(), license: z.string() }),
  /** How the validator is imitated: batch size, dimensions, temperature. */
  method: z.string(),
  models: z.array(SelfScoreModel),
})
export type SelfScoreReport = z.infer<typeof SelfScoreReport>

export const SelfScoreParams = z
  .object({
    /** Installed model ids to score; default: every installed model. */
    models: z.array(z.string().min(1).max(200)).max(20).optional(),
    /** Use at most this many pairs of the evaluation set (default: all). */
    maxPairs: z.number().int().min(8).max(5000).optional(),
  })
  .strict()

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
  'miner.rewards': method(z.object({}).strict(), MinerRewards.nullable(), 'Incentive, emission (alpha and TAO), rank, immunity, deregistration risk and the burn, as of the last block; null when not known.'),
  'miner.rewardsHistory': method(
    z.object({ since: z.number().optional(), limit: z.number().int().min(1).max(5000).default(500) }).strict(),
    z.array(MinerRewardsRecord),
    'Incentive, emission and rank recorded each epoch (and at start), oldest first.',
  ),
  'miner.selfScore': method(SelfScoreParams, SelfScoreReport, "Scores installed models with the validator's InfoNCE on the bundled evaluation set."),
  'inference.settings': method(z.object({}).strict(), InferenceSettings, 'The saved inference endpoints the miner uses when started without --endpoint.'),
  'inference.save': method(InferenceSettings, InferenceSettings, 'Save the inference endpoints (used from the next miner start).'),
  'inference.check': method(
    z.object({ endpoints: InferenceEndpoints }).strict(),
    z.array(InferenceEndpointStatus),
    'Health-check endpoints now (TEI GET /health, OpenAI GET /v1/models) without saving them.',
  ),
  'miner.lastSelfScore': method(z.object({}).strict(), SelfScoreReport.nullable(), 'The last self-score report, or null.'),
}

export const minerEvents = {
  'miner.status': event(MinerStatus, 'The miner status changed.'),
  'miner.request': event(MinerRequestEntry, 'The axon answered a request.'),
  'miner.rewards': event(MinerRewards, 'The rewards view changed (every block while the miner runs).'),
  'miner.selfScoreProgress': event(z.object({ modelId: z.string(), done: z.number().int(), total: z.number().int() }), 'Self-score progress of one model.'),
}
