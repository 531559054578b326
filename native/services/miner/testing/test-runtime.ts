import type { KeyringPair } from '@polkadot/keyring/types'
import type { MinerRuntime, MinerRuntimeFactory } from '../miner-service'
import type { AxonInfoOnChain, ChainPort, Embedder, MetagraphView, NeuronView, PublicIpDetector } from '../ports'
import { HashEmbedder } from './hash-embedder'

export class MapMetagraph implements MetagraphView {
  constructor(readonly neurons = new Map<string, NeuronView>()) {}
  lookup(hotkey: string): NeuronView | undefined {
    return this.neurons.get(hotkey)
  }
}

/** Records serve_axon calls and answers axonInfo from what was served. */
export class RecordingChain implements ChainPort {
  readonly served: Array<{ netuid: number; ip: string; port: number; version: number }> = []
  private readonly axons = new Map<string, AxonInfoOnChain>()
  failWith: Error | undefined
  constructor(private readonly hotkey: string) {}
  axonInfo(netuid: number, hotkey: string): Promise<AxonInfoOnChain | undefined> {
    return Promise.resolve(this.axons.get(`${netuid}:${hotkey}`))
  }
  serveAxon(netuid: number, p: { ip: string; port: number; version: number }): Promise<void> {
    if (this.failWith) return Promise.reject(this.failWith)
    this.served.push({ netuid, ...p })
    this.axons.set(`${netuid}:${this.hotkey}`, { ip: p.ip, port: p.port, version: p.version })
    return Promise.resolve()
  }
}

export class SequenceIpDetector implements PublicIpDetector {
  calls = 0
  constructor(private readonly ips: readonly string[]) {}
  detect(): Promise<string> {
    const ip = this.ips[Math.min(this.calls, this.ips.length - 1)]!
    this.calls++
    return Promise.resolve(ip)
  }
}

export interface TestRuntimeOptions {
  readonly minerPair: KeyringPair
  readonly metagraph: MetagraphView
  readonly embedder?: Embedder
  readonly chain?: ChainPort
  readonly ipDetector?: PublicIpDetector
  readonly netuid?: number
}

export function testRuntimeFactory(o: TestRuntimeOptions): MinerRuntimeFactory & { disposed: number } {
  const f = Object.assign(
    (): Promise<MinerRuntime> =>
      Promise.resolve({
        signer: o.minerPair,
        metagraph: o.metagraph,
        embedder: o.embedder ?? new HashEmbedder(),
        netuid: o.netuid ?? 5,
        chain: o.chain,
        ipDetector: o.ipDetector ?? new SequenceIpDetector(['127.0.0.1']),
        dispose: () => {
          f.disposed++
          return Promise.resolve()
        },
      }),
    { disposed: 0 },
  )
  return f
}
