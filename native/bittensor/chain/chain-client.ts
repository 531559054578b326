import { ApiPromise, WsProvider } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { ProviderInterface } from '@polkadot/rpc-provider/types'
import type { IKeyringPair } from '@polkadot/types/types'
import { u8aConcat } from '@polkadot/util'
import { randomAsU8a } from '@polkadot/util-crypto'
import { commitHash, revealWindow } from './commit-hash'
import type { Signer } from '../keys/signer'
import { SUBTENSOR_SIGNED_EXTENSIONS } from './signed-extensions'
import type { ChainStore, PendingCommit } from './chain-store'
import type { NetworkId } from './networks'
import { endpointFor } from './networks'
import type { ChainInfo, EpochTiming, Hyperparameters, Metagraph, NeuronRow, SubnetSummary, TxResult, TxStatus } from './types'
import { weightsForUids } from './weights'

/** The default mortal era (SDK v10 DEFAULT_PERIOD). */
export const ERA_PERIOD = 128
const RAO = 1e9

/** A failure the user can act on: a decoded module error, a rejected transaction, or a refusal. */
export class ChainError extends Error {
  constructor(
    /** e.g. "SubtensorModule.SettingWeightsTooFast", "Rpc.1010", "Client.PriceAboveMaximum". */
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ChainError'
  }
}

/**
 * Dispatch errors of reveal_weights that no retry can change (spec §6.5; names from the runtime
 * metadata): the commit is gone or expired, the data does not match it, or the subnet no longer
 * takes v2 reveals from this hotkey. Anything else (pool drops, nonce clashes, timeouts, lost
 * connections, RevealTooEarly) is retried while the reveal window is open.
 */
export const DEFINITIVE_REVEAL_ERRORS: ReadonlySet<string> = new Set([
  'SubtensorModule.ExpiredWeightCommit',
  'SubtensorModule.InvalidRevealCommitHashNotMatch',
  'SubtensorModule.NoWeightsCommitFound',
  'SubtensorModule.CommitRevealDisabled',
  'SubtensorModule.IncorrectCommitRevealVersion',
  'SubtensorModule.IncorrectWeightVersionKey',
  'SubtensorModule.HotKeyNotRegisteredInSubNet',
  'SubtensorModule.SubnetNotExists',
])

export interface RevealOutcome {
  readonly commit: PendingCommit
  /** `retrying`: this attempt failed for a passing reason; the commit stays pending. */
  readonly outcome: 'revealed' | 'expired' | 'failed' | 'waiting' | 'retrying'
  readonly error?: string
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected'

export interface ConnectionStatus {
  readonly endpoint: string
  readonly state: ConnectionState
  readonly latencyMs: number | null
  readonly lastError: string | null
  readonly since: number
}

interface Connection {
  readonly endpoint: string
  readonly api: ApiPromise
  readonly provider: ProviderInterface
  status: ConnectionStatus
  refs: number
  readonly listeners: Set<(s: ConnectionStatus) => void>
  readonly timers: NodeJS.Timeout[]
  closed: boolean
}

const connections = new Map<string, Promise<Connection>>()
/** Connections still opening (not ready yet), so that one nobody waits for can be abandoned. */
const opening = new Map<string, Connection>()

function keyringPairOf(signer: Signer): IKeyringPair {
  return {
    address: signer.address,
    addressRaw: signer.publicKey,
    publicKey: signer.publicKey,
    sign: (data: Uint8Array, options?: { withType?: boolean }) => {
      const sig = signer.sign(data)
      return options?.withType ? u8aConcat(new Uint8Array([1]), sig) : sig
    },
  }
}

/** A chain that runs in this process (the practice network): it hands out a provider instead of a URL. */
export interface InProcessChain {
  readonly id: string
  connectProvider(): ProviderInterface
}

async function openConnection(endpoint: string, devnet?: InProcessChain): Promise<Connection> {
  const listeners = new Set<(s: ConnectionStatus) => void>()
  let provider: ProviderInterface
  if (endpoint.startsWith('inproc://')) {
    if (!devnet) throw new ChainError('Client.NoDevnet', 'The practice network is not running. Start it first (taodesk devnet, or pick it in the network menu).')
    provider = devnet.connectProvider()
  } else {
    // Reconnects are ours (with backoff); WsProvider restores subscriptions on each reopen.
    provider = new WsProvider(endpoint, false)
  }
  const conn: Connection = {
    endpoint,
    api: undefined as unknown as ApiPromise,
    provider,
    status: { endpoint, state: 'connecting', latencyMs: null, lastError: null, since: Date.now() },
    refs: 0,
    listeners,
    timers: [],
    closed: false,
  }
  opening.set(endpoint, conn)
  const setStatus = (patch: Partial<ConnectionStatus>): void => {
    conn.status = { ...conn.status, ...patch }
    for (const l of listeners) l(conn.status)
  }
  let attempt = 0
  const scheduleReconnect = (): void => {
    if (conn.closed || endpoint.startsWith('inproc://')) return
    const delay = Math.min(30_000, 500 * 2 ** attempt)
    attempt++
    setStatus({ state: 'reconnecting', since: Date.now() })
    const t = setTimeout(() => {
      if (conn.closed || provider.isConnected) return
      provider.connect().catch((error: unknown) => {
        setStatus({ lastError: String(error) })
        scheduleReconnect()
      })
    }, delay)
    t.unref()
  }
  provider.on('connected', () => {
    attempt = 0
    setStatus({ state: 'connected', since: Date.now(), lastError: null })
  })
  provider.on('disconnected', () => {
    if (conn.closed) return
    scheduleReconnect()
  })
  provider.on('error', (e: unknown) => setStatus({ lastError: e instanceof Error ? e.message : String(e) }))
  if (provider instanceof WsProvider) {
    const first = provider.connect().catch((error: unknown) => {
      setStatus({ lastError: String(error) })
      scheduleReconnect()
    })
    void first
  }
  const api = new ApiPromise({ provider, signedExtensions: SUBTENSOR_SIGNED_EXTENSIONS, noInitWarn: true, throwOnConnect: false })
  ;(conn as { api: ApiPromise }).api = api
  try {
    await api.isReadyOrError
  } finally {
    if (opening.get(endpoint) === conn) opening.delete(endpoint)
  }
  if (conn.closed) throw new ChainError('Client.Abandoned', `The connection to ${endpoint} was abandoned before it was ready.`)
  setStatus({ state: 'connected' })
  const ping = async (): Promise<void> => {
    if (!provider.isConnected) return
    const t0 = performance.now()
    try {
      await api.rpc.system.health()
      setStatus({ latencyMs: Math.round((performance.now() - t0) * 10) / 10 })
    } catch (error) {
      setStatus({ lastError: String(error) })
    }
  }
  void ping()
  const pinger = setInterval(() => void ping(), 10_000)
  pinger.unref()
  conn.timers.push(pinger)
  return conn
}

export interface ConnectOptions {
  readonly network: NetworkId
  readonly customUrl?: string
  /** The in-process practice chain, for network 'devnet'. */
  readonly devnet?: InProcessChain
  /** SQLite persistence (cache and pending commits); optional for one-shot CLI reads. */
  readonly store?: ChainStore
  /** Gives up connecting after this long (the connection keeps retrying in the background). */
  readonly timeoutMs?: number
}

/**
 * Subtensor client on @polkadot/api. One connection per endpoint is shared by every client of
 * it; each write has a nonce from the node plus our own in-flight count, a 128-block mortal era,
 * a status stream and decoded dispatch errors, and the same call from the same key is never in
 * flight twice.
 */
export class ChainClient {
  private static readonly nextNonce = new Map<string, number>()
  private static readonly inFlight = new Set<string>()
  private released = false

