import type { ChainReset, NetworkId } from '../../contract'

/** A best block this far below the highest seen is a short reorg, not a chain that went back. */
const REORG_BLOCKS = 2

/** What the chain looks like now, on one network. */
export interface ChainObservation {
  readonly network: NetworkId
  readonly endpoint: string
  readonly genesis: string
  readonly block: number
}

/**
 * Notices that the chain under a network started over: another genesis hash (the practice network
 * restarted, a dev node started afresh) or a best block below one already seen (another node, a
 * rollback). Switching networks is not a reset: the watch starts again from the new one.
 */
export class ChainResetWatch {
  private last: ChainObservation | undefined
  private readonly listeners = new Set<(reset: ChainReset) => void>()

  onReset(listener: (reset: ChainReset) => void): { dispose(): void } {
    this.listeners.add(listener)
    return { dispose: () => this.listeners.delete(listener) }
  }

  /** Records an observation; returns (and announces) the reset it reveals, if any. */
  observe(now: ChainObservation): ChainReset | undefined {
    const before = this.last
    this.last = before && before.network === now.network && before.genesis === now.genesis ? { ...now, block: Math.max(now.block, before.block) } : now
    if (!before || before.network !== now.network) return undefined
    const kind = before.genesis !== now.genesis ? 'new-genesis' : now.block < before.block - REORG_BLOCKS ? 'rolled-back' : undefined
    if (!kind) return undefined
    // A rolled-back chain is measured from here on.
    this.last = now
    const reset: ChainReset = {
      network: now.network,
      endpoint: now.endpoint,
      kind,
      previousGenesis: before.genesis,
      genesis: now.genesis,
      previousBlock: before.block,
      block: now.block,
      time: Date.now(),
      message: describe(kind, before.block, now.block),
    }
    for (const l of this.listeners) l(reset)
    return reset
  }

  /** Forgets the chain seen last (the network changed). */
  clear(): void {
    this.last = undefined
  }
}

function describe(kind: ChainReset['kind'], from: number, to: number): string {
  const start =
    kind === 'new-genesis'
      ? `The chain started over (a new chain: it was at block ${from}, it is now at block ${to}).`
      : `The chain went back from block ${from} to block ${to} (another node, or the node was reset).`
  return `${start} The miner checks that its axon is published and publishes it again if needed; the validator forgets the weights it sent to the old chain and sets them again.`
}
