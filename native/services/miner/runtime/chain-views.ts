import type { Signer } from '../../../bittensor/keys/signer'
/**
 * The miner's views of the chain: a cached metagraph for the axon's blacklist and priority
 * (refreshed on new blocks), and serve_axon through the chain client.
 */
import { ChainError } from '../../../bittensor/chain/chain-client'
import type { ChainClient } from '../../../bittensor/chain/chain-client'
import { readNeurons } from '../../../bittensor/chain/ops/neurons'
import { axonOf } from '../../../bittensor/chain/ops/serve-axon'
import type { NeuronRow } from '../../../bittensor/chain/types'
import type { Logger } from '../../../platform/logging'
import type { DevnetNode } from '../../../bittensor/devnet/node'
import { placeLoopbackAxon } from '../../../bittensor/devnet/operator-axons'
import type { AxonInfoOnChain, ChainPort, MetagraphView, NeuronView } from '../ports'

export interface ChainMetagraphOptions {
  /** Do not read more often than this (a 256-neuron read is ~100 kB). Default 0: every block. */
  readonly minIntervalMs?: number
  readonly log?: Logger
}

/**
 * hotkey → {uid, stake, permit} of one subnet, answered synchronously from memory. `start()` does
 * the first (full, validating) read and follows new blocks; reads never overlap, and a block
 * that arrives during a read causes one more read afterwards, so the view ends up current.
 */
export class ChainMetagraphCache implements MetagraphView {
  private byHotkey = new Map<string, NeuronView>()
  private reading: Promise<void> | undefined
  private again = false
  private lastRead = 0
  private unsubscribe: (() => void) | undefined
  private disposed = false
  private failures = 0
  private deferred: NodeJS.Timeout | undefined
  block = 0
  updatedAt = 0

  constructor(
    private readonly client: ChainClient,
    readonly netuid: number,
    private readonly o: ChainMetagraphOptions = {},
  ) {}

  get size(): number {
    return this.byHotkey.size
  }

  lookup(hotkey: string): NeuronView | undefined {
    return this.byHotkey.get(hotkey)
  }

  /** First read (throws when the subnet does not exist), then follows new heads. */
  async start(): Promise<void> {
    const mg = await this.client.metagraph(this.netuid)
    this.apply(mg.neurons, mg.block)
    const unsub = await this.client.api.rpc.chain.subscribeNewHeads((header) => {
      this.block = Math.max(this.block, header.number.toNumber())
      void this.refresh().catch(() => undefined)
    })
    if (this.disposed) unsub()
    else this.unsubscribe = unsub
  }

  private apply(neurons: readonly NeuronRow[], block: number): void {
    const next = new Map<string, NeuronView>()
    for (const n of neurons) next.set(n.hotkey, { uid: n.uid, stake: n.stake, validatorPermit: n.validatorPermit })
    this.byHotkey = next
    this.block = Math.max(this.block, block)
    this.updatedAt = Date.now()
    this.lastRead = Date.now()
  }

  /** Reads the neurons again (coalesced; see the class comment). */
  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve()
    if (this.reading) {
      this.again = true
      return this.reading
    }
    const wait = Math.max(0, (this.o.minIntervalMs ?? 0) - (Date.now() - this.lastRead))
    if (wait > 0) {
      // Too soon after the last read: read once when the interval is over, never drop the update.
      if (!this.deferred) {
        this.deferred = setTimeout(() => {
          this.deferred = undefined
          void this.refresh().catch(() => undefined)
        }, wait)
        this.deferred.unref()
      }
      return Promise.resolve()
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false
        const block = this.block
        try {
          this.apply(await readNeurons(this.client, this.netuid), block)
          if (this.failures > 0) this.o.log?.info('Metagraph reads work again', { netuid: this.netuid })
          this.failures = 0
        } catch (error) {
          this.failures++
          // The last good view keeps answering; say so once, not on every block.
          if (this.failures === 1) this.o.log?.warn('Could not refresh the metagraph; using the last one read', { netuid: this.netuid, error: error instanceof Error ? error.message : String(error) })
          throw error
        }
      } while (this.again && !this.disposed)
    }
    this.reading = run().finally(() => {
      this.reading = undefined
    })
    return this.reading
  }

  dispose(): void {
    this.disposed = true
    if (this.deferred) clearTimeout(this.deferred)
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }
}

/** serve_axon and the current on-chain axon of the hotkey, through the chain client (spec §6.3). */
export class ClientChainPort implements ChainPort {
  constructor(
    private readonly client: ChainClient,
    private readonly signer: Signer,
  ) {}

  async axonInfo(netuid: number, hotkey: string): Promise<AxonInfoOnChain | undefined> {
    const a = await axonOf(this.client, netuid, hotkey)
    return a && { ip: a.ip, port: a.port, version: a.version, block: a.block }
  }

  async serveAxon(netuid: number, p: { ip: string; port: number; version: number }): Promise<void> {
    try {
      await this.client.serveAxon(this.signer, netuid, { ip: p.ip, port: p.port, version: p.version })
    } catch (error) {
      if (error instanceof ChainError) throw new Error(`${error.message} (${error.code})`)
      throw error
    }
  }
}

/**
 * The practice network's way to publish a miner that left its public IP empty: its operator
 * writes the axon at 127.0.0.1, as for the demo miners (subtensor's serve_axon refuses loopback,
 * `is_valid_ip_address`), so a validator on this machine reaches it and nothing leaves the machine.
 */
export class PracticeChainPort extends ClientChainPort {
  readonly loopback = true

  constructor(
    client: ChainClient,
    private readonly hotkey: Signer,
    private readonly node: DevnetNode,
  ) {
    super(client, hotkey)
  }

  override async serveAxon(netuid: number, p: { ip: string; port: number; version: number }): Promise<void> {
    placeLoopbackAxon(this.node, netuid, this.hotkey.address, { port: p.port, version: p.version })
  }
}
