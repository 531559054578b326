import { limitPriceFor } from '../../../../native/contract'

const RAO = 1_000_000_000n
/** The practice faucet gives at most this much a request (rao). */
export const PRACTICE_FAUCET_STEP_RAO = 1000n * RAO

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

/**
 * The faucet requests that cover `needed` rao over `free`: the shortfall rounded up to whole TAO
 * (a round number to ask for), in requests of at most the faucet's step; empty when covered.
 */
export function faucetSteps(free: bigint, needed: bigint): bigint[] {
  const steps: bigint[] = []
  const short = needed > free ? ((needed - free + RAO - 1n) / RAO) * RAO : 0n
  for (let left = short; left > 0n; left -= PRACTICE_FAUCET_STEP_RAO) steps.push(left < PRACTICE_FAUCET_STEP_RAO ? left : PRACTICE_FAUCET_STEP_RAO)
  return steps
}

/** "1,159.77": an amount in 1e-9 units for reading, to two decimals (forms keep the exact digits). */
export function readableUnits(units: bigint): string {
  return (Number(units) / 1e9).toLocaleString('en-US', { maximumFractionDigits: 2 })
}
