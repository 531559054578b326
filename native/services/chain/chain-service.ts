import { translateErrors } from '../../base'
import type { Signer } from '../../bittensor/keys/signer'
import crypto from 'node:crypto'
import type { Disposable } from '../../base/emitter'
import { EngineError, NETWORK_CHOICES, formatTao, parseTao } from '../../contract'
import type { ChainStatus, EventName, EventPayload, Handlers, MetagraphResult, NetworkId, PracticeInfo, Settings, SettingsPatch, SubnetOverview, SubnetProtocol, SubnetSummary, TxProgress } from '../../contract'
import type { Logger } from '../../platform/logging'
import type { Store } from '../../platform/store'
import type { WalletService } from '../wallet'
import { ChainClient, ChainError } from '../../bittensor/chain/chain-client'
import type { ConnectionStatus } from '../../bittensor/chain/chain-client'
import { ChainStore } from '../../bittensor/chain/chain-store'
import { storeKeyOf } from '../../bittensor/chain/core/context'
import { endpointFor } from '../../bittensor/chain/networks'
import type { SubnetIdentity, TxStatus } from '../../bittensor/chain/types'
import { loadWalletHotkey } from '../../bittensor/keys/hotkey'
import { startPracticeNetwork } from './practice'
import { ChainResetWatch } from './chain-reset-watch'
import type { ChainReset } from '../../contract'
import type { PracticeNetwork, PracticeOptions } from './practice'
import type { GuardedAction } from './subnet-guard'
import { assertSubnetSpeaks, withProtocol } from './subnet-guard'

export interface ChainServiceOptions {
  readonly store: Store
  readonly log: Logger
  readonly fire: <E extends EventName>(event: E, payload: EventPayload<E>) => void
  readonly settings: () => Settings
  readonly updateSettings: (patch: SettingsPatch) => Settings
  /** Signs registrations with unlocked coldkeys; plaintext hotkeys sign reveals. */
  readonly wallet?: WalletService
  /** The in-engine practice network (tests: on-demand blocks, no ws port). */
  readonly practice?: PracticeOptions
  /** Gives up a first connection attempt after this long (it keeps retrying). Default 15 s. */
  readonly connectTimeoutMs?: number
}

interface Session {
  readonly network: NetworkId
  readonly customUrl: string
  readonly generation: number
  client?: ChainClient
  connecting?: Promise<ChainClient>
  retry?: NodeJS.Timeout
  attempts: number
  readonly cleanups: Array<() => void>
  revealing: boolean
}

const TAO = 1_000_000_000n
const STATUS_EVENT_MIN_MS = 1000
const MAX_OPERATIONS = 50
/** What a user of the UI can do about a node that does not answer (the CLI says it with flags). */
const UNREACHABLE_ADVICE = 'Start it, or choose another network in the header.'

/** What crosses the boundary for a chain failure: the user-facing message, a fitting code. */
export function chainEngineError(error: unknown): unknown {
  if (error instanceof EngineError) return error
  if (error instanceof ChainError) {
    if (error.code === 'Client.Unreachable') return new EngineError('DISCONNECTED', `${error.message} ${UNREACHABLE_ADVICE}`)
    const code = error.code === 'Client.Timeout' || error.code === 'Client.NoDevnet' || error.code === 'Client.Abandoned' ? 'DISCONNECTED' : 'BAD_REQUEST'
    return new EngineError(code, error.message)
  }
  return error
}

/** A signer lent for one reveal pass; dispose wipes a key read from its file. */
type LentSigner = Signer & Disposable

function lend(signer: Signer, dispose: () => void): LentSigner {
  return { address: signer.address, publicKey: signer.publicKey, sign: (message) => signer.sign(message), dispose }
}

/**
 * The engine's chain: owns one ChainClient for the network the user picked (setting `network`),
 * reports connection state, latency and the best block, answers subnet reads (with the last known
 * values when offline), registers hotkeys with a price cap and a progress stream, and reveals
 * pending commit-reveal commits on time. Other domains (wallet money operations, miner,
 * validator) get the live client through {@link ChainService.client}.
 */
export class ChainService {
  private session: Session
  private generation = 0
  private practiceNet: Promise<PracticeNetwork> | undefined
  private practiceUrl: string | null = null
  private readonly chainStore: ChainStore
  private current: Omit<ChainStatus, 'pendingCommits'>
  private lastFired = 0
  private fireTimer: NodeJS.Timeout | undefined
  private readonly operations = new Map<string, TxProgress>()
  private readonly hotkeySigners = new Map<string, Signer>()
  private readonly clientListeners = new Set<(client: ChainClient | undefined) => void>()
  private readonly resets = new ChainResetWatch()
  private disposed = false

