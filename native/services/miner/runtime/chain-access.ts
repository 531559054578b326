/**
 * Which ChainClient a miner or validator uses. The engine's ChainService owns the connection to
 * the network the user picked; when a start request names that network (or names none), its
 * client is used as is. Another network (the CLI's `--network finney` while the app is set to the
 * testnet) gets its own ChainClient, which still shares one connection per endpoint inside the
 * process (ChainClient.connect reference-counts them).
 */
import type { Disposable } from '../../../base/emitter'
import { ChainClient } from '../../../bittensor/chain/chain-client'
import type { NetworkId } from '../../../bittensor/chain/networks'
import { chainEngineError } from '../../chain'
import type { ChainService } from '../../chain'
import { EngineError } from '../../../contract'

const NAMED: readonly NetworkId[] = ['finney', 'test', 'local', 'custom', 'devnet']

export interface ChainLease {
  readonly client: ChainClient
  /** The network as the user named it ("finney", "devnet", or the ws:// URL). */
  readonly network: string
  /** True when the client belongs to the engine's ChainService (the user's selected network). */
  readonly shared: boolean
  /** Called once if the client goes away underneath (the user switched the engine's network). */
  onLost(listener: () => void): Disposable
  release(): Promise<void>
}

/** Subnet 5 is netuid 5 on mainnet and 88 on the testnet (spec §1.1). */
export function defaultNetuid(network: string | undefined): number {
  return network === 'test' ? 88 : 5
}

function isUrl(network: string): boolean {
  return /^wss?:\/\/\S+$/.test(network)
}

/**
 * Resolves `network` ("finney", "test", "local", "devnet", "custom", a ws:// URL, or undefined
 * for the selected network) to a connected client. EngineError with advice when it cannot.
 */
export async function acquireChainClient(chain: ChainService, network: string | undefined, timeoutMs = 15_000): Promise<ChainLease> {
  const selected = chain.status()
  const wanted = network?.trim() || undefined
  const sameAsSelected =
    wanted === undefined ||
    (wanted === selected.network && (wanted !== 'custom' || selected.customUrl !== '')) ||
    (isUrl(wanted) && selected.network === 'custom' && selected.customUrl.trim() === wanted)
  if (sameAsSelected) {
    const client = await chain.client()
    return {
      client,
      network: wanted ?? (selected.network === 'custom' ? selected.customUrl : selected.network),
      shared: true,
      onLost(listener) {
        let fired = false
        return chain.onClient((next) => {
          if (fired || next === client) return
          fired = true
          listener()
        })
      },
      release: () => Promise.resolve(),
    }
  }
  if (wanted === 'devnet') {
    throw new EngineError(
      'BAD_REQUEST',
      'The practice network lives inside a running TaoDesk. Pick "Practice network" as the network in the app, or run `taodesk devnet` and pass its address (for example --url ws://127.0.0.1:9944).',
    )
  }
  if (wanted === 'custom') throw new EngineError('BAD_REQUEST', 'A custom network needs its ws:// or wss:// address (--url).')
  if (!isUrl(wanted) && !NAMED.includes(wanted as NetworkId)) {
    throw new EngineError('BAD_REQUEST', `Unknown network "${wanted}". Use finney, test, local, devnet or a ws:// / wss:// address.`)
  }
  let client: ChainClient
  try {
    client = isUrl(wanted)
      ? await ChainClient.connect({ network: 'custom', customUrl: wanted, store: chain.store, timeoutMs })
      : await ChainClient.connect({ network: wanted as NetworkId, store: chain.store, timeoutMs })
  } catch (error) {
    throw chainEngineError(error)
  }
  return {
    client,
    network: wanted,
    shared: false,
    onLost: () => ({ dispose() {} }),
    release: () => client.release(),
  }
}