  private constructor(
    readonly network: NetworkId,
    readonly endpoint: string,
    private readonly conn: Connection,
    private readonly store: ChainStore | undefined,
  ) {}

  static async connect(options: ConnectOptions): Promise<ChainClient> {
    // Each practice chain gets its own endpoint, so two of them in one process never share.
    const endpoint = options.network === 'devnet' && options.devnet ? `inproc://devnet/${options.devnet.id}` : endpointFor(options.network, options.customUrl)
    let p = connections.get(endpoint)
    if (!p) {
      p = openConnection(endpoint, options.devnet)
      connections.set(endpoint, p)
      p.catch(() => connections.delete(endpoint))
    }
    const timeout = options.timeoutMs ?? 20_000
    let timer: NodeJS.Timeout | undefined
    const conn = await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ChainError('Client.Timeout', `Could not reach ${endpoint} within ${Math.round(timeout / 1000)} s. Check the network or pick another endpoint.`)), timeout)
        timer.unref()
      }),
    ]).finally(() => clearTimeout(timer))
    conn.refs++
    return new ChainClient(options.network, endpoint, conn, options.store)
  }

  /**
   * Gives up on a connection that is still opening and that no client holds (the user picked
   * another network while an unreachable one kept retrying). Returns whether one was closed.
   */
  static async abandon(endpoint: string): Promise<boolean> {
    const conn = opening.get(endpoint)
    if (!conn || conn.refs > 0) return false
    conn.closed = true
    opening.delete(endpoint)
    connections.delete(endpoint)
    for (const t of conn.timers) clearInterval(t)
    await conn.api.disconnect().catch(() => undefined)
    return true
  }

  get api(): ApiPromise {
    return this.conn.api
  }

  get status(): ConnectionStatus {
    return this.conn.status
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.conn.listeners.add(listener)
    return () => this.conn.listeners.delete(listener)
  }

  /** Drops this user of the shared connection; the last one closes it. */
  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    this.conn.refs--
    if (this.conn.refs > 0) return
    this.conn.closed = true
    for (const t of this.conn.timers) clearInterval(t)
    for (const k of [...ChainClient.nextNonce.keys()]) if (k.startsWith(`${this.endpoint}:`)) ChainClient.nextNonce.delete(k)
    connections.delete(this.endpoint)
    await this.conn.api.disconnect().catch(() => undefined)
  }

  /** The key this client files its cache rows and pending commits under (network + endpoint). */
  get storeKey(): string {
    return this.cacheKey('')
  }

  private cacheKey(key: string): string {
    return `${this.network}:${this.endpoint}`.slice(0, 200) + (key ? '' : '')
  }

  private cached<T>(key: string, value: T): T {
    this.store?.cachePut(this.cacheKey(key), key, value)
    return value
  }

  /** The last stored value of a read, with when it was read (for offline display). */
  lastKnown<T>(key: string): { value: T; updatedAt: number } | undefined {
    return this.store?.cacheGet<T>(this.cacheKey(key), key)
  }

  /** Practice network only: produce `count` blocks now. */
  async devnetProduceBlocks(count: number): Promise<string> {
    return (await this.conn.provider.send('devnet_produceBlocks', [count])) as string
  }

  /** Practice network only: credit `amountRao` to an address from the faucet. */
  async devnetFaucet(address: string, amountRao: bigint): Promise<string> {
    return (await this.conn.provider.send('devnet_faucet', [address, amountRao.toString()])) as string
  }

  // ---------- storage helpers that never assume an item exists ----------
  private q(item: string): ((...args: unknown[]) => Promise<unknown>) & { entries?: (...a: unknown[]) => Promise<Array<[{ args: unknown[] }, unknown]>> } | undefined {
    return (this.api.query.subtensorModule as unknown as Record<string, never> | undefined)?.[item]
  }

  private async num(item: string, ...args: unknown[]): Promise<number | null> {
    const f = this.q(item)
    if (!f) return null
    const v = (await f(...args)) as { toString(): string }
    return Number(v.toString())
  }

  private async big(item: string, ...args: unknown[]): Promise<bigint | null> {
    const f = this.q(item)
    if (!f) return null
    return BigInt(((await f(...args)) as { toString(): string }).toString())
  }

  private async bool(item: string, ...args: unknown[]): Promise<boolean | null> {
    const f = this.q(item)
    if (!f) return null
    return ((await f(...args)) as { isTrue: boolean }).isTrue
  }

  // ---------- reads ----------
  async blockNumber(): Promise<number> {
    return (await this.api.rpc.chain.getHeader()).number.toNumber()
  }

  async info(): Promise<ChainInfo> {
    const [chain, header, fin] = await Promise.all([this.api.rpc.system.chain(), this.api.rpc.chain.getHeader(), this.api.rpc.chain.getFinalizedHead()])
    const finHeader = await this.api.rpc.chain.getHeader(fin)
    const props = this.api.registry.getChainProperties()
    return this.cached('info', {
      network: this.network,
      endpoint: this.endpoint,
      chain: chain.toString(),
      specVersion: this.api.runtimeVersion.specVersion.toNumber(),
      block: header.number.toNumber(),
      finalized: finHeader.number.toNumber(),
      ss58Format: props?.ss58Format.unwrapOr(undefined)?.toNumber() ?? 42,
      tokenSymbol: props?.tokenSymbol.unwrapOr(undefined)?.[0]?.toString() ?? 'TAO',
    })
  }

  async subnets(): Promise<SubnetSummary[]> {
    const added = this.q('networksAdded')
    if (!added?.entries) throw new ChainError('Client.Unsupported', 'This chain has no SubtensorModule.NetworksAdded storage; is it a Bittensor node?')
    const entries = await added.entries()
    const netuids = entries
      .filter(([, v]) => (v as { isTrue: boolean }).isTrue)
      .map(([k]) => Number(String(k.args[0])))
      .sort((a, b) => a - b)
    const out: SubnetSummary[] = []
    for (const netuid of netuids) {
      const [n, max, tempo, burn] = await Promise.all([this.num('subnetworkN', netuid), this.num('maxAllowedUids', netuid), this.num('tempo', netuid), this.big('burn', netuid)])
      const ownerF = this.q('subnetOwner')
      out.push({
        netuid,
        neurons: n ?? 0,
        maxNeurons: max ?? 0,
        tempo: tempo ?? 0,
        burn: String(burn ?? 0n),
        owner: ownerF ? String(await ownerF(netuid)) : null,
      })
    }
    return this.cached('subnets', out)
  }

  async hyperparameters(netuid: number): Promise<Hyperparameters> {
    await this.assertSubnet(netuid)
    const n = async (item: string, fallback = 0): Promise<number> => (await this.num(item, netuid)) ?? fallback
    const hp: Hyperparameters = {
      tempo: await n('tempo'),
      weightsRateLimit: await n('weightsSetRateLimit'),
      weightsVersionKey: await n('weightsVersionKey'),
      commitRevealEnabled: (await this.bool('commitRevealWeightsEnabled', netuid)) ?? false,
      revealPeriodEpochs: await n('revealPeriodEpochs', 1),
      commitRevealVersion: this.q('commitRevealWeightsVersion') ? Number(String(await this.q('commitRevealWeightsVersion')!())) : null,
      minAllowedWeights: await n('minAllowedWeights'),
      maxWeightsLimit: await n('maxWeightsLimit', 65535),
      maxAllowedUids: await n('maxAllowedUids'),
      maxAllowedValidators: await n('maxAllowedValidators'),
      immunityPeriod: await n('immunityPeriod'),
      activityCutoff: await n('activityCutoff'),
      kappa: await n('kappa'),
      bondsMovingAverage: await n('bondsMovingAverage'),
      servingRateLimit: await n('servingRateLimit'),
      registrationAllowed: (await this.bool('networkRegistrationAllowed', netuid)) ?? true,
      burn: String((await this.big('burn', netuid)) ?? 0n),
      minBurn: String((await this.big('minBurn', netuid)) ?? 0n),
      maxBurn: String((await this.big('maxBurn', netuid)) ?? 0n),
      yuma3: await this.bool('yuma3On', netuid),
      liquidAlpha: await this.bool('liquidAlphaOn', netuid),
    }
    return this.cached(`hyperparameters:${netuid}`, hp)
  }

  private async assertSubnet(netuid: number): Promise<void> {
    const exists = await this.bool('networksAdded', netuid)
    if (exists === false) throw new ChainError('SubtensorModule.SubnetNotExists', `Subnet ${netuid} does not exist on this network.`)
  }

  async registrationPrice(netuid: number): Promise<bigint> {
    await this.assertSubnet(netuid)
    const burn = await this.big('burn', netuid)
    if (burn === null) throw new ChainError('Client.Unsupported', 'This chain has no SubtensorModule.Burn storage.')
    this.cached(`burn:${netuid}`, String(burn))
    return burn
  }

  async balance(address: string): Promise<bigint> {
    const a = (await this.api.query.system!.account!(address)) as unknown as { data: { free: { toString(): string } } }
    const free = BigInt(a.data.free.toString())
    this.cached(`balance:${address}`, String(free))
    return free
  }

  async epochTiming(netuid: number): Promise<EpochTiming> {
    const [block, tempo] = await Promise.all([this.blockNumber(), this.num('tempo', netuid)])
    const t = tempo ?? 360
    // The epoch runs in the block where (block + netuid + 1) % (tempo + 1) == 0 (spec §6.5); the
    // next epoch block is block + blocksUntilNextEpoch + 1.
    return { netuid, block, tempo: t, blocksUntilNextEpoch: t - ((block + netuid + 1) % (t + 1)) }
  }

  async uidOf(netuid: number, hotkey: string): Promise<number | null> {
    const f = this.q('uids')
    if (!f) return null
    const v = (await f(netuid, hotkey)) as { isSome: boolean; unwrap(): { toNumber(): number } }
    return v.isSome ? v.unwrap().toNumber() : null
  }

  async metagraph(netuid: number): Promise<Metagraph> {
    await this.assertSubnet(netuid)
    const block = await this.blockNumber()
    let neurons: NeuronRow[] | undefined
    let source: Metagraph['source'] = 'runtime-api'
    const call = (this.api.call as unknown as Record<string, Record<string, (n: number) => Promise<unknown>> | undefined>).neuronInfoRuntimeApi
    if (call?.getNeuronsLite) {
      try {
        neurons = decodeNeuronsLite((await call.getNeuronsLite(netuid)) as { toJSON(): unknown })
      } catch {
        neurons = undefined
      }
    }
    if (!neurons) {
      source = 'storage'
      neurons = await this.metagraphFromStorage(netuid)
    }
    const immunity = await this.num('immunityPeriod', netuid)
    const regF = this.q('blockAtRegistration')
    const withReg: NeuronRow[] = []
    for (const nrow of neurons) {
      const reg = regF ? Number(String(await regF(netuid, nrow.uid))) : null
      withReg.push({ ...nrow, registrationBlock: reg, immune: reg === null || immunity === null ? null : block - reg < immunity })
    }
    return this.cached(`metagraph:${netuid}`, { netuid, block, source, neurons: withReg })
  }

  private async metagraphFromStorage(netuid: number): Promise<NeuronRow[]> {
    const n = (await this.num('subnetworkN', netuid)) ?? 0
    const vec = async (item: string): Promise<string[]> => {
      const f = this.q(item)
      if (!f) return []
      return ((await f(netuid)) as unknown as Array<{ toString(): string }>).map(String)
    }
    const [incentive, consensus, dividends, vtrust, emission, lastUpdate, permit, active] = await Promise.all(
      ['incentive', 'consensus', 'dividends', 'validatorTrust', 'emission', 'lastUpdate', 'validatorPermit', 'active'].map(vec),
    )
    const out: NeuronRow[] = []
    for (let uid = 0; uid < n; uid++) {
      const hotkey = String(await this.q('keys')!(netuid, uid))
      const coldkey = this.q('owner') ? String(await this.q('owner')!(hotkey)) : ''
      const stake = this.q('totalHotkeyAlpha') ? Number(String(await this.q('totalHotkeyAlpha')!(hotkey, netuid))) : 0
      const axonOpt = this.q('axons') ? ((await this.q('axons')!(netuid, hotkey)) as { isSome: boolean; unwrap(): { toJSON(): unknown } }) : undefined
      const axon = axonOpt?.isSome ? (axonOpt.unwrap().toJSON() as AxonJson) : undefined
      out.push({
        uid,
        hotkey,
        coldkey,
        stake: stake / RAO,
        incentive: Number(incentive[uid] ?? 0) / 65535,
        emission: Number(emission[uid] ?? 0) / RAO,
        dividends: Number(dividends[uid] ?? 0) / 65535,
        consensus: Number(consensus[uid] ?? 0) / 65535,
        validatorTrust: Number(vtrust[uid] ?? 0) / 65535,
        validatorPermit: permit[uid] === 'true',
        active: active[uid] === undefined ? true : active[uid] === 'true',
        axon: axonView(axon),
        lastUpdate: Number(lastUpdate[uid] ?? 0),
        registrationBlock: null,
        immune: null,
      })
    }
    return out
  }

  // ---------- writes ----------
  /**
   * Signs and submits with a tracked nonce and a mortal era; resolves once finalized (or in a
   * block, with `until: 'inBlock'`), and rejects with a decoded ChainError if dispatch failed.
   */
  async submit(
    tx: SubmittableExtrinsic<'promise'>,
    signer: Signer,
    onStatus?: (s: TxStatus) => void,
    until: 'inBlock' | 'finalized' = 'finalized',
    /** Runs after the nonce is read and before signing; throwing sends nothing. */
    beforeSign?: () => Promise<void>,
  ): Promise<TxResult> {
    const flightKey = `${signer.address}:${tx.method.toHex()}`
    if (ChainClient.inFlight.has(flightKey)) {
      throw new ChainError('Client.AlreadySubmitting', 'This exact transaction is already being submitted from this key; wait for it to finish.')
    }
    ChainClient.inFlight.add(flightKey)
    const nonceKey = `${this.endpoint}:${signer.address}`
    try {
      onStatus?.({ stage: 'signing' })
      const chainNext = (await this.api.rpc.system.accountNextIndex(signer.address)).toNumber()
      await beforeSign?.()
      const nonce = Math.max(chainNext, ChainClient.nextNonce.get(nonceKey) ?? 0)
      ChainClient.nextNonce.set(nonceKey, nonce + 1)
      return await new Promise<TxResult>((resolve, reject) => {
        let unsub: (() => void) | undefined
        let done = false
        const finish = (fn: () => void): void => {
          if (done) return
          done = true
          unsub?.()
          fn()
        }
        tx.signAndSend(keyringPairOf(signer), { nonce, era: ERA_PERIOD }, (result) => {
          const st = result.status
          if (st.isReady) onStatus?.({ stage: 'ready' })
          else if (st.isFuture) onStatus?.({ stage: 'future' })
          else if (st.isInBlock) onStatus?.({ stage: 'inBlock', blockHash: st.asInBlock.toHex() })
          else if (st.isFinalized) onStatus?.({ stage: 'finalized', blockHash: st.asFinalized.toHex() })
          else if (st.isDropped || st.isInvalid || st.isUsurped) {
            ChainClient.nextNonce.delete(nonceKey)
            finish(() => reject(new ChainError('Rpc.Dropped', `The transaction was ${st.type.toLowerCase()} by the node; nothing was applied. Try again.`)))
            return
          }
          const reached = until === 'inBlock' ? st.isInBlock || st.isFinalized : st.isFinalized
          if (!reached) return
          const blockHash = (st.isInBlock ? st.asInBlock : st.asFinalized).toHex()
          if (result.dispatchError) {
            finish(() => reject(this.decodeDispatchError(result.dispatchError!)))
            return
          }
          finish(() => {
            void this.api.rpc.chain
              .getHeader(blockHash)
              .then((h) =>
                resolve({
                  txHash: result.txHash.toHex(),
                  blockHash,
                  blockNumber: h.number.toNumber(),
                  events: result.events.map((e) => ({ section: e.event.section, method: e.event.method, data: e.event.data.toJSON() })),
                }),
              )
              .catch(reject)
          })
        })
          .then((u) => {
            unsub = u
            onStatus?.({ stage: 'submitted', hash: tx.hash.toHex() })
            if (done) u()
          })
          .catch((error: unknown) => {
            ChainClient.nextNonce.delete(nonceKey)
            finish(() => reject(rpcError(error)))
          })
      })
    } finally {
      ChainClient.inFlight.delete(flightKey)
    }
  }

  decodeDispatchError(err: { isModule: boolean; asModule: unknown; toString(): string }): ChainError {
    if (err.isModule) {
      const meta = this.api.registry.findMetaError(err.asModule as never)
      const docs = meta.docs.join(' ').trim()
      return new ChainError(`${meta.section.charAt(0).toUpperCase()}${meta.section.slice(1)}.${meta.name}`, `${meta.name}${docs ? `: ${docs}` : ''}`)
    }
    return new ChainError('Dispatch.Other', `The chain rejected the transaction: ${err.toString()}`)
  }

  /**
   * Whether the runtime has register_limit, so the chain itself refuses a registration above the
   * cap. Without it, burned_register carries no cap: TaoDesk re-reads the price just before
   * signing, but the burn can still rise between that read and inclusion.
   */
  get registrationCapOnChain(): boolean {
    return typeof this.api.tx.subtensorModule?.registerLimit === 'function'
  }

  /**
   * register_limit (the chain enforces `maxPriceRao`) or, on runtimes without it, burned_register
   * with the price re-read right after the nonce, just before signing, and refused when above
   * `maxPriceRao`.
   */
  async register(signer: Signer, netuid: number, hotkey: string, maxPriceRao: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult & { uid: number | null; priceRao: string; capEnforcedByChain: boolean }> {
    let price = await this.registrationPrice(netuid)
    if (price > maxPriceRao) {
      throw new ChainError('Client.PriceAboveMaximum', `Registration costs ${formatTao(price)} TAO, above your maximum of ${formatTao(maxPriceRao)} TAO. Raise the maximum or wait for the price to fall.`)
    }
    const existing = await this.uidOf(netuid, hotkey)
    if (existing !== null) throw new ChainError('SubtensorModule.HotKeyAlreadyRegisteredInSubNet', `This hotkey is already registered on subnet ${netuid} as uid ${existing}.`)
    const onChain = this.registrationCapOnChain
    const recheck = onChain
      ? undefined
      : async (): Promise<void> => {
          const now = await this.big('burn', netuid)
          if (now === null) return
          price = now
          if (now > maxPriceRao) {
            throw new ChainError(
              'Client.PriceAboveMaximum',
              `The registration price rose to ${formatTao(now)} TAO just before sending, above your maximum of ${formatTao(maxPriceRao)} TAO; nothing was sent. This chain has no register_limit, so your maximum is checked by TaoDesk just before sending and not enforced by the chain. Raise the maximum or wait for the price to fall.`,
            )
          }
        }
    const r = await this.submit(this.registerExtrinsic(netuid, hotkey, maxPriceRao), signer, onStatus, 'finalized', recheck)
    return { ...r, uid: await this.uidOf(netuid, hotkey), priceRao: String(price), capEnforcedByChain: onChain }
  }

  private registerExtrinsic(netuid: number, hotkey: string, maxPriceRao: bigint): SubmittableExtrinsic<'promise'> {
    const tx = this.api.tx.subtensorModule
    return this.registrationCapOnChain ? tx.registerLimit!(netuid, hotkey, maxPriceRao) : tx.burnedRegister!(netuid, hotkey)
  }

  /** The transaction fee of {@link register} from the node's payment info; null when it does not say. */
  async registrationFee(coldkey: string, netuid: number, hotkey: string, maxPriceRao: bigint): Promise<bigint | null> {
    try {
      return (await this.registerExtrinsic(netuid, hotkey, maxPriceRao).paymentInfo(coldkey)).partialFee.toBigInt()
    } catch {
      return null
    }
  }

  /** serve_axon; skipped (returns null) when the chain already holds the same axon. */
  async serveAxon(signer: Signer, netuid: number, axon: { ip: string; port: number; version?: number; protocol?: number }, onStatus?: (s: TxStatus) => void): Promise<TxResult | null> {
    const { ip, ipType } = encodeIp(axon.ip)
    if (!Number.isInteger(axon.port) || axon.port < 1 || axon.port > 65535) throw new ChainError('Client.InvalidPort', 'The axon port must be from 1 to 65535.')
    const version = axon.version ?? 0
    const protocol = axon.protocol ?? 4
    const f = this.q('axons')
    if (f) {
      const cur = (await f(netuid, signer.address)) as { isSome: boolean; unwrap(): { toJSON(): unknown } }
      if (cur.isSome) {
        const a = cur.unwrap().toJSON() as AxonJson
        if (BigInt(a.ip) === ip && a.port === axon.port && a.ipType === ipType && a.version === version && a.protocol === protocol) return null
      }
    }
    return this.submit(this.api.tx.subtensorModule.serveAxon!(netuid, version, ip, axon.port, ipType, protocol, 0, 0), signer, onStatus)
  }

  /**
   * Sets weights from raw scores per uid with the SDK's normalization (§2.6), respecting the rate
   * limit. On commit-reveal subnets it commits (v2) instead and persists the commit for reveal.
   */
  async setWeights(signer: Signer, netuid: number, scores: ReadonlyArray<{ uid: number; score: number }>, versionKey: bigint, onStatus?: (s: TxStatus) => void): Promise<{ mode: 'set' | 'committed'; result: TxResult; uids: number[]; weights: number[] }> {
    const hp = await this.hyperparameters(netuid)
    const myUid = await this.uidOf(netuid, signer.address)
    if (myUid === null) throw new ChainError('SubtensorModule.HotKeyNotRegisteredInSubNet', `This hotkey is not registered on subnet ${netuid}. Register it first.`)
    const n = (await this.num('subnetworkN', netuid)) ?? 0
    const all = Array.from({ length: n }, (_, i) => i)
    const scoreOf = new Map(scores.map((s) => [s.uid, s.score]))
    for (const s of scores) if (!Number.isInteger(s.uid) || s.uid < 0 || s.uid >= n) throw new ChainError('Client.InvalidUid', `uid ${s.uid} does not exist on subnet ${netuid} (it has ${n} neurons).`)
    const { uids, weights } = weightsForUids(all, all.map((u) => scoreOf.get(u) ?? 0), { minAllowedWeights: hp.minAllowedWeights, maxWeightLimit: hp.maxWeightsLimit / 65535 })
    if (uids.length === 0) throw new ChainError('Client.NoWeights', 'Every weight is zero; there is nothing to set.')
    const lastUpdate = await this.lastUpdate(netuid, myUid)
    const block = await this.blockNumber()
    if (lastUpdate > 0 && block + 1 - lastUpdate < hp.weightsRateLimit) {
      throw new ChainError('SubtensorModule.SettingWeightsTooFast', `Weights were set at block ${lastUpdate}; subnet ${netuid} allows one update every ${hp.weightsRateLimit} blocks. Try again in ${hp.weightsRateLimit - (block + 1 - lastUpdate)} blocks.`)
    }
    if (!hp.commitRevealEnabled) {
      const result = await this.submit(this.api.tx.subtensorModule.setWeights!(netuid, uids, weights, versionKey), signer, onStatus)
      return { mode: 'set', result, uids, weights }
    }
    const result = await this.commitWeights(signer, netuid, uids, weights, versionKey, hp, onStatus)
    return { mode: 'committed', result, uids, weights }
  }

  private async lastUpdate(netuid: number, uid: number): Promise<number> {
    const f = this.q('lastUpdate')
    if (!f) return 0
    const v = (await f(netuid)) as unknown as Array<{ toString(): string }>
    return Number(v[uid]?.toString() ?? 0)
  }

  /** CR v2: commit the hash now, persist uids/weights/salt so the reveal survives a restart. */
  async commitWeights(signer: Signer, netuid: number, uids: number[], weights: number[], versionKey: bigint, hp?: Hyperparameters, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
    const params = hp ?? (await this.hyperparameters(netuid))
    const tx = this.api.tx.subtensorModule
    if (typeof tx.commitWeights !== 'function' || typeof tx.revealWeights !== 'function') {
      throw new ChainError('Client.TimelockedCommitReveal', timelockMessage(netuid))
    }
    const salt = Array.from(randomAsU8a(16)).reduce<number[]>((acc, b, i, arr) => (i % 2 === 0 ? [...acc, b | (arr[i + 1]! << 8)] : acc), [])
    const hash = commitHash(this.api.registry, signer.address, netuid, uids, weights, salt, versionKey)
    let result: TxResult
    try {
      result = await this.submit(tx.commitWeights(netuid, hash), signer, onStatus)
    } catch (error) {
      if (error instanceof ChainError && /IncorrectCommitRevealVersion|CallDisabled|Deprecated|DisabledTemporarily/.test(error.code)) {
        throw new ChainError('Client.TimelockedCommitReveal', timelockMessage(netuid))
      }
      throw error
    }
    const w = revealWindow(result.blockNumber, netuid, params.tempo, params.revealPeriodEpochs)
    this.store?.addCommit({
      network: this.cacheKey(''),
      netuid,
      hotkey: signer.address,
      commitHash: hash,
      uids,
      weights,
      salt,
      versionKey: String(versionKey),
      commitBlock: result.blockNumber,
      revealFrom: w.first,
      revealUntil: w.last,
    })
    return result
  }

  /**
   * Reveals every persisted commit whose window is open now; marks expired ones. A reveal that
   * fails for a reason that can pass (dropped from the pool, a nonce clash, a timeout, a lost
   * connection, the same reveal still in flight) stays pending with the error noted, and is
   * sent again on the next pass until the window closes. Only a dispatch error that no retry
   * can change (see {@link DEFINITIVE_REVEAL_ERRORS}) ends it as failed (or expired).
   */
  async revealDue(signerFor: (hotkey: string) => Signer | undefined | Promise<Signer | undefined>): Promise<RevealOutcome[]> {
    if (!this.store) return []
    const block = await this.blockNumber()
    const out: RevealOutcome[] = []
    for (const c of this.store.pendingCommits(this.cacheKey(''))) {
      const next = block + 1
      if (next < c.revealFrom) {
        out.push({ commit: c, outcome: 'waiting' })
        continue
      }
      if (next > c.revealUntil) {
        const last = c.error ? ` The last attempt failed: ${c.error}` : ''
        this.store.markCommit(c.id, 'expired', `The reveal window passed before TaoDesk could reveal.${last}`)
        out.push({ commit: c, outcome: 'expired' })
        continue
      }
      const signer = await signerFor(c.hotkey)
      if (!signer) {
        out.push({ commit: c, outcome: 'waiting', error: 'The hotkey is not unlocked' })
        continue
      }
      const reveal = this.api.tx.subtensorModule.revealWeights
      if (typeof reveal !== 'function') {
        const msg = timelockMessage(c.netuid)
        this.store.markCommit(c.id, 'failed', msg)
        out.push({ commit: c, outcome: 'failed', error: msg })
        continue
      }
      try {
        await this.submit(reveal(c.netuid, c.uids, c.weights, c.salt, BigInt(c.versionKey)), signer)
        this.store.markCommit(c.id, 'revealed')
        out.push({ commit: c, outcome: 'revealed' })
      } catch (error) {
        const msg = error instanceof Error ? error.message : String(error)
        const code = error instanceof ChainError ? error.code : ''
        if (code === 'SubtensorModule.ExpiredWeightCommit') {
          this.store.markCommit(c.id, 'expired', msg)
          out.push({ commit: c, outcome: 'expired', error: msg })
        } else if (DEFINITIVE_REVEAL_ERRORS.has(code)) {
          // After an attempt whose answer was lost, the commit may be gone because that attempt landed.
          const note = code === 'SubtensorModule.NoWeightsCommitFound' && c.error ? ` An earlier attempt (${c.error}) may have revealed it; check this hotkey's weights on chain.` : ''
          this.store.markCommit(c.id, 'failed', msg + note)
          out.push({ commit: c, outcome: 'failed', error: msg })
        } else {
          this.store.markCommit(c.id, 'pending', `Attempt at block ${next} failed, retrying on the next block until block ${c.revealUntil}: ${msg}`)
          out.push({ commit: c, outcome: 'retrying', error: msg })
        }
      }
    }
    return out
  }

  async addStake(signer: Signer, hotkey: string, netuid: number, amountRao: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
    return this.submit(this.api.tx.subtensorModule.addStake!(hotkey, netuid, amountRao), signer, onStatus)
  }

  async removeStake(signer: Signer, hotkey: string, netuid: number, amountAlpha: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
    return this.submit(this.api.tx.subtensorModule.removeStake!(hotkey, netuid, amountAlpha), signer, onStatus)
  }

  async transfer(signer: Signer, dest: string, amountRao: bigint, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
    return this.submit(this.api.tx.balances.transferKeepAlive!(dest, amountRao), signer, onStatus)
  }
}

