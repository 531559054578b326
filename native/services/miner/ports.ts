/**
 * The small interfaces the miner is built against. The wallet (issue 3), chain client (issue 4)
 * and embedding runtime (issue 5) provide real implementations; tests use deterministic ones.
 */

export type { Embedder } from '../../protocols/text-embedding/axon-route'
export type { MetagraphView, NeuronView, NonceStore } from '../../bittensor/axon/axon-server'

export { MemoryNonceStore } from '../../bittensor/axon/memory-nonce-store'

/** What the miner needs from the chain client to publish its axon (spec §6.3). */
export interface AxonInfoOnChain {
  readonly ip: string
  readonly port: number
  readonly version: number
  readonly block?: number
}

export interface ChainPort {
  /** The neuron's current axon info on `netuid`, or undefined if never served / not registered. */
  axonInfo(netuid: number, hotkey: string): Promise<AxonInfoOnChain | undefined>
  /** Submit serve_axon (ip, port, protocol 4, version) signed by the hotkey; resolves when included. */
  serveAxon(netuid: number, params: { ip: string; port: number; version: number }): Promise<void>
  /**
   * True on the practice network, whose operator places a loopback axon for the miner (the chain
   * itself refuses 127.0.0.1 in serve_axon): the practice validators on this machine reach it there.
   */
  readonly loopback?: boolean
}

/** Finds this machine's public IP (tests inject a fixed one; production asks a few echo services). */
export interface PublicIpDetector {
  detect(signal?: AbortSignal): Promise<string>
}
