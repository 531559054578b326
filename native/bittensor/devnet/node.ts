import type { GenericExtrinsic } from '@polkadot/types'
import { Tuple } from '@polkadot/types-codec'
import type { Header } from '@polkadot/types/interfaces'
import { compactFromU8a, compactToU8a, hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util'
import { blake2AsHex, blake2AsU8a, cryptoWaitReady, encodeAddress, sr25519Verify } from '@polkadot/util-crypto'
import { Keyring } from '@polkadot/keyring'
import { ChainCodec } from './codec'
import { FeeSchedule } from './fees'
import type { FeeQuote } from './fees'
import { nextEpochStartBlock } from './epoch-scheduler'
import { poolRefusal } from './pool-validation'
import { DispatchFail, SUPPORTED_CALLS, SubtensorRuntime, UnsupportedCall } from './runtime'
import type { SubnetIdentityFields } from './runtime'
import { StateStore } from './state'
import { answerStakeApi, STAKE_RUNTIME_APIS } from './stake-apis'
import { ROOT_NETUID } from './stake-weights'
import { LIVE_TAO_WEIGHT } from '../chain/stake-weight'
import { SubnetOwnerCalls } from './subnet-create'
import { RpcError } from './rpc-error'
import { DevnetProvider } from './provider'
import type { ProviderInterface } from '@polkadot/rpc-provider/types'

export const DEVNET_SPEC_VERSION = 424
export const DEVNET_TX_VERSION = 1
export const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const
/** Each dev account starts with one million TAO. */
export const DEV_ENDOWMENT = 1_000_000n * 1_000_000_000n
export const PRACTICE_NETUID = 5

/**
 * The practice subnet's identity from genesis: it runs OpenKaito's text-embedding protocol, and
 * says so the way TaoDesk asks any subnet to (README, "Which subnets TaoDesk can mine"). The
 * declaration is EMBEDDING_DECLARATION of protocols/text-embedding/identity.ts (a test keeps them equal).
 */
export const PRACTICE_IDENTITY: SubnetIdentityFields = {
  subnet_name: 'TaoDesk practice embeddings',
  github_repo: 'https://github.com/OpenKaito/openkaito',
  subnet_contact: '',
  subnet_url: '',
  discord: '',
  description: "A practice chain inside TaoDesk running OpenKaito's text-embedding protocol (no real TAO).",
  logo_url: '',
  additional: 'protocol=openkaito-text-embedding/1; wire=v10,btauth',
}

export interface DevnetOptions {
  /** Milliseconds between blocks; 0 = only on demand (`devnet_produceBlocks`). */
  readonly blockTimeMs?: number
  readonly tempo?: number
  readonly weightsRateLimit?: number
  /** Commit-reveal (v2) on netuid 5 at genesis. */
  readonly commitReveal?: boolean
  /** Extra subnets for tests, e.g. one with commit-reveal on. */
  readonly extraSubnets?: ReadonlyArray<{ netuid: number; commitReveal?: boolean; tempo?: number; weightsRateLimit?: number }>
  /** The largest faucet drip in rao (default 1000 TAO). */
  readonly faucetMax?: bigint
  /**
   * Timestamp.Now of the genesis block, ms (default: the wall clock at creation, rounded down to
   * a whole second). Each block then adds the block time (12 s, the real slot, for on-demand
   * blocks), so a chain's timestamps depend only on its blocks, never on when a test ran.
   */
  readonly genesisTimestampMs?: number
}

/** Subtensor's slot: what an on-demand block's timestamp advances by. */
export const REAL_BLOCK_TIME_MS = 12_000


interface Block {
  readonly hash: string
  readonly header: Header
  readonly extrinsics: string[]
  readonly state: Map<string, string>
}

interface PoolTx {
  readonly hex: string
  readonly hash: string
  readonly sender: string
  readonly nonce: number
  readonly ext: GenericExtrinsic
  readonly watch?: (update: unknown) => void
}

type Sink = (result: unknown) => void

interface Subscription {
  readonly kind: 'newHead' | 'finalizedHead' | 'storage' | 'runtimeVersion' | 'extrinsic'
  readonly sink: Sink
  readonly keys?: string[]
  last?: Map<string, string | null>
}

/**
 * The practice chain: one node's worth of behaviour behind a JSON-RPC surface. Blocks are
 * produced on a timer or on demand and are final at once. Extrinsics are decoded with the real
 * metadata, their sr25519 signatures verified over the rebuilt signing payload, and their calls
 * dispatched by {@link SubtensorRuntime}.
 */
let nextNodeId = 1

export class DevnetNode {
  /** Unique in this process: clients key their shared connection by it. */
  readonly id = `${process.pid}-${nextNodeId++}`

  /** A @polkadot/api provider over this node (the chain client's in-process connection). */
  connectProvider(): ProviderInterface {
    return new DevnetProvider(this)
  }
  readonly codec: ChainCodec
  readonly state: StateStore
  readonly runtime: SubtensorRuntime
  /** Transaction fees with subtensor's formula and the metadata's weight constants. */
  readonly fees: FeeSchedule
  private readonly blocks: Block[] = []
  private readonly byHash = new Map<string, Block>()
  private pool: PoolTx[] = []
  private readonly subs = new Map<string, Subscription>()
  private nextSub = 1
  private timer: NodeJS.Timeout | undefined
  private events: Uint8Array[] = []
  private extrinsicIndex: number | null = null
  readonly options: Required<Omit<DevnetOptions, 'extraSubnets'>> & Pick<DevnetOptions, 'extraSubnets'>

  private constructor(options: DevnetOptions) {
    this.options = {
      blockTimeMs: options.blockTimeMs ?? 0,
      tempo: options.tempo ?? 20,
      weightsRateLimit: options.weightsRateLimit ?? 2,
      commitReveal: options.commitReveal ?? false,
      faucetMax: options.faucetMax ?? 1000n * 1_000_000_000n,
      extraSubnets: options.extraSubnets,
      genesisTimestampMs: options.genesisTimestampMs ?? Math.floor(Date.now() / 1000) * 1000,
    }
    this.codec = new ChainCodec()
    this.state = new StateStore(this.codec)
    this.runtime = new SubtensorRuntime(this.codec, this.state, (pallet, name, fields) => this.deposit(pallet, name, fields))
    this.fees = new FeeSchedule(this.codec)
    this.runtime.subnetOwnerCalls = new SubnetOwnerCalls(this.runtime, () => this.options.tempo)
  }

  static async create(options: DevnetOptions = {}): Promise<DevnetNode> {
    await cryptoWaitReady()
    const node = new DevnetNode(options)
    node.genesis()
    if (node.options.blockTimeMs > 0) node.start()
    return node
  }

  get genesisHash(): string {
    return this.blocks[0]!.hash
  }

  get head(): Block {
    return this.blocks[this.blocks.length - 1]!
  }

  get bestNumber(): number {
    return this.blocks.length - 1
  }

  start(): void {
    if (this.timer || this.options.blockTimeMs <= 0) return
    this.timer = setInterval(() => this.produceBlock(), this.options.blockTimeMs)
    this.timer.unref()
  }

  /** Changes the block time (0 = on demand, with instant inclusion of submitted transactions). */
  setBlockTime(ms: number): void {
    this.stop()
    ;(this.options as { blockTimeMs: number }).blockTimeMs = Math.max(0, Math.floor(ms))
    this.start()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  static devAddress(name: string): string {
    return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(`//${name}`).address
  }

  private genesis(): void {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
    const alice = keyring.addFromUri('//Alice').address
    for (const name of DEV_ACCOUNTS) this.runtime.setFree(keyring.addFromUri(`//${name}`).address, DEV_ENDOWMENT)
    this.state.set('Sudo', 'Key', [], alice)
    const o = this.options
    this.runtime.addSubnet({ netuid: PRACTICE_NETUID, owner: alice, tempo: o.tempo, commitReveal: o.commitReveal, weightsRateLimit: o.weightsRateLimit })
    this.runtime.writeSubnetIdentity(PRACTICE_NETUID, PRACTICE_IDENTITY)
    for (const x of o.extraSubnets ?? []) {
      this.runtime.addSubnet({ netuid: x.netuid, owner: alice, tempo: x.tempo ?? o.tempo, commitReveal: x.commitReveal ?? false, weightsRateLimit: x.weightsRateLimit ?? o.weightsRateLimit })
    }
    this.state.set('SubtensorModule', 'CommitRevealWeightsVersion', [], 4)
    // The live chain's 0.18 (`migrations/migrate_rao.rs:64`), not the runtime's genesis 0.0527.
    this.state.set('SubtensorModule', 'TaoWeight', [], LIVE_TAO_WEIGHT)
    this.runtime.recomputeIssuance()
    this.events = []
    this.state.set('System', 'Number', [], 0)
    if (this.codec.has('Timestamp', 'Now')) this.state.set('Timestamp', 'Now', [], this.options.genesisTimestampMs)
    this.sealBlock(u8aToHex(new Uint8Array(32)), 0, [])
    this.state.takeTouched()
  }

  // ---------- events ----------
  private deposit(pallet: string, name: string, fields: readonly unknown[]): void {
    const phase = this.extrinsicIndex === null ? new Uint8Array([1]) : u8aConcat(new Uint8Array([0]), this.codec.registry.createType('u32', this.extrinsicIndex).toU8a())
    this.events.push(u8aConcat(phase, this.codec.eventBytes(pallet, name, fields), compactToU8a(0)))
  }

  private writeEvents(): void {
    this.state.rawSet(this.codec.key('System', 'Events'), u8aToHex(u8aConcat(compactToU8a(this.events.length), ...this.events)))
    this.state.set('System', 'EventCount', [], this.events.length)
  }

  // ---------- blocks ----------
  private sealBlock(parentHash: string, number: number, extrinsics: string[]): Block {
    const extrinsicsRoot = blake2AsHex(u8aConcat(...extrinsics.map((x) => hexToU8a(x))), 256)
    const stateRoot = blake2AsHex(
      u8aConcat(...this.state.entriesWithPrefix('0x').flatMap(([k, v]) => [hexToU8a(k), hexToU8a(v)])),
      256,
    )
    const header = this.codec.registry.createType('Header', { parentHash, number, stateRoot, extrinsicsRoot, digest: { logs: [] } }) as Header
    const hash = header.hash.toHex()
    if (number > 0) this.state.set('System', 'BlockHash', [number], hash)
    else this.state.set('System', 'BlockHash', [0], hash)
    const block: Block = { hash, header, extrinsics, state: this.state.snapshot() }
    this.blocks.push(block)
    this.byHash.set(hash, block)
    return block
  }

  /** Builds, executes and finalizes one block; returns its hash. */
  produceBlock(): string {
    const parent = this.head
    const number = this.bestNumber + 1
    this.events = []
    this.extrinsicIndex = null
    this.state.set('System', 'Number', [], number)
    this.state.set('System', 'ParentHash', [], parent.hash)
    if (this.codec.has('Timestamp', 'Now')) this.state.set('Timestamp', 'Now', [], this.timestampOf())
    this.runtime.onInitialize()
    const included: PoolTx[] = []
    const rest: PoolTx[] = []
    const expected = new Map<string, number>()
    for (const tx of [...this.pool].sort((a, b) => (a.sender === b.sender ? a.nonce - b.nonce : 0))) {
      const want = expected.get(tx.sender) ?? this.runtime.account(tx.sender).nonce
      if (tx.nonce === want && this.eraValid(tx.ext, number)) {
        if (!this.canPay(tx.sender, this.charge(tx))) {
          // Like a block author: a transaction that can no longer pay its fee leaves the pool.
          tx.watch?.('invalid')
          continue
        }
        this.extrinsicIndex = included.length
        this.apply(tx)
        included.push(tx)
        expected.set(tx.sender, want + 1)
      } else if (tx.nonce < want || !this.eraValid(tx.ext, number)) {
        tx.watch?.('dropped')
      } else rest.push(tx)
    }
    this.pool = rest
    this.extrinsicIndex = null
    this.runtime.onFinalize()
    this.writeEvents()
    const block = this.sealBlock(parent.hash, number, included.map((t) => t.hex))
    this.notify(block, included)
    return block.hash
  }

  /** The block time a block's timestamp advances by: the timer's, or the real 12 s slot on demand. */
  get slotMs(): number {
    return this.options.blockTimeMs > 0 ? this.options.blockTimeMs : REAL_BLOCK_TIME_MS
  }

  /** Timestamp.Now of the block being built: the parent's (still in state) plus one slot. */
  private timestampOf(): number {
    return this.state.num('Timestamp', 'Now') + this.slotMs
  }

  produceBlocks(count: number): string {
    let hash = this.head.hash
    for (let i = 0; i < count; i++) hash = this.produceBlock()
    return hash
  }

  /** The fee quote of a pool transaction, at its encoded length. */
  private quoteOf(ext: GenericExtrinsic, len: number): FeeQuote {
    const call = this.codec.registry.findMetaCall(ext.method.callIndex)
    return this.fees.quote(`${call.section}.${call.method}`, len)
  }

  /** What a transaction withdraws before dispatch: its partial fee plus its tip. */
  private charge(tx: { hex: string; ext: GenericExtrinsic }): { quote: FeeQuote; total: bigint; tip: bigint } {
    const quote = this.quoteOf(tx.ext, hexToU8a(tx.hex).length)
    const tip = tx.ext.tip.toBigInt()
    return { quote, tip, total: quote.partialFee + tip }
  }

  /** The fee is withdrawn keeping the account alive (Preservation::Preserve). */
  private canPay(who: string, c: { total: bigint }): boolean {
    if (c.total === 0n) return true
    return this.runtime.account(who).free >= c.total + this.fees.existentialDeposit
  }

  private apply(tx: PoolTx): void {
    this.runtime.bumpNonce(tx.sender)
    const call = this.codec.registry.findMetaCall(tx.ext.method.callIndex)
    const { quote, tip, total } = this.charge(tx)
    // pre_dispatch: ChargeTransactionPayment withdraws the fee (it is burned, not refunded).
    if (total > 0n) {
      this.runtime.setFree(tx.sender, this.runtime.account(tx.sender).free - total)
      this.deposit('Balances', 'Withdraw', [tx.sender, total])
    }
    const info = { weight: { refTime: quote.weight.refTime, proofSize: quote.weight.proofSize }, class: quote.class, paysFee: quote.paysFee ? 'Yes' : 'No' }
    let failure: DispatchFail | undefined
    try {
      this.state.transactional(() =>
        this.runtime.dispatch(tx.sender, { section: call.section, method: call.method, args: tx.ext.method.args as never }),
      )
    } catch (error) {
      if (!(error instanceof DispatchFail)) throw error
      failure = error
    }
    // post_dispatch: the fee actually paid (what query_info estimated), then the outcome.
    this.deposit('TransactionPayment', 'TransactionFeePaid', [tx.sender, total - tip, tip])
    if (!failure) this.deposit('System', 'ExtrinsicSuccess', [info])
    else {
      // A failure without a pallet is a plain DispatchError variant (BadOrigin).
      const dispatchError = failure.pallet === '' ? failure.error : { Module: ((m) => ({ index: m.index, error: [m.error, 0, 0, 0] }))(this.codec.moduleError(failure.pallet, failure.error)) }
      this.deposit('System', 'ExtrinsicFailed', [dispatchError, info])
    }
  }

  // ---------- transaction pool ----------
  private eraValid(ext: GenericExtrinsic, at: number): boolean {
    if (!ext.era.isMortalEra) return true
    const era = ext.era.asMortalEra
    const birth = era.birth(at)
    const death = era.death(at)
    return at >= birth && at < death && birth <= this.bestNumber + 1
  }

  /** Validates (decode, era, signature, nonce) and queues an extrinsic; returns its hash. */
  submit(hex: string, watch?: (update: unknown) => void): string {
    let ext: GenericExtrinsic
    try {
      ext = this.codec.registry.createType('Extrinsic', hex) as unknown as GenericExtrinsic
    } catch (error) {
      throw new RpcError(1002, 'Verification Error: Runtime error: Could not decode extrinsic', String(error))
    }
    if (!ext.isSigned) throw new RpcError(1010, 'Invalid Transaction', 'Transaction call is not expected')
    const hash = blake2AsHex(hexToU8a(hex), 256)
    if (this.pool.some((t) => t.hash === hash)) throw new RpcError(1013, 'Transaction Already Imported')
    const call = this.codec.registry.findMetaCall(ext.method.callIndex)
    if (!SUPPORTED_CALLS.has(`${call.section}.${call.method}`)) {
      throw new RpcError(1010, 'Invalid Transaction', `${call.section}.${call.method} is not available on the TaoDesk practice devnet`)
    }
    const at = this.bestNumber + 1
    let blockHash = this.genesisHash
    if (ext.era.isMortalEra) {
      const era = ext.era.asMortalEra
      const birth = era.birth(this.bestNumber)
      if (this.bestNumber >= era.death(this.bestNumber) || !this.blocks[birth]) {
        throw new RpcError(1010, 'Invalid Transaction', 'Transaction has an ancient birth block')
      }
      blockHash = this.blocks[birth]!.hash
    }
    void at
    const sig = ext.inner.signature as unknown as { mode?: { toNumber(): number }; multiSignature: { isSr25519: boolean; asSr25519: { toU8a(): Uint8Array } } }
    const mode = sig.mode?.toNumber() ?? 0
    if (mode !== 0) throw new RpcError(1010, 'Invalid Transaction', 'CheckMetadataHash mode 1 is not supported by the practice devnet')
    if (!sig.multiSignature.isSr25519) throw new RpcError(1010, 'Invalid Transaction', 'Transaction has a bad signature')
    const payload = this.codec.registry.createType(
      'ExtrinsicPayload',
      {
        method: ext.method.toHex(),
        era: ext.era,
        nonce: ext.nonce,
        tip: ext.tip,
        mode: 0,
        specVersion: DEVNET_SPEC_VERSION,
        transactionVersion: DEVNET_TX_VERSION,
        genesisHash: this.genesisHash,
        blockHash,
      },
      { version: ext.type },
    )
    const raw = payload.toU8a({ method: true })
    const message = raw.length > 256 ? blake2AsU8a(raw, 256) : raw
    const signerAddress = ext.signer as unknown as { type?: string; value?: { toU8a(): Uint8Array }; toU8a(): Uint8Array }
    const signer = signerAddress.type === 'Id' && signerAddress.value ? signerAddress.value.toU8a() : signerAddress.toU8a()
    if (signer.length !== 32) throw new RpcError(1010, 'Invalid Transaction', 'Only MultiAddress::Id signers are supported')
    if (!sr25519Verify(message, sig.multiSignature.asSr25519.toU8a(), signer)) {
      throw new RpcError(1010, 'Invalid Transaction', 'Transaction has a bad signature')
    }
    const sender = encodeAddress(signer, 42)
    const nonce = ext.nonce.toNumber()
    const current = this.runtime.account(sender).nonce
    if (nonce < current) throw new RpcError(1010, 'Invalid Transaction', 'Transaction is outdated')
    if (this.pool.some((t) => t.sender === sender && t.nonce === nonce)) {
      throw new RpcError(1014, 'Priority is too low: (0 vs 0)', 'The transaction has too low priority to replace another transaction already in the pool.')
    }
    if (!this.canPay(sender, this.charge({ hex, ext }))) {
      throw new RpcError(1010, 'Invalid Transaction', 'Inability to pay some fees (e.g. account balance too low)')
    }
    const refusal = poolRefusal(this.runtime, sender, { section: call.section, method: call.method, args: ext.method.args as never }, this.bestNumber + 1)
    if (refusal !== undefined) throw new RpcError(1010, 'Invalid Transaction', `Custom error: ${refusal}`)
    const tx: PoolTx = { hex, hash, sender, nonce, ext, watch }
    this.pool.push(tx)
    const pending = this.pool.filter((t) => t.sender === sender).map((t) => t.nonce)
    let next = current
    while (pending.includes(next)) next++
    watch?.(nonce < next ? 'ready' : 'future')
    if (this.options.blockTimeMs === 0) {
      // On-demand chains still include transactions promptly (like instant seal).
      setImmediate(() => {
        if (this.pool.includes(tx)) this.produceBlock()
      })
    }
    return hash
  }

  /** Next nonce for an account, counting its transactions already in the pool. */
  accountNextIndex(address: string): number {
    let next = this.runtime.account(address).nonce
    const pending = this.pool.filter((t) => t.sender === address).map((t) => t.nonce)
    while (pending.includes(next)) next++
    return next
  }

  faucet(address: string, amount: bigint): string {
    if (amount <= 0n || amount > this.options.faucetMax) {
      throw new RpcError(-32602, `The faucet gives between 1 rao and ${this.options.faucetMax} rao per request`)
    }
    this.events = []
    this.runtime.setFree(address, this.runtime.account(address).free + amount)
    this.runtime.recomputeIssuance()
    return this.produceBlock()
  }

  // ---------- subscriptions ----------
  private notify(block: Block, included: PoolTx[]): void {
    const headerJson = this.headerJson(block)
    const touched = new Set(this.state.takeTouched())
    for (const sub of this.subs.values()) {
      if (sub.kind === 'newHead' || sub.kind === 'finalizedHead') sub.sink(headerJson)
      else if (sub.kind === 'storage' && sub.keys) {
        const changes = sub.keys.filter((k) => touched.has(k)).map((k) => [k, block.state.get(k) ?? null])
        if (changes.length > 0) sub.sink({ block: block.hash, changes })
      }
    }
    for (const tx of included) tx.watch?.({ inBlock: block.hash })
    // Final at once, reported a moment later as a node's finality gadget would.
    setImmediate(() => {
      for (const tx of included) tx.watch?.({ finalized: block.hash })
    })
  }

  subscribe(kind: Subscription['kind'], sink: Sink, keys?: string[]): string {
    const id = `devnet-${this.nextSub++}`
    this.subs.set(id, { kind, sink, keys })
    // Like a node: the current value comes first.
    setImmediate(() => {
      if (!this.subs.has(id)) return
      if (kind === 'newHead' || kind === 'finalizedHead') sink(this.headerJson(this.head))
      else if (kind === 'runtimeVersion') sink(this.runtimeVersion())
      else if (kind === 'storage') sink({ block: this.head.hash, changes: (keys ?? []).map((k) => [k, this.head.state.get(k) ?? null]) })
    })
    return id
  }

  unsubscribe(id: string): boolean {
    return this.subs.delete(id)
  }

  // ---------- JSON-RPC surface ----------
  private blockAt(hash: unknown): Block {
    if (hash === undefined || hash === null) return this.head
    const b = this.byHash.get(String(hash))
    if (!b) throw new RpcError(4003, `Client error: UnknownBlock: Header was not found in the database: ${String(hash)}`)
    return b
  }

  headerJson(block: Block): unknown {
    const h = block.header
    return {
      parentHash: h.parentHash.toHex(),
      number: `0x${h.number.toNumber().toString(16)}`,
      stateRoot: h.stateRoot.toHex(),
      extrinsicsRoot: h.extrinsicsRoot.toHex(),
      digest: { logs: [] },
    }
  }

  runtimeVersion(): unknown {
    return {
      specName: 'node-subtensor',
      implName: 'taodesk-devnet',
      authoringVersion: 1,
      specVersion: DEVNET_SPEC_VERSION,
      implVersion: 1,
      apis: this.codec.metadata.asLatest.apis.map((a) => [blake2AsHex(a.name.toString(), 64), (a as unknown as { version: { toNumber(): number } }).version.toNumber()]),
      transactionVersion: DEVNET_TX_VERSION,
      systemVersion: 1,
    }
  }

  static readonly SUBSCRIPTIONS: Record<string, { kind: Subscription['kind']; notification: string; unsubscribe: string }> = {
    chain_subscribeNewHeads: { kind: 'newHead', notification: 'chain_newHead', unsubscribe: 'chain_unsubscribeNewHeads' },
    chain_subscribeNewHead: { kind: 'newHead', notification: 'chain_newHead', unsubscribe: 'chain_unsubscribeNewHead' },
    subscribe_newHead: { kind: 'newHead', notification: 'chain_newHead', unsubscribe: 'unsubscribe_newHead' },
    chain_subscribeAllHeads: { kind: 'newHead', notification: 'chain_allHead', unsubscribe: 'chain_unsubscribeAllHeads' },
    chain_subscribeFinalizedHeads: { kind: 'finalizedHead', notification: 'chain_finalizedHead', unsubscribe: 'chain_unsubscribeFinalizedHeads' },
    state_subscribeStorage: { kind: 'storage', notification: 'state_storage', unsubscribe: 'state_unsubscribeStorage' },
    state_subscribeRuntimeVersion: { kind: 'runtimeVersion', notification: 'state_runtimeVersion', unsubscribe: 'state_unsubscribeRuntimeVersion' },
    author_submitAndWatchExtrinsic: { kind: 'extrinsic', notification: 'author_extrinsicUpdate', unsubscribe: 'author_unwatchExtrinsic' },
  }

  /** Starts a subscription method; returns the subscription id. */
  subscribeRpc(method: string, params: unknown[], sink: Sink): string {
    const spec = DevnetNode.SUBSCRIPTIONS[method]
    if (!spec) throw new RpcError(-32601, `Method not found: ${method}`)
    if (spec.kind === 'extrinsic') {
      const id = `devnet-${this.nextSub++}`
      let queued: unknown[] | undefined = []
      const deliver = (u: unknown): void => {
        if (queued) queued.push(u)
        else sink(u)
      }
      this.submit(String(params[0]), deliver)
      setImmediate(() => {
        const q = queued ?? []
        queued = undefined
        for (const u of q) sink(u)
      })
      return id
    }
    return this.subscribe(spec.kind, sink, spec.kind === 'storage' ? ((params[0] as string[] | undefined) ?? []) : undefined)
  }

  isUnsubscribe(method: string): boolean {
    return Object.values(DevnetNode.SUBSCRIPTIONS).some((s) => s.unsubscribe === method)
  }

  rpcMethods(): string[] {
    return [
      ...Object.keys(DevnetNode.SUBSCRIPTIONS),
      ...Object.values(DevnetNode.SUBSCRIPTIONS).map((s) => s.unsubscribe),
      'chain_getBlockHash', 'chain_getHeader', 'chain_getBlock', 'chain_getFinalizedHead', 'state_getRuntimeVersion',
      'state_getMetadata', 'state_call', 'state_getStorage', 'state_queryStorageAt', 'state_getKeysPaged',
      'system_chain', 'system_name', 'system_version', 'system_properties', 'system_health', 'system_accountNextIndex',
      'author_submitExtrinsic', 'author_pendingExtrinsics', 'rpc_methods',
      'devnet_produceBlocks', 'devnet_faucet', 'devnet_info',
    ]
  }

  /** Answers one plain (non-subscription) JSON-RPC call. */
  call(method: string, params: unknown[]): unknown {
    switch (method) {
      case 'chain_getBlockHash': {
        const n = params[0] === undefined || params[0] === null ? this.bestNumber : Number(params[0])
        return this.blocks[n]?.hash ?? null
      }
      case 'chain_getHeader':
        return this.headerJson(this.blockAt(params[0]))
      case 'chain_getBlock': {
        const b = this.blockAt(params[0])
        return { block: { header: this.headerJson(b), extrinsics: b.extrinsics }, justifications: null }
      }
      case 'chain_getFinalizedHead':
        return this.head.hash
      case 'state_getRuntimeVersion':
        return this.runtimeVersion()
      case 'state_getMetadata':
        return u8aToHex(this.codec.metadataBytes)
      case 'state_call':
        return this.stateCall(String(params[0]), String(params[1] ?? '0x'), this.blockAt(params[2]))
      case 'state_getStorage': {
        return this.blockAt(params[1]).state.get(String(params[0])) ?? null
      }
      case 'state_queryStorageAt': {
        const b = this.blockAt(params[1])
        const keys = (params[0] as string[]) ?? []
        return [{ block: b.hash, changes: keys.map((k) => [k, b.state.get(k) ?? null]) }]
      }
      case 'state_getKeysPaged': {
        const b = this.blockAt(params[3])
        const prefix = String(params[0] ?? '0x')
        const count = Math.min(Number(params[1] ?? 1000), 1000)
        const start = params[2] ? String(params[2]) : undefined
        return [...b.state.keys()]
          .filter((k) => k.startsWith(prefix) && (start === undefined || k > start))
          .sort()
          .slice(0, count)
      }
      case 'system_chain':
        return 'TaoDesk Practice Devnet'
      case 'system_name':
        return 'taodesk-devnet'
      case 'system_version':
        return '1.0.0'
      case 'system_properties':
        return { ss58Format: 42, tokenDecimals: 9, tokenSymbol: 'TAO' }
      case 'system_health':
        return { peers: 0, isSyncing: false, shouldHavePeers: false }
      case 'system_accountNextIndex':
        return this.accountNextIndex(String(params[0]))
      case 'author_submitExtrinsic':
        return this.submit(String(params[0]))
      case 'author_pendingExtrinsics':
        return this.pool.map((t) => t.hex)
      case 'rpc_methods':
        return { methods: this.rpcMethods(), version: 1 }
      case 'devnet_produceBlocks':
        return this.produceBlocks(Math.max(1, Math.min(10_000, Number(params[0] ?? 1))))
      case 'devnet_faucet':
        return this.faucet(String(params[0]), BigInt(String(params[1] ?? 100n * 1_000_000_000n)))
      case 'devnet_info':
        return { blockTimeMs: this.options.blockTimeMs, tempo: this.options.tempo, best: this.bestNumber, netuid: PRACTICE_NETUID, faucetMax: this.options.faucetMax.toString(), timestampMs: this.state.num('Timestamp', 'Now') }
      default:
        throw new RpcError(-32601, `Method not found: ${method}`)
    }
  }

  private stateCall(name: string, argsHex: string, at: Block): string {
    const r = this.codec.registry
    switch (name) {
      case 'Metadata_metadata_versions':
        return u8aToHex(r.createType('Vec<u32>', [14, 15, 16]).toU8a())
      case 'Metadata_metadata_at_version': {
        const v = r.createType('u32', hexToU8a(argsHex)).toNumber()
        if (v !== 16 && v !== 15 && v !== 14) return u8aToHex(r.createType('Option<OpaqueMetadata>', null).toU8a())
        // The shipped metadata is V16; polkadot.js decodes it whatever version it asked for.
        return u8aToHex(u8aConcat(new Uint8Array([1]), compactToU8a(this.codec.metadataBytes.length), this.codec.metadataBytes))
      }
      case 'Metadata_metadata':
        return u8aToHex(u8aConcat(compactToU8a(this.codec.metadataBytes.length), this.codec.metadataBytes))
      case 'Core_version':
        return u8aToHex(r.createType('RuntimeVersion', this.runtimeVersion()).toU8a())
      case 'SubnetInfoRuntimeApi_get_next_epoch_start_block': {
        const netuid = r.createType('u16', hexToU8a(argsHex)).toNumber()
        const next = nextEpochStartBlock(new StateStore(this.codec, at.state), netuid)
        return u8aToHex(r.createType('Option<u64>', next).toU8a())
      }
      case 'AccountNonceApi_account_nonce': {
        const who = r.createType('AccountId32', hexToU8a(argsHex)).toString()
        return u8aToHex(r.createType('u32', this.accountNextIndex(who)).toU8a())
      }
      case 'NeuronInfoRuntimeApi_get_neurons_lite':
      case 'NeuronInfoRuntimeApi_get_neuron_lite': {
        const { inputs, output } = this.codec.runtimeApi(name)
        const args = new Tuple(r, inputs, hexToU8a(argsHex)) as unknown as Array<{ toNumber(): number }>
        const view = this.viewAt(at)
        const netuid = args[0]!.toNumber()
        const all = view.neuronsLite(netuid)
        if (name.endsWith('get_neurons_lite')) return u8aToHex(r.createType(output, all).toU8a())
        const one = all[args[1]!.toNumber()]
        return u8aToHex(r.createType(output, one ?? null).toU8a())
      }
      case 'TransactionPaymentApi_query_info':
      case 'TransactionPaymentApi_query_fee_details': {
        // (uxt: UncheckedExtrinsic, len: u32): the extrinsic keeps its compact length prefix.
        const bytes = hexToU8a(argsHex)
        const [offset, length] = compactFromU8a(bytes)
        const end = offset + length.toNumber()
        if (bytes.length !== end + 4) throw this.executionFailed(name, 'Could not decode the arguments (extrinsic, u32 length)')
        let ext: GenericExtrinsic
        try {
          ext = r.createType('Extrinsic', bytes.subarray(0, end)) as unknown as GenericExtrinsic
        } catch (error) {
          throw this.executionFailed(name, `Could not decode the extrinsic: ${String(error)}`)
        }
        const len = r.createType('u32', bytes.subarray(end)).toNumber()
        return this.feeAnswer(name, ext.method.callIndex, len, ext.isSigned, ext.tip.toBigInt())
      }
      case 'TransactionPaymentCallApi_query_call_info':
      case 'TransactionPaymentCallApi_query_call_fee_details': {
        const bytes = hexToU8a(argsHex)
        let call: { callIndex: Uint8Array; encodedLength: number }
        try {
          call = r.createType('Call', bytes) as unknown as { callIndex: Uint8Array; encodedLength: number }
        } catch (error) {
          throw this.executionFailed(name, `Could not decode the call: ${String(error)}`)
        }
        if (bytes.length !== call.encodedLength + 4) throw this.executionFailed(name, 'Could not decode the arguments (call, u32 length)')
        const len = r.createType('u32', bytes.subarray(call.encodedLength)).toNumber()
        return this.feeAnswer(name, call.callIndex, len, true, 0n)
      }
      case 'TransactionPaymentApi_query_weight_to_fee':
      case 'TransactionPaymentCallApi_query_weight_to_fee': {
        const w = r.createType('SpWeightsWeightV2Weight', hexToU8a(argsHex)) as unknown as { refTime: { toBigInt(): bigint } }
        return u8aToHex(r.createType('u64', this.fees.weightToFee(w.refTime.toBigInt())).toU8a())
      }
      case 'TransactionPaymentApi_query_length_to_fee':
      case 'TransactionPaymentCallApi_query_length_to_fee':
        return u8aToHex(r.createType('u64', BigInt(r.createType('u32', hexToU8a(argsHex)).toNumber())).toU8a())
      case 'StakeInfoRuntimeApi_get_stake_info_for_coldkey':
      case 'StakeInfoRuntimeApi_get_stake_info_for_coldkeys':
      case 'StakeInfoRuntimeApi_get_stake_info_for_hotkey_coldkey_netuid': {
        const { inputs, output } = this.codec.runtimeApi(name)
        const args = new Tuple(r, inputs, hexToU8a(argsHex)) as unknown as Array<{ toString(): string; toJSON(): unknown }>
        const view = this.viewAt(at)
        if (name.endsWith('_for_coldkey')) return u8aToHex(r.createType(output, view.stakeInfo(args[0]!.toString())).toU8a())
        if (name.endsWith('_for_coldkeys')) {
          const list = (args[0]!.toJSON() as string[]).map((c) => encodeAddress(c, 42))
          return u8aToHex(r.createType(output, list.map((c) => [c, view.stakeInfo(c)])).toU8a())
        }
        const [hotkey, coldkey, netuid] = [args[0]!.toString(), args[1]!.toString(), Number(args[2]!.toString())]
        const one = view.stakeInfo(coldkey, [hotkey]).find((x) => x.netuid === netuid)
        return u8aToHex(r.createType(output, one ?? null).toU8a())
      }
      default:
        if (STAKE_RUNTIME_APIS.has(name)) return answerStakeApi(this.codec, new StateStore(this.codec, at.state), at.header.number.toNumber(), name, argsHex)
        throw new RpcError(-32000, `Client error: Execution failed: Other: Exported method ${name} is not found`)
    }
  }

  private executionFailed(name: string, why: string): RpcError {
    return new RpcError(-32000, `Client error: Execution failed: Runtime panicked: ${name}: ${why}`)
  }

  /** RuntimeDispatchInfo or FeeDetails of a call at an encoded length, SCALE-encoded. */
  private feeAnswer(name: string, callIndex: Uint8Array, len: number, signed: boolean, tip: bigint): string {
    const r = this.codec.registry
    const { output } = this.codec.runtimeApi(name)
    let quote: FeeQuote
    try {
      const call = r.findMetaCall(callIndex)
      quote = this.fees.quote(`${call.section}.${call.method}`, len)
    } catch (error) {
      throw this.executionFailed(name, error instanceof Error ? error.message : String(error))
    }
    // Unsigned extrinsics pay nothing; Pays::No calls pay only a tip.
    if (name.endsWith('_info')) {
      const partialFee = signed ? quote.partialFee : 0n
      return u8aToHex(r.createType(output, { weight: quote.weight, class: quote.class, partialFee }).toU8a())
    }
    const inclusionFee = signed && quote.paysFee ? { baseFee: quote.baseFee, lenFee: quote.lenFee, adjustedWeightFee: quote.adjustedWeightFee } : null
    return u8aToHex(r.createType(output, { inclusionFee, tip: signed ? tip : 0n }).toU8a())
  }

  /** A read-only runtime over a historic state. */
  private viewAt(block: Block): NeuronView {
    return new NeuronView(this.codec, new StateStore(this.codec, block.state))
  }

  /** Blocks before the next epoch block of a subnet: producing this many plus one runs it. */
  blocksUntilNextEpoch(netuid: number): number {
    const next = nextEpochStartBlock(this.state, netuid)
    return next === null ? Number.MAX_SAFE_INTEGER : Math.max(0, Number(next) - this.bestNumber - 1)
  }

  dispose(): void {
    this.stop()
    this.subs.clear()
  }
}

class NeuronView {
  private readonly rt: SubtensorRuntime
  constructor(
    readonly codec: ChainCodec,
    readonly state: StateStore,
  ) {
    this.rt = new SubtensorRuntime(codec, state, () => undefined)
  }

  /**
   * StakeInfo rows of a coldkey: every (hotkey it stakes to, subnet) with a non-zero stake, as
   * `get_stake_info_for_coldkey` reports them (no locks, emissions or drains on the practice chain).
   */
  stakeInfo(coldkey: string, hotkeys?: readonly string[]): Array<{ hotkey: string; coldkey: string; netuid: number; stake: bigint; locked: bigint; emission: bigint; taoEmission: bigint; drain: bigint; isRegistered: boolean }> {
    const S = 'SubtensorModule'
    const staking = hotkeys ?? (this.state.get(S, 'StakingHotkeys', coldkey) as unknown as Array<{ toString(): string }>).map(String)
    const out = []
    for (const hotkey of staking) {
      for (const netuid of [ROOT_NETUID, ...this.rt.netuids()]) {
        const stake = this.rt.stakeOf(hotkey, coldkey, netuid)
        if (stake === 0n) continue
        out.push({ hotkey, coldkey, netuid, stake, locked: 0n, emission: 0n, taoEmission: 0n, drain: 0n, isRegistered: this.rt.uidOf(netuid, hotkey) !== undefined })
      }
    }
    return out
  }

  neuronsLite(netuid: number): unknown[] {
    const s = this.state
    const S = 'SubtensorModule'
    if (!this.rt.subnetExists(netuid)) return []
    const n = this.rt.n(netuid)
    const v16 = (item: string): number[] => s.vecNum(S, item, netuid)
    const [incentive, consensus, dividends, vtrust] = ['Incentive', 'Consensus', 'Dividends', 'ValidatorTrust'].map(v16)
    const emission = s.vecBig(S, 'Emission', netuid)
    const lastUpdate = s.vecBig(S, 'LastUpdate', netuid)
    const permit = s.vecBool(S, 'ValidatorPermit', netuid)
    const active = s.vecBool(S, 'Active', netuid)
    const out: unknown[] = []
    for (let uid = 0; uid < n; uid++) {
      const hotkey = this.rt.hotkeyOf(netuid, uid)
      const coldkey = s.get(S, 'Owner', hotkey).toString()
      const axon = s.maybe(S, 'Axons', netuid, hotkey)?.toJSON() ?? { block: 0, version: 0, ip: 0, port: 0, ipType: 0, protocol: 0, placeholder1: 0, placeholder2: 0 }
      out.push({
        hotkey,
        coldkey,
        uid,
        netuid,
        active: active[uid] ?? true,
        axonInfo: axon,
        prometheusInfo: { block: 0, version: 0, ip: 0, port: 0, ipType: 0 },
        stake: [[coldkey, this.rt.totalHotkeyAlpha(hotkey, netuid)]],
        rank: 0,
        emission: emission[uid] ?? 0n,
        incentive: incentive![uid] ?? 0,
        consensus: consensus![uid] ?? 0,
        trust: 0,
        validatorTrust: vtrust![uid] ?? 0,
        dividends: dividends![uid] ?? 0,
        lastUpdate: lastUpdate[uid] ?? 0n,
        validatorPermit: permit[uid] ?? false,
        pruningScore: 65535,
      })
    }
    return out
  }
}

export { UnsupportedCall }
