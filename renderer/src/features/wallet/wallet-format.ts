import { formatTao, priceReview } from '../../../../native/contract'
import type { PriceQuote } from '../../../../native/contract'

const RAO = 1_000_000_000n

export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-6)}` : address
}

/**
 * The review step's balance rows: what the call takes from the free balance and what stays
 * (rao strings). An unstake takes only the fee and returns TAO the pool decides, so what stays is
 * "at least" free − fee.
 */
export function balanceAfter(estimate: { free: string; total: string; fee: string | null }, kind: 'transfer' | 'stake' | 'unstake'): { taken: string; left: string; atLeast: boolean } {
  const left = BigInt(estimate.free) - BigInt(estimate.total)
  return { taken: estimate.total, left: (left > 0n ? left : 0n).toString(), atLeast: kind === 'unstake' }
}

export interface ReviewRow {
  readonly label: string
  readonly value: string
  readonly testId: string
}

/**
 * The review step's price rows of a stake or unstake: the price now, the limit signed into the call,
 * and about what comes back at the price now (the swap fee and price impact come off it).
 */
export function priceRows(price: PriceQuote, call: { kind: 'stake' | 'unstake'; amount: string }): ReviewRow[] {
  const review = priceReview(price, call.kind)
  const expected = BigInt(price.expected)
  const amount = BigInt(call.amount)
  const back =
    expected === 0n
      ? 'unknown (the subnet pool holds no alpha)'
      : call.kind === 'stake'
        ? `about ${formatTao((amount * RAO) / expected)} alpha, less the swap fee`
        : `about ${formatTao((amount * expected) / RAO)} TAO, less the swap fee`
  return [
    { label: 'Expected price', value: review.expected, testId: 'money-price' },
    { label: 'Limit price', value: review.limit, testId: 'money-limit' },
    { label: 'You receive', value: back, testId: 'money-receive' },
  ]
}

/** "Word 10 of the coldkey does not match." / "Words 3 of the coldkey and 7 of the hotkey do not match." */
export function mismatchText(wrong: ReadonlyArray<{ role: string; position: number }>): string {
  const parts = wrong.map((w) => `${w.position} of the ${w.role}`)
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}` : (parts[0] ?? '')
  const verb = parts.length > 1 ? 'do not match' : 'does not match'
  return `Word${parts.length > 1 ? 's' : ''} ${list} ${verb}. Compare ${parts.length > 1 ? 'them' : 'it'} with what you wrote down.`
}