interface AxonJson {
  block: number
  version: number
  ip: number | string
  port: number
  ipType: number
  protocol: number
}

function axonView(a: AxonJson | undefined): NeuronRow['axon'] {
  if (!a) return { ip: '0.0.0.0', port: 0, ipType: 4, version: 0, serving: false }
  const ip = decodeIp(BigInt(a.ip), a.ipType)
  return { ip, port: a.port, ipType: a.ipType, version: a.version, serving: ip !== '0.0.0.0' && ip !== '::' }
}

/** Decodes runtime-API NeuronInfoLite (JSON of the SCALE codec) into the typed model. */
export function decodeNeuronsLite(codec: { toJSON(): unknown }): NeuronRow[] {
  const rows = codec.toJSON() as Array<Record<string, unknown>>
  return rows.map((r) => {
    const stake = (r.stake as Array<[string, number | string]>).reduce((acc, [, v]) => acc + Number(v), 0)
    return {
      uid: Number(r.uid),
      hotkey: String(r.hotkey),
      coldkey: String(r.coldkey),
      stake: stake / RAO,
      incentive: Number(r.incentive) / 65535,
      emission: Number(r.emission) / RAO,
      dividends: Number(r.dividends) / 65535,
      consensus: Number(r.consensus) / 65535,
      validatorTrust: Number(r.validatorTrust) / 65535,
      validatorPermit: Boolean(r.validatorPermit),
      active: Boolean(r.active),
      axon: axonView(r.axonInfo as AxonJson),
      lastUpdate: Number(r.lastUpdate),
      registrationBlock: null,
      immune: null,
    }
  })
}

