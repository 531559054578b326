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
