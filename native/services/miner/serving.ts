import type { ChainPort } from './ports'
import { ipv4Problem } from './public-ip'
import { SDK_VERSION_AS_INT } from '../../bittensor/wire/v10/format'

export type ServeOutcome = { readonly action: 'unchanged' | 'served'; readonly ip: string; readonly port: number }

/**
 * Publishes ip:port with serve_axon (spec §6.3) unless the chain already has exactly that; the
 * SDK does the same, which also keeps clear of the serving rate limit.
 */
export async function ensureServed(chain: ChainPort, netuid: number, hotkey: string, ip: string, port: number): Promise<ServeOutcome> {
  const problem = ipv4Problem(ip)
  if (problem && !problem.includes('private') && !problem.includes('carrier') && !(chain.loopback && ip === '127.0.0.1')) throw new Error(`Cannot publish ${ip}:${port}: ${problem}`)
  if (!(port > 0 && port < 65536)) throw new Error(`Cannot publish port ${port}: choose 1 to 65535.`)
  const current = await chain.axonInfo(netuid, hotkey)
  if (current && current.ip === ip && current.port === port && current.version === SDK_VERSION_AS_INT) return { action: 'unchanged', ip, port }
  await chain.serveAxon(netuid, { ip, port, version: SDK_VERSION_AS_INT })
  return { action: 'served', ip, port }
}