/** §6.3 IP encoding: IPv4 as a 32-bit integer (type 4), IPv6 as 128-bit big-endian (type 6). */
export function encodeIp(ip: string): { ip: bigint; ipType: 4 | 6 } {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim())
  if (v4) {
    const parts = v4.slice(1).map(Number)
    if (parts.some((p) => p > 255)) throw new ChainError('Client.InvalidIp', `${ip} is not a valid IPv4 address.`)
    return { ip: parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n), ipType: 4 }
  }
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::') as [string, string | undefined]
    const h = head ? head.split(':') : []
    const t = tail ? tail.split(':') : []
    if (ip.split('::').length > 2 || (tail === undefined && h.length !== 8)) throw new ChainError('Client.InvalidIp', `${ip} is not a valid IPv6 address.`)
    const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) throw new ChainError('Client.InvalidIp', `${ip} is not a valid IPv6 address.`)
    return { ip: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n), ipType: 6 }
  }
  throw new ChainError('Client.InvalidIp', `${ip} is not an IP address.`)
}

export function decodeIp(ip: bigint, ipType: number): string {
  if (ipType === 6) {
    const g: string[] = []
    for (let i = 7; i >= 0; i--) g.push(((ip >> BigInt(i * 16)) & 0xffffn).toString(16))
    return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')
  }
  return [24, 16, 8, 0].map((s) => Number((ip >> BigInt(s)) & 0xffn)).join('.')
}

