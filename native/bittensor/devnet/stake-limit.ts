/**
 * `add_stake_limit` [88] and `remove_stake_limit` [89] on the practice network
 * (`staking/add_stake.rs:115-189`, `staking/remove_stake.rs:326-407`). The practice chain swaps TAO
 * and alpha 1:1, so its subnets are mechanism 0 ("stable") with the fixed price 1.0 that subtensor
 * gives root and stable subnets (`limit_price` in rao per 1.0 alpha), and the limit follows that branch: `get_max_amount_add` is unlimited when `limit_price ≥ 1e9`, else 0;
 * `get_max_amount_remove` is unlimited when `limit_price ≤ 1e9`, else 0 (`stake_utils.rs`). Over the
 * maximum, fill-or-kill fails with `SlippageTooHigh` and `allow_partial` executes the maximum
 * (`validate_add_stake`, `validate_remove_stake`).
 */

/** Spot price of alpha in rao per 1.0 alpha (`SwapRuntimeApi_current_alpha_price`). */
export const PRACTICE_ALPHA_PRICE = 1_000_000_000n
const UNLIMITED = (1n << 64n) - 1n

export interface LimitOrder {
  readonly direction: 'add' | 'remove'
  /** TAO rao to stake, or alpha to unstake. */
  readonly amount: bigint
  readonly limitPrice: bigint
  readonly allowPartial: boolean
  /** The smallest amount the chain takes at all (checked on the amount asked for, before the cap). */
  readonly minAmount: bigint
}

/** The amount that executes, or the module error the chain answers. */
export function limitOrderAmount(o: LimitOrder): bigint | 'AmountTooLow' | 'SlippageTooHigh' {
  if (o.amount === 0n || (o.direction === 'add' && o.amount < o.minAmount)) return 'AmountTooLow'
  const withinLimit = o.direction === 'add' ? o.limitPrice >= PRACTICE_ALPHA_PRICE : o.limitPrice <= PRACTICE_ALPHA_PRICE
  const max = withinLimit ? UNLIMITED : 0n
  if (!o.allowPartial && o.amount > max) return 'SlippageTooHigh'
  const run = o.amount < max ? o.amount : max
  return run === 0n ? 'AmountTooLow' : run
}
