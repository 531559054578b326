import type { NetworkId } from '../../../native/contract'

const SHORT: Record<NetworkId, string> = { finney: 'Mainnet', test: 'Testnet', local: 'Local node', custom: 'Custom', devnet: 'Practice' }

/** The network's name as the header shows it ("Practice", never the internal "devnet"). */
export function networkName(network: string): string {
  return network in SHORT ? SHORT[network as NetworkId] : network
}
