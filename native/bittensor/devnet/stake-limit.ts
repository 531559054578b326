/**
 * `add_stake_limit` [88] and `remove_stake_limit` [89] on the practice network
 * (`staking/add_stake.rs:115-189`, `staking/remove_stake.rs:326-407`). The practice chain swaps TAO
 * and alpha 1:1, so its subnets are mechanism 0 ("stable") with the fixed price 1.0 that subtensor
 * gives root and stable subnets (`limit_price` in rao per 1.0 alpha), and the limit follows that branch: `get_max_amount_add` is unlimited when `limit_price ≥ 1e9`, else 0;
 * `get_max_amount_remove` is unlimited when `limit_price ≤ 1e9`, else 0 (`stake_utils.rs`). Over the
 * maximum, fill-or-kill fails with `SlippageTooHigh` and `allow_partial` executes the maximum
 * (`validate_add_stake`, `validate_remove_stake`).
 */

/**
 * `DefaultMinStake` = `SubtensorInitialMinStake` = 2 000 000 rao (`runtime/src/lib.rs:1002`). A stake
 * must be at least this plus the swap fee of staking it (`stake_utils.rs:1071-1085`); the practice
 * subnets swap 1:1 without a fee, so the minimum is this amount.
 */
export const MIN_STAKE = 2_000_000n

/**
 * `validate_remove_stake` (`stake_utils.rs:1148-1165`): an unstake that leaves alpha behind must
 * swap out at least `DefaultMinStake` in TAO; taking the whole position out is always allowed.
 */
export function unstakeTooSmall(remainingAlpha: bigint, taoOut: bigint): boolean {
  return remainingAlpha !== 0n && taoOut < MIN_STAKE
}

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