  constructor(private readonly o: ChainServiceOptions) {
    this.chainStore = new ChainStore(o.store.db)
    const s = o.settings()
    this.session = this.newSession(s.network, s.networkCustomUrl)
    this.current = this.idleStatus(this.session)
    this.resets.onReset((reset) => {
      this.o.log.warn(reset.message, { network: reset.network, kind: reset.kind, previousGenesis: reset.previousGenesis, genesis: reset.genesis, previousBlock: reset.previousBlock, block: reset.block })
      this.o.fire('chain.reset', reset)
    })
  }

  // ---------------- API for other domains ----------------

  /** The selected network. */
  get network(): NetworkId {
    return this.session.network
  }

  /** The in-engine practice chain, when it has been started (tests, tooling). */
  async practice(): Promise<PracticeNetwork | undefined> {
    return this.practiceNet
  }

  /** The SQLite persistence of reads and pending commits. */
  get store(): ChainStore {
    return this.chainStore
  }

  status(): ChainStatus {
    let pendingCommits = 0
    const c = this.session.client
    if (c) pendingCommits = this.chainStore.pendingCommits(c.storeKey).length
    return { ...this.current, pendingCommits }
  }

  /**
   * The connected client for the selected network, connecting on first use. Throws
   * EngineError('DISCONNECTED') with advice when the network cannot be reached. The client
   * belongs to the service: do not release it; listen with {@link onClient} for switches.
   */
  async client(): Promise<ChainClient> {
    const s = this.session
    if (s.client) return s.client
    s.connecting ??= this.connect(s)
    try {
      return await s.connecting
    } catch (error) {
      if (error instanceof EngineError || error instanceof ChainError) throw chainEngineError(error)
      throw new EngineError('DISCONNECTED', this.current.lastError ?? `Could not reach ${this.current.endpoint}.`)
    }
  }

  /** Called with the new client after each connect, and with undefined when the network changes. */
  /**
   * The chain under the selected network started over (new genesis, or blocks went back): what
   * was derived from the old chain (a published axon, weights sent, commits) is gone.
   */
  onReset(listener: (reset: ChainReset) => void): Disposable {
    return this.resets.onReset(listener)
  }

  onClient(listener: (client: ChainClient | undefined) => void): Disposable {
    this.clientListeners.add(listener)
    return { dispose: () => this.clientListeners.delete(listener) }
  }

  /** A coldkey signer of an unlocked wallet (EngineError LOCKED otherwise). */
  coldkeySigner(wallet: string): Signer {
    if (!this.o.wallet) throw new EngineError('BAD_REQUEST', 'This engine has no wallet service.')
    return this.o.wallet.coldkeySigner(wallet)
  }

  /** Lets a service that holds a hotkey (the validator) sign its reveals. Returns an unregister. */
  registerHotkeySigner(signer: Signer): () => void {
    this.hotkeySigners.set(signer.address, signer)
    return () => {
      if (this.hotkeySigners.get(signer.address) === signer) this.hotkeySigners.delete(signer.address)
    }
  }

  // ---------------- network selection ----------------

  private newSession(network: NetworkId, customUrl: string): Session {
    return { network, customUrl, generation: ++this.generation, attempts: 0, cleanups: [], revealing: false }
  }

  private label(network: NetworkId): string {
    return NETWORK_CHOICES.find((c) => c.id === network)?.label ?? network
  }

  private endpointOf(network: NetworkId, customUrl: string): string {
    if (network === 'devnet') return this.practiceUrl ?? 'inproc://devnet'
    try {
      return endpointFor(network, customUrl)
    } catch {
      return customUrl
    }
  }

  private idleStatus(s: Session): Omit<ChainStatus, 'pendingCommits'> {
    return {
      network: s.network,
      label: this.label(s.network),
      endpoint: this.endpointOf(s.network, s.customUrl),
      customUrl: s.customUrl,
      state: 'idle',
      latencyMs: null,
      block: null,
      chain: null,
      specVersion: null,
      lastError: null,
      since: Date.now(),
      practiceUrl: this.practiceUrl,
    }
  }

