import { z } from 'zod'
import { event, method } from './define'
import { ForceParam } from './chain'
import { KeyName } from './wallet'

/**
 * How a validator queries miners: v10 (a signed TextEmbeddingSynapse, bittensor SDK 9/10 axons)
 * or btauth (btauth/1-signed `POST /v1/embeddings`, SDK 11 subnets).
 */
export const MinerWire = z.enum(['v10', 'btauth'])
export type MinerWire = z.infer<typeof MinerWire>

/** The OpenAI embedding models the roadmap names as baselines. */
export const OpenAiBaselineModel = z.enum(['text-embedding-3-small', 'text-embedding-3-large'])
export type OpenAiBaselineModel = z.infer<typeof OpenAiBaselineModel>

/** Validator configuration, stored by the validator domain (validator_state). */
export const ValidatorConfig = z.object({
  netuid: z.number().int().min(0).max(65535).default(5).describe('subnet'),
  wallet: z
    .union([z.literal(''), KeyName])
    .default('')
    .describe('wallet whose hotkey signs queries and weights (without one, a temporary key queries miners that accept unregistered callers, and no weights are set)'),
  hotkey: KeyName.default('default').describe('hotkey name'),
  /** Where the metagraph comes from: the chain, or a JSON file of axons (watch your own miners). */
  metagraph: z.enum(['chain', 'file']).default('chain'),
  /** For metagraph "file": JSON array of {hotkey, ip, port, stake?, validatorPermit?}. */
  targetsFile: z.string().max(4096).default(''),
  /**
   * Where the evaluation articles come from: "auto" follows the network (TaoDesk's built-in
   * articles on the practice network, where nothing may leave the machine; the subnet's Hugging
   * Face datasets elsewhere), "builtin" always the built-in ones (offline).
   */
  dataSource: z.enum(['auto', 'huggingface', 'local', 'builtin']).default('auto'),
  /** JSONL file or folder of .txt/.md files, for dataSource "local". */
  corpusPath: z.string().max(4096).default(''),
  datasetsServerUrl: z.string().max(2048).default('https://datasets-server.huggingface.co'),
  /** OpenAI-compatible base URL for question generation; empty = offline questions. */
  llmBaseUrl: z.string().max(2048).default(''),
  llmModel: z.string().max(200).default('gpt-4o-mini').describe('chat model'),
  sampleSize: z.number().int().min(1).max(256).default(30).describe('miners per round'),
  movingAverageAlpha: z.number().gt(0).max(1).default(0.2),
  burnEnabled: z.boolean().default(true).describe("apply the subnet's burn rule"),
  burnHotkey: z.string().max(64).default('5FHsM8ywifUgtSXbDQaSD9zzDYq76RqAvf9PnaSVg5q3Lc8G'),
  burnPercentage: z.number().min(0).max(1).default(0.95),
  setWeights: z.boolean().default(true).describe('set weights on chain'),
  epochLength: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(0)
    .describe("blocks between weight settings (reference --neuron.epoch_length); 0 = follow the subnet: once per epoch (its tempo), never faster than its weights rate limit"),
  versionKey: z.number().int().min(0).default(803),
  timeoutS: z.number().min(1).max(600).default(60),
  intervalS: z
    .number()
    .min(0)
    .max(86_400)
    .default(0)
    .describe("seconds to pause between rounds; 0 = follow the subnet: the next round starts one epoch (tempo blocks) after the last one began"),
  externalIp: z.string().max(64).default('0.0.0.0').describe("this machine's public IPv4 (sent to miners; axons published with it are reached over loopback, as the Python dendrite does)"),
  vpermitTaoLimit: z.number().min(0).default(4096),
  wire: MinerWire.default('v10').describe('how miners are queried: v10 (TextEmbeddingSynapse) or btauth (btauth/1-signed POST /v1/embeddings, SDK 11)'),
  /** Subnet dashboard: score each round's texts with the installed local models too. */
  baselineLocalModels: z.boolean().default(true).describe("score each round's texts with the installed local models too (dashboard baselines)"),
  /** Subnet dashboard: OpenAI models scored on each round's texts (only when an OpenAI API key is set). */
  baselineOpenAiModels: z.array(OpenAiBaselineModel).max(2).default(['text-embedding-3-small']),
  openAiBaseUrl: z.string().max(2048).default('https://api.openai.com/v1').describe('OpenAI-compatible base URL for the baseline embeddings'),
  baselineTimeoutS: z.number().min(5).max(1800).default(180).describe('seconds the baselines of one round may take in all'),
})
export type ValidatorConfig = z.infer<typeof ValidatorConfig>

