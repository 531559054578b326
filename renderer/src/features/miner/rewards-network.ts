/**
 * The network the miner's rewards were read on, when the header shows another one (the figures
 * are old there: the miner's chain connection ends with the switch); null when they match.
 * A miner on a custom endpoint reports its address, which the header calls "custom".
 */
export function rewardsStaleFrom(rewardsNetwork: string, headerNetwork: string | null): string | null {
  if (headerNetwork === null || rewardsNetwork === headerNetwork) return null
  if (headerNetwork === 'custom' && /^wss?:\/\//i.test(rewardsNetwork)) return null
  return rewardsNetwork
}
