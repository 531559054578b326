import { z } from 'zod'
import { event, method } from './define'

/**
 * Chain: the subtensor network the user picked, its connection state, subnet reads (cached, so the
 * last known state shows offline), registration with a price cap and a progress stream, and the
 * practice network (an in-process devnet with no real TAO).
 */

export const NetworkId = z.enum(['finney', 'test', 'local', 'custom', 'devnet'])
export type NetworkId = z.infer<typeof NetworkId>

/** The public endpoints of the networks that have one (the chain client connects to these). */
export const NETWORK_ENDPOINTS = {
  finney: 'wss://entrypoint-finney.opentensor.ai:443',
  test: 'wss://test.finney.opentensor.ai:443',
  local: 'ws://127.0.0.1:9944',
} as const satisfies Readonly<Partial<Record<NetworkId, string>>>

/** What the network picker offers, in order. */
export const NETWORK_CHOICES: ReadonlyArray<{ id: NetworkId; label: string; description: string }> = [
  { id: 'finney', label: 'Bittensor mainnet (finney)', description: `${NETWORK_ENDPOINTS.finney} — real TAO` },
  { id: 'test', label: 'Bittensor testnet', description: `${NETWORK_ENDPOINTS.test} — test TAO` },
  { id: 'local', label: 'Local node', description: `${NETWORK_ENDPOINTS.local} — a subtensor node on this machine` },
  { id: 'custom', label: 'Custom endpoint', description: 'any ws:// or wss:// URL' },
  { id: 'devnet', label: 'Practice network (no real TAO)', description: 'a practice chain inside TaoDesk; resets when TaoDesk restarts' },
]

export const ChainConnectionState = z.enum(['idle', 'connecting', 'connected', 'reconnecting', 'disconnected'])
export type ChainConnectionState = z.infer<typeof ChainConnectionState>

export const ChainStatus = z.object({
  network: NetworkId,
  label: z.string(),
  /** The endpoint URL ("inproc://devnet" for the practice network). */
  endpoint: z.string(),
  customUrl: z.string(),
  state: ChainConnectionState,
  /** Round trip of system_health, ms; null until measured. */
  latencyMs: z.number().nullable(),
  /** Best block seen, or null before the first one. */
  block: z.number().int().nullable(),
  chain: z.string().nullable(),
  specVersion: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** Epoch ms of the last state change. */
  since: z.number(),
  /** Practice network only: where other processes (CLI, a second TaoDesk) can connect to it. */
  practiceUrl: z.string().nullable(),
  /** Pending commit-reveal commits that TaoDesk will reveal on this network. */
  pendingCommits: z.number().int(),
})
export type ChainStatus = z.infer<typeof ChainStatus>

const Netuid = z.number().int().min(0).max(65535)
/** Rao amounts as decimal strings (u64 does not fit a JS number). */
const Rao = z.string().regex(/^\d+$/)
/** "1.25": TAO with at most 9 decimals. */
export const TaoAmount = z.string().regex(/^\d{1,12}(\.\d{1,9})?$/, 'an amount of TAO such as 1 or 0.25 (at most 9 decimals)')

/** When a read could not reach the chain, the last stored value is returned with `stale: true`. */
const Freshness = { updatedAt: z.number(), stale: z.boolean() }

export const Axon = z.object({ ip: z.string(), port: z.number().int(), ipType: z.number().int(), version: z.number().int(), serving: z.boolean() })

export const Neuron = z.object({
  uid: z.number().int(),
  hotkey: z.string(),
  coldkey: z.string(),
  stake: z.number(),
  incentive: z.number(),
  emission: z.number(),
  dividends: z.number(),
  consensus: z.number(),
  validatorTrust: z.number(),
  validatorPermit: z.boolean(),
  active: z.boolean(),
  axon: Axon,
  lastUpdate: z.number().int(),
  registrationBlock: z.number().int().nullable(),
  immune: z.boolean().nullable(),
})
export type Neuron = z.infer<typeof Neuron>

export const MetagraphResult = z.object({
  netuid: Netuid,
  block: z.number().int(),
  source: z.enum(['runtime-api', 'storage']),
  neurons: z.array(Neuron),
  ...Freshness,
})
export type MetagraphResult = z.infer<typeof MetagraphResult>

