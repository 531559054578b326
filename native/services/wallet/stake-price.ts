/**
 * Price protection of the wallet's stake and unstake: the limit price signed into
 * add_stake_limit / remove_stake_limit (spec network-2026 §8), and plain words for the refusals
 * a limit order can meet.
 */
import { DEFAULT_SLIPPAGE_PERCENT, Settings, formatPrice, limitPriceFor } from '../../contract'
import type { PriceQuote, WalletCall } from '../../contract'
import type { WalletChainPort } from './chain-port'

/** The user's slippage tolerance (settings `stakeSlippagePercent`), from the raw stored settings. */
export function slippageSetting(stored: Record<string, unknown>): number {
  return Settings.shape.stakeSlippagePercent.safeParse(stored.stakeSlippagePercent).data ?? DEFAULT_SLIPPAGE_PERCENT
}

export interface PricedCall {
  /** The call to sign: a stake or unstake carries its limit price. */
  readonly call: WalletCall
  readonly price: PriceQuote | null
}

/**
 * Fills in the limit price of a stake or unstake from the current alpha price and the tolerance;
 * a call that already has one keeps it (the user reviewed that limit). Transfers pass unchanged.
 */
export async function priceCall(port: WalletChainPort, call: WalletCall, slippagePercent: number): Promise<PricedCall> {
  if (call.kind === 'transfer') return { call, price: null }
  const expected = await port.alphaPrice(call.netuid)
  const own = call.limitPrice !== undefined
  const limit = own ? call.limitPrice! : limitPriceFor(expected.rao, slippagePercent, call.kind).toString()
  const allowPartial = call.allowPartial ?? false
  return {
    call: { ...call, limitPrice: limit, allowPartial },
    price: { expected: expected.rao.toString(), limit, slippagePercent: own ? null : slippagePercent, allowPartial, source: expected.source },
  }
}

const RETRY = 'Review it again to see the current price and send it again, or allow more slippage (the slippage field of the stake form, or --slippage on the command line).'

/**
 * What a refused stake or unstake means and what to do, for the module errors a limit order adds
 * (`validate_add_stake` / `validate_remove_stake`, `stake_utils.rs:1057-1190`); undefined for others.
 */
export function explainStakeRefusal(call: WalletCall, errorCode: string): string | undefined {
  if (call.kind === 'transfer') return undefined
  const limit = call.limitPrice === undefined ? 'your limit' : `your limit of ${formatPrice(call.limitPrice)}`
  switch (errorCode) {
    case 'SubtensorModule.SlippageTooHigh':
      return call.kind === 'stake'
        ? `Nothing was staked: the alpha price would rise above ${limit} before all of this TAO was swapped (the price moved, or the amount is large for the subnet's pool). Only the network fee was charged. ${RETRY}`
        : `Nothing was unstaked: the alpha price would fall below ${limit} before all of this alpha was swapped (the price moved, or the amount is large for the subnet's pool). Only the network fee was charged. ${RETRY}`
    case 'SubtensorModule.AmountTooLow':
      return call.kind === 'stake'
        ? 'The chain refused the stake as too small: it takes at least 0.002 TAO plus the swap fee. Stake more.'
        : 'The chain refused the unstake as too small: an unstake must be worth at least 0.002 TAO unless it removes the whole stake. Unstake more, or all of it.'
    case 'SubtensorModule.InsufficientLiquidity':
      return "The subnet's pool cannot take this amount right now (too little liquidity). Nothing was swapped; try a smaller amount."
    default:
      return undefined
  }
}
