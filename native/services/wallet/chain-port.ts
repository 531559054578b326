/**
 * What the wallet needs from the chain. The wallet side is written against this interface;
 * `chain-adapter.ts` implements it over the chain client (native/bittensor/chain), and the engine
 * decides which network it talks to.
 */
import type { FeeEstimate } from '../../bittensor/chain/core/fees'
import type { AlphaPrice, StakeEntry } from '../../bittensor/chain/ops/stake'
import type { Signer } from '../../bittensor/keys/signer'
import type { ExtrinsicStage, WalletCall } from '../../contract'

export { formatTao, parseTao } from '../../contract'
export type { AlphaPrice, FeeEstimate, StakeEntry }

export interface ExtrinsicUpdate {
  readonly stage: ExtrinsicStage
  readonly txHash?: string
  readonly blockHash?: string
}

/** How an extrinsic ended. A chain rejection is an outcome, not an exception. */
export type ExtrinsicOutcome =
  | { readonly ok: true; readonly txHash: string; readonly blockHash: string; readonly blockNumber: number }
  | {
      readonly ok: false
      /** "SubtensorModule.NotEnoughBalanceToStake", "Balances.InsufficientBalance", "Rpc.1010", ... */
      readonly errorCode: string
      /** The decoded module error with its documentation, for the user. */
      readonly error: string
      readonly blockHash?: string
    }

export interface ChainEndpointInfo {
  readonly network: string
  readonly endpoint: string
}

export interface WalletChainPort {
  readonly info: ChainEndpointInfo
  /** Free balance in rao (decimal string; u64). */
  freeBalance(address: string): Promise<string>
  /** Stake of a coldkey per hotkey and subnet (dTAO alpha). `hotkeys` adds hotkeys to look at besides the ones the chain lists. */
  stakes(coldkey: string, hotkeys: readonly string[]): Promise<StakeEntry[]>
  /** The current alpha price of a subnet in rao per 1.0 alpha (the unit of a limit price). */
  alphaPrice(netuid: number): Promise<AlphaPrice>
  /** Stake and unstake calls carry their limit price (filled in by the wallet before this). */
  estimateFee(from: string, call: WalletCall): Promise<FeeEstimate>
  /** `signer` throws once the wallet is locked again; that ends the submission. */
  submit(signer: Signer, call: WalletCall, onStatus: (u: ExtrinsicUpdate) => void): Promise<ExtrinsicOutcome>
}

/** Where the wallet gets its chain port (the engine's selected network, or one the CLI names). */
export interface WalletChainSource {
  port(): Promise<WalletChainPort>
  dispose?(): Promise<void>
}

export const CHAIN_NOT_CONFIGURED =
  'No Bittensor network is connected to the wallet in this engine. Pick a network in TaoDesk, or use the CLI with --network/--url.'
