/**
 * What the wallet needs from the chain client (issue 4). The wallet side is written against this
 * interface; until a client is plugged in, money operations report that it is missing.
 */
export interface KeySigner {
  readonly address: string
  readonly publicKey: Uint8Array
  /** sr25519 signature (context "substrate") of `message`. Throws once the key is locked. */
  sign(message: Uint8Array): Uint8Array
}

export type ExtrinsicStatus = 'ready' | 'inBlock' | 'finalized' | 'failed'

export interface ExtrinsicUpdate {
  readonly status: ExtrinsicStatus
  readonly blockHash?: string
  /** Decoded module error ("SubtensorModule.NotEnoughBalanceToStake: ...") when failed. */
  readonly error?: string
}

export interface StakeEntry {
  readonly hotkey: string
  readonly netuid: number
  /** Alpha in 1e-9 units, as a decimal string (u64). */
  readonly alpha: string
}

export interface WalletChainPort {
  /** Free balance in rao (decimal string; u64). */
  freeBalance(address: string): Promise<string>
  stakes(coldkey: string): Promise<StakeEntry[]>
  estimateTransferFee(from: string, to: string, rao: bigint): Promise<string>
  transfer(signer: KeySigner, to: string, rao: bigint, onStatus: (u: ExtrinsicUpdate) => void): Promise<ExtrinsicUpdate>
  addStake(signer: KeySigner, hotkey: string, netuid: number, rao: bigint, onStatus: (u: ExtrinsicUpdate) => void): Promise<ExtrinsicUpdate>
  removeStake(signer: KeySigner, hotkey: string, netuid: number, alpha: bigint, onStatus: (u: ExtrinsicUpdate) => void): Promise<ExtrinsicUpdate>
}

export const CHAIN_CLIENT_MISSING =
  'Balances, transfers and staking need the chain client, which this build of TaoDesk does not have yet (issue 4). ' +
  'Use btcli for money operations meanwhile; your wallet files are the same.'

/** 1 TAO = 1e9 rao. Parses "1.5" -> 1500000000n; refuses more than 9 decimals or negatives. */
export function parseTao(text: string): bigint {
  const m = /^\s*(\d+)(?:\.(\d{1,9}))?\s*$/.exec(text)
  if (!m) throw new Error(`"${text}" is not an amount of TAO (use digits, at most 9 decimals, e.g. 1.25).`)
  return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))
}

export function formatTao(rao: bigint | string): string {
  const v = BigInt(rao)
  const whole = v / 1_000_000_000n
  const frac = (v % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : `${whole}`
}