  private setStatus(patch: Partial<Omit<ChainStatus, 'pendingCommits'>>, urgent = false): void {
    const before = this.current
    this.current = { ...before, ...patch }
    if (patch.state && patch.state !== before.state) this.current = { ...this.current, since: Date.now() }
    const wait = urgent || (patch.state !== undefined && patch.state !== before.state) ? 0 : Math.max(0, this.lastFired + STATUS_EVENT_MIN_MS - Date.now())
    if (wait === 0) {
      this.fireStatus()
      return
    }
    if (!this.fireTimer) {
      this.fireTimer = setTimeout(() => this.fireStatus(), wait)
      this.fireTimer.unref()
    }
  }

  private fireStatus(): void {
    if (this.fireTimer) clearTimeout(this.fireTimer)
    this.fireTimer = undefined
    if (this.disposed) return
    this.lastFired = Date.now()
    this.o.fire('chain.status', this.status())
  }

  /** Switches networks (validated, saved in settings) and connects. */
  async setNetwork(network: NetworkId, customUrl?: string): Promise<ChainStatus> {
    const url = (customUrl ?? (network === 'custom' ? this.o.settings().networkCustomUrl : '')).trim()
    if (network === 'custom') {
      try {
        endpointFor('custom', url)
      } catch (error) {
        throw new EngineError('BAD_REQUEST', error instanceof Error ? error.message : String(error))
      }
    }
    this.o.updateSettings(network === 'custom' ? { network, networkCustomUrl: url } : { network })
    await this.applySettings(this.o.settings())
    this.client().catch(() => undefined)
    return this.status()
  }

  /** Follows the `network` setting, whoever changed it. */
  settingsChanged(s: Settings): void {
    void this.applySettings(s)
  }

  private async applySettings(s: Settings): Promise<void> {
    const cur = this.session
    const url = s.network === 'custom' ? s.networkCustomUrl : ''
    if (cur.network === s.network && (s.network !== 'custom' || cur.customUrl === url)) return
    this.o.log.info('Network changed', { from: cur.network, to: s.network, ...(s.network === 'custom' ? { url } : {}) })
    const next = this.newSession(s.network, url)
    this.session = next
    this.current = this.idleStatus(next)
    await this.teardown(cur)
    for (const l of this.clientListeners) l(undefined)
    this.fireStatus()
    // A user who was connected stays connected after switching.
    if (cur.client || cur.connecting) this.client().catch(() => undefined)
  }

  private async teardown(s: Session): Promise<void> {
    if (s.retry) clearTimeout(s.retry)
    for (const c of s.cleanups.splice(0)) c()
    const client = s.client
    s.client = undefined
    if (client) await client.release()
    else if (s.network !== 'devnet') await ChainClient.abandon(this.endpointOf(s.network, s.customUrl)).catch(() => false)
  }

  private async connect(s: Session): Promise<ChainClient> {
    const isCurrent = (): boolean => this.session === s && !this.disposed
    this.setStatus({ state: s.attempts === 0 ? 'connecting' : 'reconnecting' })
    try {
      let devnet
      if (s.network === 'devnet') {
        devnet = (await this.startPractice()).node
        if (isCurrent()) this.setStatus({ practiceUrl: this.practiceUrl, endpoint: this.practiceUrl ?? 'inproc://devnet' })
      }
      const client = await ChainClient.connect({ network: s.network, customUrl: s.customUrl, devnet, store: this.chainStore, timeoutMs: this.o.connectTimeoutMs ?? 15_000 })
      if (!isCurrent()) {
        await client.release()
        throw new EngineError('DISCONNECTED', `The network changed to ${this.label(this.session.network)} while connecting.`)
      }
      s.client = client
      s.connecting = undefined
      s.attempts = 0
      this.attach(s, client)
      for (const l of this.clientListeners) l(client)
      this.o.log.info('Connected to the chain', { network: s.network, endpoint: client.endpoint })
      return client
    } catch (error) {
      s.connecting = undefined
      if (isCurrent()) {
        const endpoint = this.endpointOf(s.network, s.customUrl)
        const translated = chainEngineError(error)
        const message =
          translated instanceof Error
            ? translated.message
            : `Could not reach ${endpoint}. Check the address and the internet connection, or pick another network.`
        s.attempts++
        const delay = Math.min(60_000, 2_000 * 2 ** Math.min(s.attempts, 5))
        this.setStatus({ state: 'disconnected', lastError: `${message} Retrying in ${Math.round(delay / 1000)} s.` })
        if (s.attempts === 1) this.o.log.warn('Could not connect to the chain', { network: s.network, error: message })
        s.retry = setTimeout(() => {
          if (isCurrent() && !s.client && !s.connecting) this.client().catch(() => undefined)
        }, delay)
        s.retry.unref()
      }
      throw error
    }
  }

