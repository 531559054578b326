/**
 * The small interfaces the miner is built against. The wallet (issue 3), chain client (issue 4)
 * and embedding runtime (issue 5) provide real implementations; tests use deterministic ones.
 */

/** Computes embeddings. Must honour `signal` (stop work when the request is abandoned). */
export interface Embedder {
  /** Human-readable provider/model name for status displays, e.g. "onnx:bge-large-en-v1.5". */
  readonly name: string
  /** One row per text, each exactly `dimensions` long, in input order. */
  embed(texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<ArrayLike<number>[]>
}

/** One registered neuron as the axon's blacklist sees it (cached metagraph, token units). */
export interface NeuronView {
  readonly uid: number
  /** `metagraph.S[uid]`: alpha stake + 0.18 x root TAO stake, in tokens (not rao). */
  readonly stake: number
  readonly validatorPermit: boolean
}

/** Synchronous lookups into a cached metagraph of the miner's subnet. */
export interface MetagraphView {
  lookup(hotkey: string): NeuronView | undefined
}

/** The miner's hotkey: its SS58 address and an sr25519 signer (context "substrate"). */
export interface HotkeySigner {
  readonly ss58: string
  sign(message: Uint8Array): Uint8Array
}

/** Last accepted nonce per `hotkey:uuid` endpoint key; must survive restarts. */
export interface NonceStore {
  last(endpointKey: string): bigint | undefined
  record(endpointKey: string, nonce: bigint, seenAtMs: number): void
  /** Forget endpoints not seen since `beforeMs`; returns how many were removed. */
  prune(beforeMs: number): number
}

/** In-memory NonceStore (tests, ephemeral use). */
export class MemoryNonceStore implements NonceStore {
  private readonly map = new Map<string, { nonce: bigint; seen: number }>()
  last(key: string): bigint | undefined {
    return this.map.get(key)?.nonce
  }
  record(key: string, nonce: bigint, seenAtMs: number): void {
    this.map.set(key, { nonce, seen: seenAtMs })
  }
  prune(beforeMs: number): number {
    let n = 0
    for (const [k, v] of this.map) {
      if (v.seen < beforeMs) {
        this.map.delete(k)
        n++
      }
    }
    return n
  }
}

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
}

/** Finds this machine's public IP (tests inject a fixed one; production asks a few echo services). */
export interface PublicIpDetector {
  detect(signal?: AbortSignal): Promise<string>
}
