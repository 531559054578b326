import { NETWORK_ENDPOINTS } from '../../contract/chain'
import type { NetworkId } from '../../contract/chain'

export type { NetworkId }

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