  private attach(s: Session, client: ChainClient): void {
    const genesis = client.api.genesisHash.toHex()
    let wasDown = false
    const apply = (cs: ConnectionStatus): void => {
      if (this.session !== s) return
      // Back after a drop: the node behind the address may be another chain now.
      if (cs.state !== 'connected') wasDown = true
      else if (wasDown) {
        wasDown = false
        void this.checkGenesis(s, client, genesis)
      }
      this.setStatus({ state: cs.state === 'connected' ? 'connected' : cs.state === 'connecting' ? 'connecting' : cs.state, latencyMs: cs.latencyMs, lastError: cs.lastError })
    }
    s.cleanups.push(client.onStatus(apply))
    this.setStatus({
      state: 'connected',
      endpoint: s.network === 'devnet' ? (this.practiceUrl ?? client.endpoint) : client.endpoint,
      latencyMs: client.status.latencyMs,
      chain: null,
      specVersion: client.api.runtimeVersion.specVersion.toNumber(),
      lastError: null,
    })
    void client.api.rpc.system
      .chain()
      .then((name) => this.session === s && this.setStatus({ chain: name.toString() }))
      .catch(() => undefined)
    let unsub: (() => void) | undefined
    let dropped = false
    s.cleanups.push(() => {
      dropped = true
      unsub?.()
    })
    void client.api.rpc.chain
      .subscribeNewHeads((header) => {
        if (this.session !== s) return
        this.setStatus({ block: header.number.toNumber() })
        this.resets.observe({ network: s.network, endpoint: client.endpoint, genesis, block: header.number.toNumber() })
        void this.revealTick(s)
      })
      .then((u) => {
        if (dropped) u()
        else unsub = u
      })
      .catch((error: unknown) => this.o.log.warn('Could not follow new blocks', { error: String(error) }))
  }

  /**
   * A client keeps the genesis it connected to (extrinsics are signed for it: "bad signature"
   * once the node behind the address started a new chain). If the node now has another genesis,
   * the reset is announced and the connection starts over with a fresh client.
   */
  private async checkGenesis(s: Session, client: ChainClient, known: string): Promise<void> {
    const now = await client.api.rpc.chain
      .getBlockHash(0)
      .then((h) => h.toHex())
      .catch(() => known)
    if (now === known || this.session !== s) return
    this.resets.observe({ network: s.network, endpoint: client.endpoint, genesis: now, block: await client.blockNumber().catch(() => 0) })
    const next = this.newSession(s.network, s.customUrl)
    this.session = next
    this.current = this.idleStatus(next)
    await this.teardown(s)
    for (const l of this.clientListeners) l(undefined)
    this.fireStatus()
    this.client().catch(() => undefined)
  }

  /** Reveals due commit-reveal commits (one pass at a time). */
  private async revealTick(s: Session): Promise<void> {
    const client = s.client
    if (!client || s.revealing || this.disposed) return
    if (this.chainStore.pendingCommits(client.storeKey).length === 0) return
    s.revealing = true
    // Hotkeys read from their files for this pass only (when a commit is due); wiped when it ends.
    const lent = new Map<string, LentSigner | undefined>()
    try {
      const out = await client.revealDue(async (hotkey) => {
        if (!lent.has(hotkey)) lent.set(hotkey, await this.hotkeySignerFor(hotkey))
        return lent.get(hotkey)
      })
      for (const r of out) {
        if (r.outcome === 'revealed') this.o.log.info('Weights revealed', { netuid: r.commit.netuid, hotkey: r.commit.hotkey, commitBlock: r.commit.commitBlock })
        else if (r.outcome === 'expired') this.o.log.warn('A weight commit expired before it could be revealed', { netuid: r.commit.netuid, hotkey: r.commit.hotkey })
        else if (r.outcome === 'failed') this.o.log.error('Revealing weights failed', { netuid: r.commit.netuid, hotkey: r.commit.hotkey, error: r.error })
        else if (r.outcome === 'retrying') this.o.log.warn('A weight reveal failed; retrying on the next block', { netuid: r.commit.netuid, hotkey: r.commit.hotkey, revealUntil: r.commit.revealUntil, error: r.error })
        else if (r.error) this.o.log.warn('A weight reveal is due but cannot be signed', { netuid: r.commit.netuid, hotkey: r.commit.hotkey, reason: r.error })
      }
      if (out.some((r) => r.outcome !== 'waiting')) this.setStatus({})
    } catch (error) {
      this.o.log.warn('Reveal pass failed', { error: String(error) })
    } finally {
      for (const signer of lent.values()) signer?.dispose()
      s.revealing = false
    }
  }