export const Hyperparameters = z.object({
  tempo: z.number(),
  weightsRateLimit: z.number(),
  weightsVersionKey: z.number(),
  commitRevealEnabled: z.boolean(),
  revealPeriodEpochs: z.number(),
  commitRevealVersion: z.number().nullable(),
  minAllowedWeights: z.number(),
  maxWeightsLimit: z.number(),
  maxAllowedUids: z.number(),
  maxAllowedValidators: z.number(),
  immunityPeriod: z.number(),
  activityCutoff: z.number(),
  kappa: z.number(),
  bondsMovingAverage: z.number(),
  servingRateLimit: z.number(),
  registrationAllowed: z.boolean(),
  burn: Rao,
  minBurn: Rao,
  maxBurn: Rao,
  yuma3: z.boolean().nullable(),
  liquidAlpha: z.boolean().nullable(),
})
export type Hyperparameters = z.infer<typeof Hyperparameters>

/** `SubnetIdentitiesV3` as the owner wrote it (UTF-8 text); never the runtime's fallback name table. */
export const SubnetIdentity = z.object({
  name: z.string(),
  githubRepo: z.string(),
  contact: z.string(),
  url: z.string(),
  discord: z.string(),
  description: z.string(),
  logoUrl: z.string(),
  /** Free text; `protocol=openkaito-text-embedding/1; wire=v10,btauth` declares the embedding protocol. */
  additional: z.string(),
})
export type SubnetIdentity = z.infer<typeof SubnetIdentity>

/** Whether the subnet speaks OpenKaito's text-embedding protocol, decided from its identity. */
export const SubnetProtocol = z.object({
  verdict: z.enum(['speaks', 'does-not', 'unknown']),
  reason: z.string(),
  /** Wire formats the identity declares (empty when none). */
  wires: z.array(z.string()),
})
export type SubnetProtocol = z.infer<typeof SubnetProtocol>

const Identified = { identity: SubnetIdentity.nullable(), protocol: SubnetProtocol }

/**
 * `force` on chain.register, miner.start and validator.start: go on although the subnet's identity
 * does not declare the embedding protocol (the CLI's --force; the UI sets it after a typed confirmation).
 */
export const ForceParam = z.boolean().optional().describe('go on although the subnet does not declare the text-embedding protocol')

export const SubnetOverview = z.object({
  netuid: Netuid,
  ...Identified,
  hyperparameters: Hyperparameters,
  /** Registration price now, rao. */
  priceRao: Rao,
  /**
   * The runtime has register_limit, so the chain refuses a registration above the cap. When
   * false, TaoDesk checks the cap just before sending; the chain does not enforce it.
   */
  registrationCapOnChain: z.boolean().optional(),
  block: z.number().int(),
  blocksUntilNextEpoch: z.number().int(),
  neurons: z.number().int(),
  ...Freshness,
})
export type SubnetOverview = z.infer<typeof SubnetOverview>

export const SubnetSummary = z.object({ netuid: Netuid, neurons: z.number().int(), maxNeurons: z.number().int(), tempo: z.number().int(), burn: Rao, owner: z.string().nullable(), ...Identified })
export type SubnetSummary = z.infer<typeof SubnetSummary>

export const TxStage = z.enum(['checking', 'signing', 'submitted', 'ready', 'future', 'inBlock', 'finalized', 'failed'])
export type TxStage = z.infer<typeof TxStage>

export const TxProgress = z.object({
  operationId: z.string(),
  kind: z.enum(['register']),
  netuid: Netuid,
  hotkey: z.string(),
  stage: TxStage,
  blockHash: z.string().nullable(),
  /** Final outcome details. */
  uid: z.number().int().nullable(),
  priceRao: Rao.nullable(),
  /** Decoded error ("SubtensorModule.NotEnoughBalanceToStake") and what to do, when failed. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  time: z.number(),
})
export type TxProgress = z.infer<typeof TxProgress>

export const PendingCommit = z.object({
  id: z.number().int(),
  netuid: Netuid,
  hotkey: z.string(),
  commitBlock: z.number().int(),
  revealFrom: z.number().int(),
  revealUntil: z.number().int(),
  status: z.enum(['pending', 'revealed', 'expired', 'failed']),
  error: z.string().nullable(),
})

export const PracticeInfo = z.object({
  /** The practice chain runs in this engine now. */
  running: z.boolean(),
  /** ws:// URL other processes can use, or null. */
  url: z.string().nullable(),
  best: z.number().int().nullable(),
  /** What the running chain uses (null when it is not running). */
  blockTimeMs: z.number().int().nullable(),
  tempo: z.number().int().nullable(),
  /** What the next (re)start uses: the settings, unless the host pinned them (tests). */
  configured: z.object({ blockTimeMs: z.number().int(), tempo: z.number().int() }),
  /** The host fixed the block time and tempo; the settings do not apply. */
  pinned: z.boolean(),
  /** The settings differ from the running chain: restart the practice network to apply them. */
  restartNeeded: z.boolean(),
  faucetMaxTao: z.string(),
})
export type PracticeInfo = z.infer<typeof PracticeInfo>

