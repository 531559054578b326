/**
 * What the wallet needs from the chain. The wallet side is written against this interface;
 * `chain-adapter.ts` implements it over the chain client (native/chain/client), and the engine
 * decides which network it talks to.
 */
import type { ExtrinsicStage, WalletCall } from '../../contract'

export { formatTao, parseTao } from '../../contract'

export interface KeySigner {
  readonly address: string
  readonly publicKey: Uint8Array
  /** sr25519 signature (context "substrate") of `message`. Throws once the key is locked. */
  sign(message: Uint8Array): Uint8Array
}

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

export interface StakeEntry {
  readonly hotkey: string
  readonly netuid: number
  /** Alpha in 1e-9 units, as a decimal string (u64). */
  readonly alpha: string
}

export interface FeeEstimate {
  /** What the node says the extrinsic will cost in rao (payment info), or null when it cannot say. */
  readonly feeRao: string | null
  /** Why there is no fee, when feeRao is null. */
  readonly note: string | null
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
  estimateFee(from: string, call: WalletCall): Promise<FeeEstimate>
  submit(signer: KeySigner, call: WalletCall, onStatus: (u: ExtrinsicUpdate) => void): Promise<ExtrinsicOutcome>
}

/** Where the wallet gets its chain port (the engine's selected network, or one the CLI names). */
export interface WalletChainSource {
  port(): Promise<WalletChainPort>
  dispose?(): Promise<void>
}

export const CHAIN_NOT_CONFIGURED =
  'No Bittensor network is connected to the wallet in this engine. Pick a network in TaoDesk, or use the CLI with --network/--url.'