  /**
   * A signer for `address`: a registered one (a running validator's hotkey; dispose does
   * nothing), else the plaintext hotkey (btcli's default) in the user's wallets, loaded with only
   * its secret key kept (seed, phrase and file bytes wiped at once); its dispose wipes that key.
   */
  async hotkeySignerFor(address: string): Promise<LentSigner | undefined> {
    const known = this.hotkeySigners.get(address)
    if (known) return lend(known, () => undefined)
    const wallet = this.o.wallet
    if (!wallet) return undefined
    try {
      const list = wallet.list()
      for (const w of list.wallets) {
        for (const h of w.hotkeys) {
          if (h.address !== address || h.format !== 'plaintext') continue
          const hk = await loadWalletHotkey({ walletsDir: list.directory, wallet: w.name, hotkey: h.name, env: {} })
          if (hk.address !== address) {
            hk.dispose()
            continue
          }
          return lend(hk, () => hk.dispose())
        }
      }
    } catch (error) {
      this.o.log.warn('Could not read hotkeys for a reveal', { error: String(error) })
    }
    return undefined
  }

  /**
   * Block time and tempo of the next practice chain: the settings, except what the host pinned
   * (tests pass `practice: { blockTimeMs: 0 }` for on-demand blocks, whatever the settings say).
   */
  private practiceOptions(): PracticeOptions & { blockTimeMs: number; tempo: number } {
    const s = this.o.settings()
    const pinned = this.o.practice ?? {}
    return { ...pinned, blockTimeMs: pinned.blockTimeMs ?? s.practiceBlockTimeMs, tempo: pinned.tempo ?? s.practiceTempo }
  }

  /** The practice chain as it runs now, and what a restart would apply. */
  async practiceInfo(): Promise<PracticeInfo> {
    const net = await this.practiceNet?.catch(() => undefined)
    const next = this.practiceOptions()
    const node = net?.node
    return {
      running: node !== undefined,
      url: net?.url ?? null,
      best: node?.bestNumber ?? null,
      blockTimeMs: node?.options.blockTimeMs ?? null,
      tempo: node?.options.tempo ?? null,
      configured: { blockTimeMs: next.blockTimeMs, tempo: next.tempo },
      pinned: this.o.practice?.blockTimeMs !== undefined || this.o.practice?.tempo !== undefined,
      restartNeeded: node !== undefined && (node.options.blockTimeMs !== next.blockTimeMs || node.options.tempo !== next.tempo),
      faucetMaxTao: formatTao(node?.options.faucetMax ?? 1000n * TAO),
    }
  }

  /**
   * Stops the practice chain and starts a fresh one with the current settings. When the
   * practice network is the selected one, the connection follows (other domains get the new
   * client through {@link onClient}).
   */
  async restartPractice(): Promise<PracticeInfo> {
    this.restarting ??= this.doRestartPractice().finally(() => (this.restarting = undefined))
    return this.restarting
  }

  private restarting: Promise<PracticeInfo> | undefined

  private async doRestartPractice(): Promise<PracticeInfo> {
    const old = this.practiceNet
    const wasSelected = this.session.network === 'devnet'
    this.practiceNet = undefined
    this.practiceUrl = null
    if (wasSelected) {
      const cur = this.session
      const next = this.newSession('devnet', '')
      this.session = next
      this.current = this.idleStatus(next)
      await this.teardown(cur)
      for (const l of this.clientListeners) l(undefined)
      this.fireStatus()
    }
    const net = await old?.catch(() => undefined)
    await net?.close()
    if (wasSelected) await this.client()
    else await this.startPractice()
    return this.practiceInfo()
  }

