/** Networks a user can pick. `devnet` is the in-process practice chain (no real TAO). */
export type NetworkId = 'finney' | 'test' | 'local' | 'custom' | 'devnet'

export const NETWORK_ENDPOINTS: Readonly<Record<Exclude<NetworkId, 'custom' | 'devnet'>, string>> = {
  finney: 'wss://entrypoint-finney.opentensor.ai:443',
  test: 'wss://test.finney.opentensor.ai:443',
  local: 'ws://127.0.0.1:9944',
}

export const NETWORK_LABELS: Readonly<Record<NetworkId, string>> = {
  finney: 'Bittensor mainnet (finney)',
  test: 'Bittensor testnet',
  local: 'Local node (ws://127.0.0.1:9944)',
  custom: 'Custom endpoint',
  devnet: 'Practice network (no real TAO)',
}

/** The endpoint a network id (and optional custom URL) resolves to. */
export function endpointFor(network: NetworkId, customUrl?: string): string {
  if (network === 'devnet') return 'inproc://devnet'
  if (network === 'custom') {
    const url = customUrl?.trim() ?? ''
    if (!/^wss?:\/\/[^\s]+$/.test(url)) throw new Error('A custom network needs a ws:// or wss:// URL, for example ws://10.0.0.5:9944')
    return url
  }
  return NETWORK_ENDPOINTS[network]
}