export function formatTao(rao: bigint): string {
  const whole = rao / 1_000_000_000n
  const frac = (rao % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : `${whole}`
}

function timelockMessage(netuid: number): string {
  return `Subnet ${netuid} requires timelocked commit-reveal (v4, drand-encrypted weights). TaoDesk cannot submit v4 commits yet, so weights were not set. Nothing was sent to the chain.`
}

function rpcError(error: unknown): ChainError {
  const msg = error instanceof Error ? error.message : String(error)
  const m = /^(\d{4}):\s*(.*)$/.exec(msg)
  if (m) {
    const [, code, text] = m
    if (code === '1010' && /outdated|stale/i.test(text!)) return new ChainError('Rpc.1010', `The node says the transaction is stale (its nonce was already used): ${text}. Try again.`)
    if (code === '1010' && /pay some fees/i.test(text!)) return new ChainError('Rpc.1010', `The node refused the transaction: the sending account cannot pay the transaction fee and keep its existential deposit (${text}). Add TAO to it and try again.`)
    if (code === '1010' && /bad signature/i.test(text!)) return new ChainError('Rpc.1010', `The node rejected the signature: ${text}. Check that the right key signed.`)
    return new ChainError(`Rpc.${code}`, `The node rejected the transaction (${code}): ${text}`)
  }
  return new ChainError('Rpc.Error', `Could not submit the transaction: ${msg}`)
}