  private async startPractice(): Promise<PracticeNetwork> {
    if (!this.practiceNet) {
      const options = this.practiceOptions()
      this.o.log.info('Starting the practice network (no real TAO)', { blockTimeMs: options.blockTimeMs, tempo: options.tempo })
      const p = startPracticeNetwork(options)
      this.practiceNet = p
      p.then(
        (net) => {
          this.practiceUrl = net.url
          this.o.log.info('Practice network ready', { url: net.url, genesis: net.node.genesisHash })
        },
        (error: unknown) => {
          this.practiceNet = undefined
          this.o.log.error('The practice network did not start', { error: error instanceof Error ? error.stack ?? error.message : String(error) })
        },
      )
    }
    return this.practiceNet
  }

  // ---------------- reads ----------------

  private async read<T>(key: string, fn: (c: ChainClient) => Promise<T>): Promise<{ value: T; updatedAt: number; stale: boolean }> {
    let client: ChainClient | undefined
    try {
      client = await this.client()
      const value = await fn(client)
      return { value, updatedAt: Date.now(), stale: false }
    } catch (error) {
      if (error instanceof ChainError && !/^Client\.(Timeout|NoDevnet|Abandoned|Unreachable)$/.test(error.code) && !error.code.startsWith('Rpc.')) throw chainEngineError(error)
      const last = this.lastKnown<T>(key)
      if (last) return { ...last, stale: true }
      throw chainEngineError(error)
    }
  }

  private lastKnown<T>(key: string): { value: T; updatedAt: number } | undefined {
    const s = this.session
    if (s.network === 'devnet') return undefined
    const endpoint = this.endpointOf(s.network, s.customUrl)
    return this.chainStore.cacheGet<T>(storeKeyOf(s.network, endpoint), key)
  }

  async subnetOverview(netuid: number): Promise<SubnetOverview> {
    const r = await this.read(`overview:${netuid}`, async (c) => {
      const [hp, epoch, subnets, identity] = await Promise.all([c.hyperparameters(netuid), c.epochTiming(netuid), c.subnets(), c.subnetIdentity(netuid)])
      const value = {
        netuid,
        ...withProtocol({ identity }),
        hyperparameters: hp,
        priceRao: hp.burn,
        registrationCapOnChain: c.registrationCapOnChain,
        block: epoch.block,
        blocksUntilNextEpoch: epoch.blocksUntilNextEpoch,
        neurons: subnets.find((x) => x.netuid === netuid)?.neurons ?? 0,
      }
      this.chainStore.cachePut(c.storeKey, `overview:${netuid}`, value)
      return value
    })
    // A row cached before identities were read has none: unknown, not an error.
    return { ...withProtocol({ ...r.value, identity: r.value.identity ?? null }), updatedAt: r.updatedAt, stale: r.stale }
  }

  async subnets(): Promise<{ subnets: SubnetSummary[]; updatedAt: number; stale: boolean }> {
    const r = await this.read('subnets', (c) => c.subnets())
    return { subnets: r.value.map((row) => withProtocol({ ...row, identity: row.identity ?? null })), updatedAt: r.updatedAt, stale: r.stale }
  }

  /**
   * The guard for `action` on a subnet of `network` (undefined: the selected one): refuses with the
   * identity and a plain explanation unless the subnet declares the text-embedding protocol or
   * `force` is set. Resolves to the verdict.
   */
  async checkSubnet(p: { action: GuardedAction; network?: string; netuid: number; force?: boolean }): Promise<SubnetProtocol> {
    const selected = this.session
    const wanted = p.network?.trim() || undefined
    const isSelected = wanted === undefined || wanted === selected.network || (selected.network === 'custom' && wanted === selected.customUrl)
    let identity: SubnetIdentity | null
    try {
      if (isSelected) identity = await (await this.client()).subnetIdentity(p.netuid)
      else {
        const url = /^wss?:\/\//.test(wanted!) ? wanted : undefined
        const other = await ChainClient.connect({ network: url ? 'custom' : (wanted as NetworkId), customUrl: url, store: this.chainStore, timeoutMs: this.o.connectTimeoutMs ?? 15_000 })
        identity = await other.subnetIdentity(p.netuid).finally(() => other.release())
      }
    } catch (error) {
      throw chainEngineError(error)
    }
    const network = wanted ?? (selected.network === 'custom' ? selected.customUrl : selected.network)
    assertSubnetSpeaks({ network, netuid: p.netuid, identity }, p.action, p.force === true)
    const { protocol } = withProtocol({ identity })
    if (protocol.verdict !== 'speaks') this.o.log.warn('Going on although the subnet does not declare the text-embedding protocol (confirmed by the user)', { action: p.action, network, netuid: p.netuid, verdict: protocol.verdict, name: identity?.name ?? null })
    return protocol
  }

