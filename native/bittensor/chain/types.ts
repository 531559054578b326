/** One neuron of a subnet's metagraph, in the units the SDK shows (spec §6.6). */
export interface NeuronRow {
  readonly uid: number
  readonly hotkey: string
  readonly coldkey: string
  /**
   * The stake the chain judges this hotkey by, the SDK's `S` (rao / 1e9): inherited alpha +
   * TaoWeight × inherited root TAO (`get_stake_weights_for_hotkey_on_subnet`). Every caller decision
   * (blacklist, priority, permit filter) and display uses this, never the hotkey's own alpha.
   */
  readonly stake: number
  /** Inherited alpha on the subnet (rao / 1e9); null when the read did not give it. */
  readonly alphaStake: number | null
  /** Inherited root TAO, not weighted (rao / 1e9); null when the read did not give it. */
  readonly taoStake: number | null
  readonly incentive: number
  /** Alpha per epoch (rao / 1e9). */
  readonly emission: number
  readonly dividends: number
  readonly consensus: number
  readonly validatorTrust: number
  readonly validatorPermit: boolean
  readonly active: boolean
  readonly axon: { readonly ip: string; readonly port: number; readonly ipType: number; readonly version: number; readonly serving: boolean }
  readonly lastUpdate: number
  readonly registrationBlock: number | null
  /** True while the neuron is within ImmunityPeriod of its registration (null when unknown). */
  readonly immune: boolean | null
}

export interface Metagraph {
  readonly netuid: number
  readonly block: number
  readonly source: 'runtime-api' | 'storage'
  readonly neurons: NeuronRow[]
}

export interface Hyperparameters {
  readonly tempo: number
  readonly weightsRateLimit: number
  readonly weightsVersionKey: number
  readonly commitRevealEnabled: boolean
  readonly revealPeriodEpochs: number
  readonly commitRevealVersion: number | null
  readonly minAllowedWeights: number
  readonly maxWeightsLimit: number
  readonly maxAllowedUids: number
  readonly maxAllowedValidators: number
  readonly immunityPeriod: number
  readonly activityCutoff: number
  readonly kappa: number
  readonly bondsMovingAverage: number
  readonly servingRateLimit: number
  readonly registrationAllowed: boolean
  /** Registration price in rao. */
  readonly burn: string
  readonly minBurn: string
  readonly maxBurn: string
  readonly yuma3: boolean | null
  readonly liquidAlpha: boolean | null
}

export interface SubnetSummary {
  readonly netuid: number
  readonly neurons: number
  readonly maxNeurons: number
  readonly tempo: number
  /** Registration price in rao. */
  readonly burn: string
  readonly owner: string | null
  /** `SubnetIdentitiesV3`, null when the owner set none (never the runtime's fallback name). */
  readonly identity: SubnetIdentity | null
}

/** A subnet's on-chain identity (`SubnetIdentityV3`), each field decoded as UTF-8 text. */
export interface SubnetIdentity {
  readonly name: string
  readonly githubRepo: string
  readonly contact: string
  readonly url: string
  readonly discord: string
  readonly description: string
  readonly logoUrl: string
  readonly additional: string
}

export interface ChainInfo {
  readonly network: string
  readonly endpoint: string
  readonly chain: string
  readonly specVersion: number
  readonly block: number
  readonly finalized: number
  readonly ss58Format: number
  readonly tokenSymbol: string
}

export interface EpochTiming {
  readonly netuid: number
  readonly block: number
  readonly tempo: number
  /** The block the next epoch fires in (`get_next_epoch_start_block`); null when tempo is 0. */
  readonly nextEpochBlock: number | null
  /** `SubnetEpochIndex` after `block` (the legacy epoch number on older runtimes). */
  readonly epochIndex: number
  readonly blocksUntilNextEpoch: number
}

export type TxStatus =
  | { readonly stage: 'signing' }
  | { readonly stage: 'submitted'; readonly hash: string }
  | { readonly stage: 'ready' | 'future' }
  | { readonly stage: 'inBlock' | 'finalized'; readonly blockHash: string }

export interface TxResult {
  readonly txHash: string
  readonly blockHash: string
  readonly blockNumber: number
  readonly events: Array<{ section: string; method: string; data: unknown }>
}
