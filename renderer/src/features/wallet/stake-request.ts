import { limitPriceFor } from '../../../../native/contract'

const RAO = 1_000_000_000n

/** A stake another page asks the Wallet page to prepare: the form opens filled in. */
export interface StakeRequest {
  readonly wallet: string
  readonly hotkey: string
  readonly netuid: number
  /** The stake the hotkey should hold afterwards is `have + alpha`: alpha to add, in 1e-9 units. */
  readonly alpha: bigint
}

let pending: StakeRequest | null = null

/** Remembers the request and opens the Wallet page, whose stake form for `wallet` picks it up. */
export function requestStake(r: StakeRequest): void {
  pending = r
  window.location.hash = '/wallet'
}

/** The request waiting for this wallet, if any (left in place: read it during render, clear it after). */
export function peekStakeRequest(wallet: string): StakeRequest | null {
  return pending?.wallet === wallet ? pending : null
}

export function clearStakeRequest(r: StakeRequest): void {
  if (pending === r) pending = null
}

/**
 * The TAO (rao) to stake so the hotkey gains at least `alpha` even if the price moves up to the
 * limit the form signs (price × (1 + slippage)): alpha × limit price, rounded up.
 */
export function taoForAlpha(alpha: bigint, priceRao: bigint, slippagePercent: number): bigint {
  const limit = limitPriceFor(priceRao, slippagePercent, 'stake')
  return (alpha * limit + RAO - 1n) / RAO
}

/** What to ask the faucet for so `free` covers `needed` (rao): the shortfall rounded up to whole TAO (a round number to ask for); 0 when covered. */
export function faucetShortfall(free: bigint, needed: bigint): bigint {
  return needed > free ? ((needed - free + RAO - 1n) / RAO) * RAO : 0n
}

/** "1,159.77": an amount in 1e-9 units for reading, to two decimals (forms keep the exact digits). */
export function readableUnits(units: bigint): string {
  return (Number(units) / 1e9).toLocaleString('en-US', { maximumFractionDigits: 2 })
}