  async metagraph(netuid: number): Promise<MetagraphResult> {
    const r = await this.read(`metagraph:${netuid}`, (c) => c.metagraph(netuid))
    return { ...r.value, updatedAt: r.updatedAt, stale: r.stale }
  }

  // ---------------- registration ----------------

  private progress(p: TxProgress): void {
    this.operations.set(p.operationId, p)
    while (this.operations.size > MAX_OPERATIONS) this.operations.delete(this.operations.keys().next().value!)
    this.o.fire('chain.tx', p)
  }

  /**
   * Checks what can be checked before signing (unlocked coldkey, hotkey address, price under
   * the cap, balance, not yet registered), then submits in the background; progress and the
   * outcome arrive as `chain.tx` events.
   */
  async register(p: { wallet: string; hotkey: string; netuid: number; maxPriceTao: string; force?: boolean }): Promise<{ operationId: string; priceRao: string; hotkeyAddress: string; capEnforcedByChain: boolean }> {
    const wallet = this.o.wallet
    if (!wallet) throw new EngineError('BAD_REQUEST', 'This engine has no wallet service.')
    const summary = wallet.get(p.wallet)
    const hk = summary.hotkeys.find((h) => h.name === p.hotkey)
    if (!hk) throw new EngineError('NOT_FOUND', `Wallet "${p.wallet}" has no hotkey "${p.hotkey}". Create one on the Wallet page.`)
    if (!hk.address) throw new EngineError('BAD_REQUEST', `The address of hotkey "${p.hotkey}" is unknown (${hk.problem ?? 'no public file'}).`)
    await this.checkSubnet({ action: 'register', netuid: p.netuid, force: p.force })
    const signer = wallet.coldkeySigner(p.wallet)
    const maxPrice = parseTao(p.maxPriceTao)
    const client = await this.client()
    let price: bigint
    try {
      price = await client.registrationPrice(p.netuid)
      if (price > maxPrice) {
        throw new EngineError('BAD_REQUEST', `Registration on subnet ${p.netuid} costs ${formatTao(price)} TAO now, above your maximum of ${formatTao(maxPrice)} TAO. Raise the maximum or wait for the price to fall.`)
      }
      const existing = await client.uidOf(p.netuid, hk.address)
      if (existing !== null) throw new EngineError('ALREADY_EXISTS', `Hotkey "${p.hotkey}" is already registered on subnet ${p.netuid} as uid ${existing}.`)
      const [free, fee] = await Promise.all([client.balance(signer.address), client.registrationFee(signer.address, p.netuid, hk.address, maxPrice)])
      if (free < price + (fee ?? 0n) + 500n) {
        const advice = this.session.network === 'devnet' ? ' Use "Get practice TAO" to fund it.' : ' Transfer TAO to the coldkey first.'
        const feeText = fee === null ? '' : `, a transaction fee of ${formatTao(fee)} TAO,`
        throw new EngineError('BAD_REQUEST', `The coldkey of "${p.wallet}" holds ${formatTao(free)} TAO; registering costs ${formatTao(price)} TAO${feeText} plus a reserve of 0.0000005 TAO the account must keep.${advice}`)
      }
    } catch (error) {
      throw chainEngineError(error)
    }
    const operationId = crypto.randomUUID()
    const base: TxProgress = { operationId, kind: 'register', netuid: p.netuid, hotkey: hk.address, stage: 'checking', blockHash: null, uid: null, priceRao: String(price), error: null, time: Date.now() }
    this.progress(base)
    this.o.log.info('Registering a hotkey', { wallet: p.wallet, hotkey: hk.address, netuid: p.netuid, priceRao: String(price), maxPriceRao: String(maxPrice), capEnforcedByChain: client.registrationCapOnChain })
    const onStatus = (st: TxStatus): void => {
      // "finalized" is announced once, below, with the uid.
      if (st.stage === 'finalized') return
      const blockHash = 'blockHash' in st ? st.blockHash : null
      this.progress({ ...base, stage: st.stage, blockHash: blockHash ?? this.operations.get(operationId)?.blockHash ?? null, time: Date.now() })
    }
    client
      .register(signer, p.netuid, hk.address, maxPrice, onStatus)
      .then((r) => {
        this.progress({ ...base, stage: 'finalized', blockHash: r.blockHash, uid: r.uid, priceRao: r.priceRao, time: Date.now() })
        this.o.log.info('Hotkey registered', { netuid: p.netuid, hotkey: hk.address, uid: r.uid, block: r.blockNumber })
      })
      .catch((error: unknown) => {
        const e = error instanceof ChainError ? { code: error.code, message: error.message } : error instanceof EngineError ? { code: error.code, message: error.message } : { code: 'Client.Error', message: String(error) }
        this.progress({ ...base, stage: 'failed', blockHash: this.operations.get(operationId)?.blockHash ?? null, error: e, time: Date.now() })
        this.o.log.warn('Registration failed', { netuid: p.netuid, hotkey: hk.address, code: e.code, error: e.message })
      })
    return { operationId, priceRao: String(price), hotkeyAddress: hk.address, capEnforcedByChain: client.registrationCapOnChain }
  }

