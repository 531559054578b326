/**
 * The chain client callers hold: one connected node (shared per endpoint, see core/connection)
 * and every operation on it. Each method only delegates to the module that does the job:
 * core/ (connect, submit, fees) and ops/ (one file per operation).
 */
import type { ApiPromise } from '@polkadot/api'
import type { Signer } from '../keys/signer'
import type { ChainStore } from './chain-store'
import type { Connection, ConnectionStatus, InProcessChain } from './core/connection'
import { abandonConnection, acquireConnection, releaseConnection, watchConnection } from './core/connection'
import type { ChainContext } from './core/context'
import { storeKeyOf } from './core/context'
import type { Extrinsic } from './core/submit'
import { submit } from './core/submit'
import type { NetworkId } from './networks'
import { endpointFor } from './networks'
import { balance, blockNumber, chainInfo } from './ops/chain-state'
import { metagraph, uidOf } from './ops/neurons'
import { faucet, produceBlocks } from './ops/practice'
import type { Registration } from './ops/register'
import { register, registrationCapOnChain, registrationFee, registrationPrice } from './ops/register'
import type { AxonToServe } from './ops/serve-axon'
import { serveAxon } from './ops/serve-axon'
import { addStake, removeStake } from './ops/stake'
import { subnetIdentity } from './ops/subnet-identity'
import { epochTiming, hyperparameters, subnets } from './ops/subnets'
import { transfer } from './ops/transfer'
import type { RevealOutcome } from './ops/weights'
import { revealDue, setWeightsFromScores } from './ops/weights'
import type { ChainInfo, EpochTiming, Hyperparameters, Metagraph, SubnetIdentity, SubnetSummary, TxResult, TxStatus } from './types'

// Kept importable from here, where callers found them before the split.
export { ChainError, connectionFailure, refusedConnection } from './core/errors'
export type { RefusedConnection } from './core/errors'
export type { ConnectionState, ConnectionStatus, InProcessChain } from './core/connection'
export { ERA_PERIOD } from './core/submit'
export { decodeIp, encodeIp } from './core/ip'
export { decodeSubnetIdentity } from './ops/subnet-identity'
export { DEFINITIVE_REVEAL_ERRORS } from './ops/weights'
export type { RevealOutcome } from './ops/weights'

export interface ConnectOptions {
  readonly network: NetworkId
  readonly customUrl?: string
  /** The in-process practice chain, for network 'devnet'. */
  readonly devnet?: InProcessChain
  /** SQLite persistence (cache and pending commits); optional for one-shot CLI reads. */
  readonly store?: ChainStore
  /** Gives up connecting after this long (the connection keeps retrying in the background). */
  readonly timeoutMs?: number
}

/** Subtensor client on @polkadot/api; see the modules it delegates to for what each operation guarantees. */
export class ChainClient implements ChainContext {
  private released = false

  private constructor(
    readonly network: NetworkId,
    readonly endpoint: string,
    private readonly conn: Connection,
    readonly store: ChainStore | undefined,
  ) {}

  static async connect(options: ConnectOptions): Promise<ChainClient> {
    // Each practice chain gets its own endpoint, so two of them in one process never share.
    const endpoint = options.network === 'devnet' && options.devnet ? `inproc://devnet/${options.devnet.id}` : endpointFor(options.network, options.customUrl)
    const conn = await acquireConnection(endpoint, options.devnet, options.timeoutMs ?? 20_000)
    return new ChainClient(options.network, endpoint, conn, options.store)
  }

  /** See {@link abandonConnection}. */
  static abandon(endpoint: string): Promise<boolean> {
    return abandonConnection(endpoint)
  }

  get api(): ApiPromise {
    return this.conn.api
  }

  get status(): ConnectionStatus {
    return this.conn.status
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    return watchConnection(this.conn, listener)
  }

  /** Drops this user of the shared connection; the last one closes it. */
  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    await releaseConnection(this.conn)
  }

  get storeKey(): string {
    return storeKeyOf(this.network, this.endpoint)
  }

  submit(tx: Extrinsic, signer: Signer, onStatus?: (s: TxStatus) => void, until?: 'inBlock' | 'finalized', beforeSign?: () => Promise<void>): Promise<TxResult> {
    return submit(this, tx, signer, { onStatus, until, beforeSign })
  }

  // ---------- practice network only ----------
  devnetProduceBlocks(count: number): Promise<string> {
    return produceBlocks(this.conn.provider, count)
  }

  devnetFaucet(address: string, amountRao: bigint): Promise<string> {
    return faucet(this.conn.provider, address, amountRao)
  }

  // ---------- reads ----------
  blockNumber(): Promise<number> {
    return blockNumber(this)
  }

  info(): Promise<ChainInfo> {
    return chainInfo(this)
  }

  balance(address: string): Promise<bigint> {
    return balance(this, address)
  }

  subnets(): Promise<SubnetSummary[]> {
    return subnets(this)
  }

  /** `SubnetIdentitiesV3` of a subnet; null when none is set. */
  subnetIdentity(netuid: number): Promise<SubnetIdentity | null> {
    return subnetIdentity(this, netuid)
  }

  hyperparameters(netuid: number): Promise<Hyperparameters> {
    return hyperparameters(this, netuid)
  }

  epochTiming(netuid: number): Promise<EpochTiming> {
    return epochTiming(this, netuid)
  }

  uidOf(netuid: number, hotkey: string): Promise<number | null> {
    return uidOf(this, netuid, hotkey)
  }

  metagraph(netuid: number): Promise<Metagraph> {
    return metagraph(this, netuid)
  }

  registrationPrice(netuid: number): Promise<bigint> {
    return registrationPrice(this, netuid)
  }

  get registrationCapOnChain(): boolean {
    return registrationCapOnChain(this)
  }

  registrationFee(coldkey: string, netuid: number, hotkey: string, maxPriceRao: bigint): Promise<bigint | null> {
    return registrationFee(this, coldkey, netuid, hotkey, maxPriceRao)
  }

  // ---------- writes ----------
  register(signer: Signer, netuid: number, hotkey: string, maxPriceRao: bigint, onStatus?: (s: TxStatus) => void): Promise<Registration> {
    return register(this, signer, netuid, hotkey, maxPriceRao, onStatus)
  }

  serveAxon(signer: Signer, netuid: number, axon: AxonToServe, onStatus?: (s: TxStatus) => void): Promise<TxResult | null> {
    return serveAxon(this, signer, netuid, axon, onStatus)
  }

  /** Weights from raw scores per uid: set, or committed on commit-reveal subnets (see ops/weights). */
  setWeights(signer: Signer, netuid: number, scores: ReadonlyArray<{ uid: number; score: number }>, versionKey: bigint, onStatus?: (s: TxStatus) => void): ReturnType<typeof setWeightsFromScores> {
    return setWeightsFromScores(this, signer, netuid, scores, versionKey, onStatus)
  }

  revealDue(signerFor: (hotkey: string) => Signer | undefined | Promise<Signer | undefined>): Promise<RevealOutcome[]> {
    return revealDue(this, signerFor)
  }

  addStake(signer: Signer, hotkey: string, netuid: number, amountRao: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
    return addStake(this, signer, hotkey, netuid, amountRao, onStatus)
  }

  removeStake(signer: Signer, hotkey: string, netuid: number, amountAlpha: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
    return removeStake(this, signer, hotkey, netuid, amountAlpha, onStatus)
  }

  transfer(signer: Signer, dest: string, amountRao: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
    return transfer(this, signer, dest, amountRao, onStatus)
  }
}