export const chainMethods = {
  'chain.status': method(z.object({}).strict(), ChainStatus, 'The selected network and its connection state (does not connect).'),
  'chain.connect': method(z.object({}).strict(), ChainStatus, 'Connects to the selected network if not connected yet.'),
  'chain.setNetwork': method(
    z.object({ network: NetworkId, customUrl: z.string().max(500).optional() }).strict(),
    ChainStatus,
    'Switches to another network (saved as the `network` setting) and connects to it.',
  ),
  'chain.subnets': method(z.object({}).strict(), z.object({ subnets: z.array(SubnetSummary), ...Freshness }), 'Every subnet with its size, tempo and registration price.'),
  'chain.subnet': method(z.object({ netuid: Netuid }).strict(), SubnetOverview, 'A subnet: hyperparameters, registration price, blocks until the next epoch.'),
  'chain.metagraph': method(z.object({ netuid: Netuid }).strict(), MetagraphResult, 'Every neuron of a subnet (runtime API, storage fallback).'),
  'chain.balance': method(z.object({ address: z.string().min(40).max(60) }).strict(), z.object({ address: z.string(), freeRao: Rao, ...Freshness }), 'Free balance of an address, rao.'),
  'chain.register': method(
    z.object({ wallet: z.string().min(1).max(64), hotkey: z.string().min(1).max(64), netuid: Netuid, maxPriceTao: TaoAmount, force: ForceParam }).strict(),
    z.object({
      operationId: z.string(),
      priceRao: Rao,
      hotkeyAddress: z.string(),
      /** true: register_limit, the chain enforces maxPriceTao; false: checked just before sending only. */
      capEnforcedByChain: z.boolean(),
    }),
    'Registers a wallet hotkey on a subnet (refused, unless `force`, when its identity does not declare the text-embedding protocol; register_limit, or burned_register with the price re-checked just before signing on runtimes without it; paid by the unlocked coldkey) unless the price is above maxPriceTao. Progress comes as chain.tx events.',
  ),
  'chain.operations': method(z.object({}).strict(), z.array(TxProgress), 'The latest state of recent chain operations started in this engine.'),
  'chain.commits': method(z.object({}).strict(), z.array(PendingCommit), 'Weight commits (commit-reveal v2) on this network and whether they were revealed.'),
  'chain.practiceFaucet': method(
    z.object({ address: z.string().min(40).max(60), amountTao: TaoAmount.default('100') }).strict(),
    z.object({ address: z.string(), freeRao: Rao }),
    'Practice network only: credits practice TAO to an address (amounts above the faucet\'s per-request most are asked for in several requests).',
  ),
  'chain.practiceInfo': method(z.object({}).strict(), PracticeInfo, 'The practice network: running block time and tempo, and the settings the next restart applies.'),
  'chain.practiceRestart': method(
    z.object({}).strict(),
    PracticeInfo,
    'Restarts the practice network with the block time and tempo from settings: a fresh chain (practice balances and registrations start over).',
  ),
  'chain.practiceAdvance': method(
    z.object({ blocks: z.number().int().min(1).max(10_000).optional(), untilEpoch: Netuid.optional() }).strict(),
    z.object({ block: z.number().int() }),
    'Practice network only: produces blocks now (a number, or until the next epoch of a subnet has run).',
  ),
}

/**
 * The chain under a network started over: a new genesis (a restarted practice network, a dev
 * node started afresh) or block numbers that went back (a node switch, a rollback). What the
 * miner and the validator derived from the old chain was reset; `message` says so in words.
 */
export const ChainReset = z.object({
  network: NetworkId,
  endpoint: z.string(),
  kind: z.enum(['new-genesis', 'rolled-back']),
  previousGenesis: z.string(),
  genesis: z.string(),
  previousBlock: z.number().int(),
  block: z.number().int(),
  time: z.number(),
  message: z.string(),
})
export type ChainReset = z.infer<typeof ChainReset>

export const chainEvents = {
  'chain.status': event(ChainStatus, 'The connection state, latency or best block changed (at most about once a second).'),
  'chain.reset': event(ChainReset, 'The chain of the selected network started over (new genesis, or block numbers went back).'),
  'chain.tx': event(TxProgress, 'Progress of a chain operation started from TaoDesk.'),
}