  // ---------------- practice-only helpers ----------------

  private async practiceClient(): Promise<{ client: ChainClient; net: PracticeNetwork }> {
    if (this.session.network !== 'devnet') throw new EngineError('BAD_REQUEST', 'This works on the practice network only. Pick "Practice network (no real TAO)" first.')
    const client = await this.client()
    const net = await this.practiceNet!
    return { client, net }
  }

  // ---------------- handlers ----------------

  handlers(): Pick<
    Handlers,
    | 'chain.status'
    | 'chain.connect'
    | 'chain.setNetwork'
    | 'chain.subnets'
    | 'chain.subnet'
    | 'chain.metagraph'
    | 'chain.balance'
    | 'chain.register'
    | 'chain.operations'
    | 'chain.commits'
    | 'chain.practiceFaucet'
    | 'chain.practiceAdvance'
    | 'chain.practiceInfo'
    | 'chain.practiceRestart'
  > {
    const guard = translateErrors(chainEngineError)
    return {
      'chain.status': () => this.status(),
      'chain.connect': async () => {
        await this.client().catch(() => undefined)
        return this.status()
      },
      'chain.setNetwork': guard(({ network, customUrl }) => this.setNetwork(network, customUrl)),
      'chain.subnets': guard(() => this.subnets()),
      'chain.subnet': guard(({ netuid }) => this.subnetOverview(netuid)),
      'chain.metagraph': guard(({ netuid }) => this.metagraph(netuid)),
      'chain.balance': guard(async ({ address }) => {
        const r = await this.read(`balance:${address}`, async (c) => String(await c.balance(address)))
        return { address, freeRao: r.value, updatedAt: r.updatedAt, stale: r.stale }
      }),
      'chain.register': guard((p) => this.register(p)),
      'chain.operations': () => [...this.operations.values()].reverse(),
      'chain.commits': () => {
        const c = this.session.client
        if (!c) return []
        return this.chainStore.commits(c.storeKey, 100).map((x) => ({ id: x.id, netuid: x.netuid, hotkey: x.hotkey, commitBlock: x.commitBlock, revealFrom: x.revealFrom, revealUntil: x.revealUntil, status: x.status, error: x.error }))
      },
      'chain.practiceFaucet': guard(async ({ address, amountTao }) => {
        const { client } = await this.practiceClient()
        try {
          await client.devnetFaucet(address, parseTao(amountTao))
        } catch (error) {
          throw new EngineError('BAD_REQUEST', `The practice faucet refused: ${error instanceof Error ? error.message : String(error)}`)
        }
        return { address, freeRao: String(await client.balance(address)) }
      }),
      'chain.practiceInfo': guard(() => this.practiceInfo()),
      'chain.practiceRestart': guard(async () => {
        if (this.session.network !== 'devnet') throw new EngineError('BAD_REQUEST', 'Pick "Practice network (no real TAO)" first; only the practice network can be restarted.')
        return this.restartPractice()
      }),
      'chain.practiceAdvance': guard(async ({ blocks, untilEpoch }) => {
        const { net } = await this.practiceClient()
        const n = untilEpoch !== undefined ? net.node.blocksUntilNextEpoch(untilEpoch) + 1 : (blocks ?? 1)
        net.node.produceBlocks(n)
        return { block: net.node.bestNumber }
      }),
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true
    if (this.fireTimer) clearTimeout(this.fireTimer)
    await this.teardown(this.session)
    this.clientListeners.clear()
    const net = await this.practiceNet?.catch(() => undefined)
    await net?.close()
    this.hotkeySigners.clear()
  }
}