type OptionalShape<S extends z.ZodRawShape> = { [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? z.ZodOptional<T> : z.ZodOptional<S[K]> }

/** Every field optional and WITHOUT its default (zod's partial() keeps defaults, which would reset unsent fields). */
function optionalWithoutDefaults<S extends z.ZodRawShape>(shape: S): OptionalShape<S> {
  const out: Record<string, z.ZodType> = {}
  for (const [key, schema] of Object.entries(shape)) {
    const inner = (schema instanceof z.ZodDefault ? schema.unwrap() : schema) as unknown as z.ZodType
    out[key] = inner.optional()
  }
  return out as OptionalShape<S>
}

export const ValidatorConfigPatch = z
  .object(optionalWithoutDefaults(ValidatorConfig.shape))
  .extend({
    /** Write-only secrets: never returned. Empty string clears. */
    llmApiKey: z.string().max(512).optional(),
    hfToken: z.string().max(512).optional(),
    openAiApiKey: z.string().max(512).optional(),
  })
  .strict()
export type ValidatorConfigPatch = z.infer<typeof ValidatorConfigPatch>

export const ValidatorConfigView = ValidatorConfig.extend({
  llmApiKeySet: z.boolean(),
  hfTokenSet: z.boolean(),
  openAiApiKeySet: z.boolean(),
  /** Where the key and token are kept, in words (never in the database; never returned themselves). */
  credentialsStorage: z.string(),
})
export type ValidatorConfigView = z.infer<typeof ValidatorConfigView>

/**
 * What makes two round or weight outcomes "the same" when repeats are summarised (in the log and
 * the rounds tables): their message with the numbers left out, so "Too soon: 9 blocks…" and
 * "Too soon: 12 blocks…" count as one reason.
 */
export function outcomeKey(message: string): string {
  return message.replace(/\d+(\.\d+)?/g, '#')
}

export const RoundPhase = z.enum(['idle', 'metagraph', 'data', 'querying', 'scoring', 'weights', 'waiting'])
export type RoundPhase = z.infer<typeof RoundPhase>

export const WeightRecord = z.object({
  id: z.number().int(),
  time: z.number(),
  netuid: z.number().int(),
  block: z.number().int().nullable(),
  kind: z.enum(['set', 'commit', 'reveal', 'skipped']),
  status: z.enum(['ok', 'failed', 'pending', 'skipped']),
  message: z.string(),
  uids: z.array(z.number().int()),
  values: z.array(z.number().int()),
  versionKey: z.number().int(),
  commitEpoch: z.number().int().nullable(),
  revealed: z.boolean(),
  spearman: z.number().nullable(),
})
export type WeightRecord = z.infer<typeof WeightRecord>

export const ValidatorStatus = z.object({
  running: z.boolean(),
  phase: RoundPhase,
  /** 0..1 within the current phase (data: questions made; querying: miners answered). */
  progress: z.number().min(0).max(1),
  detail: z.string(),
  roundsCompleted: z.number().int(),
  currentRoundId: z.number().int().nullable(),
  lastError: z.string().nullable(),
  hotkey: z.string().nullable(),
  hotkeyNote: z.string(),
  netuid: z.number().int(),
  lastWeights: WeightRecord.nullable(),
  /** Spearman rank correlation of our weights with the chain's consensus (NaN → null). */
  consensusCorrelation: z.number().nullable(),
})
export type ValidatorStatus = z.infer<typeof ValidatorStatus>

export const ValidatorRound = z.object({
  id: z.number().int(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  netuid: z.number().int(),
  block: z.number().int().nullable(),
  source: z.string(),
  description: z.string(),
  questionMaker: z.string(),
  pairs: z.number().int(),
  droppedPairs: z.number().int(),
  queried: z.number().int(),
  answered: z.number().int(),
  burn: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
})
export type ValidatorRound = z.infer<typeof ValidatorRound>

export const LeaderboardEntry = z.object({
  uid: z.number().int(),
  hotkey: z.string(),
  lastScore: z.number(),
  avgScore: z.number(),
  lastTop1: z.number(),
  avgTop1: z.number(),
  avgTop3: z.number(),
  avgLatencyS: z.number().nullable(),
  availability: z.number(),
  queries: z.number().int(),
  lastSeen: z.number().nullable(),
  lastStatus: z.number().int(),
  lastMessage: z.string(),
  movingAverage: z.number(),
  /** Our current normalized weight for this uid (0 when none). */
  weight: z.number(),
  /** The chain's consensus for this uid, if known. */
  consensus: z.number().nullable(),
})
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>

export const MinerResult = z.object({
  roundId: z.number().int(),
  time: z.number(),
  status: z.number().int(),
  message: z.string(),
  latencyS: z.number(),
  score: z.number(),
  loss: z.number().nullable(),
  top1: z.number(),
  top3: z.number(),
  reward: z.number(),
  movingAverage: z.number(),
  invalidReason: z.string().nullable(),
})
export type MinerResult = z.infer<typeof MinerResult>

/** One baseline model's result on a round's texts: a score, or why there is none, in plain words. */
export const DashboardBaseline = z.object({
  model: z.string(),
  kind: z.enum(['local', 'openai']),
  score: z.number().nullable(),
  top1: z.number().nullable(),
  error: z.string().nullable(),
})
export type DashboardBaseline = z.infer<typeof DashboardBaseline>

/** One finished round on the subnet dashboard: the miners' best and median score and the baselines on the same texts. */
export const DashboardRound = z.object({
  roundId: z.number().int(),
  block: z.number().int().nullable(),
  finishedAt: z.number(),
  /** Best and median score over the miners that answered with a valid embedding (null: none did). */
  best: z.number().nullable(),
  median: z.number().nullable(),
  /** Miners whose answer was scored (valid embedding). */
  scoredMiners: z.number().int(),
  queried: z.number().int(),
  baselines: z.array(DashboardBaseline),
  /** True while the baselines of this round are still being computed. */
  baselinesPending: z.boolean(),
})
export type DashboardRound = z.infer<typeof DashboardRound>

export const ValidatorDashboard = z.object({
  netuid: z.number().int(),
  /** Oldest first. */
  rounds: z.array(DashboardRound),
})
export type ValidatorDashboard = z.infer<typeof ValidatorDashboard>

const Empty = z.object({}).strict()

export const validatorMethods = {
  'validator.status': method(Empty, ValidatorStatus, 'Whether the validator loop runs, the current round phase and progress, the last weights.'),
  'validator.start': method(z.object({ force: ForceParam }).strict(), ValidatorStatus, 'Start the validator loop (rounds until stopped); refused, unless `force`, on a subnet whose identity does not declare the text-embedding protocol.'),
  'validator.stop': method(Empty, ValidatorStatus, 'Stop the validator loop after cancelling the current round.'),
  'validator.runRound': method(Empty, ValidatorRound, 'Run exactly one round now (the loop must be stopped); resolves when it is done.'),
  'validator.config.get': method(Empty, ValidatorConfigView, 'The validator configuration (secrets shown only as set/not set).'),
  'validator.config.update': method(ValidatorConfigPatch, ValidatorConfigView, 'Change validator settings; returns all of them.'),
  'validator.leaderboard': method(z.object({ window: z.number().int().min(1).max(10_000).default(50) }).strict(), z.array(LeaderboardEntry), 'Every miner seen: latest and average score, recall, latency, availability, last seen.'),
  'validator.rounds': method(z.object({ limit: z.number().int().min(1).max(1000).default(50) }).strict(), z.array(ValidatorRound), 'Recent rounds, newest first, with where their data came from.'),
  'validator.miner': method(z.object({ uid: z.number().int().min(0).max(65535), limit: z.number().int().min(1).max(5000).default(200) }).strict(), z.array(MinerResult), 'One miner\'s results over recent rounds, oldest first.'),
  'validator.weights': method(z.object({ limit: z.number().int().min(1).max(1000).default(50) }).strict(), z.array(WeightRecord), 'Weight-setting history, newest first.'),
  'validator.dashboard': method(
    z.object({ limit: z.number().int().min(1).max(5000).default(500) }).strict(),
    ValidatorDashboard,
    "The subnet dashboard for the subnet in the validator settings: per finished round, the miners' best and median score and the baseline models' scores on the same texts, oldest first.",
  ),
}

export const validatorEvents = {
  'validator.status': event(ValidatorStatus, 'The validator loop changed phase or progress.'),
  'validator.round': event(ValidatorRound, 'A validator round finished (done or failed).'),
  'validator.dashboard': event(DashboardRound, "A round's dashboard entry changed (its miners were scored, or its baselines finished)."),
}
