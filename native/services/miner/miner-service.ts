import fs from 'node:fs'
import path from 'node:path'
import type { Handlers, InferenceEndpointStatus, MinerMinute, MinerRequestEntry, MinerRewards, MinerRewardsRecord, MinerStartParams, MinerStatus, MinerWarning, Reachability } from '../../contract'
import { EngineError } from '../../contract'
import { errorMessage, sentence } from '../../base'
import type { Logger } from '../../platform/logging'
import type { Store } from '../../platform/store'
import type { AxonRequestRecord } from './axon/miner-axon'
import { AxonNonceTable } from '../../bittensor/axon/nonce-table'
import { MinerRequestTable } from './request-table'
import { MinerAxon } from './axon/miner-axon'
import { HotkeyLock, HotkeyLockedError } from './hotkey-lock'
import { LocalEmbeddingsApi } from './local-api'
import { MetricsServer, MinerMetrics } from './metrics'
import type { ChainPort, Embedder, MetagraphView, PublicIpDetector } from './ports'
import type { Signer } from '../../bittensor/keys/signer'
import { ipv4Problem } from './public-ip'
import { pingAxon } from './self-test'
import { ensureServed } from './serving'
import { isEmbeddingRoute } from '../../protocols/text-embedding/routes'
import type { SubnetCheck } from '../chain'
import { DEFAULT_AXON_LIMITS } from '../../bittensor/axon/axon-server'

/** What the miner runs on, built from the start parameters by the composition root. */
export interface MinerRuntime {
  readonly signer: Signer
  readonly metagraph: MetagraphView
  readonly embedder: Embedder
  readonly netuid: number
  /** Absent when no chain client is available: the axon runs but is not published. */
  readonly chain?: ChainPort
  readonly ipDetector: PublicIpDetector
  /** Remote inference endpoints behind the embedder (health, per-endpoint metrics); absent when it embeds locally only. */
  readonly inference?: { status(): InferenceEndpointStatus[]; prometheus(): string[] }
  /** Reads the chain again (the metagraph is cached); called every `metagraphRefreshMs`. */
  refresh?(): Promise<void>
  /** The chain under the miner started over (message in words); the runtime must be rebuilt. */
  onChainReset?(listener: (message: string) => void): void
  dispose(): Promise<void>
}

export type MinerRuntimeFactory = (params: MinerStartParams) => Promise<MinerRuntime>

/** Follows the chain for the rewards view (native/miner/rewards/); absent in tests without a chain. */
export interface RewardsFeed {
  start(): Promise<MinerRewards>
  dispose(): void | Promise<void>
}

export type RewardsFeedFactory = (p: { readonly params: MinerStartParams; readonly netuid: number; readonly hotkey: string; readonly onUpdate: (r: MinerRewards) => void }) => Promise<RewardsFeed>

/** Something worth a desktop notification (the engine decides whether the user wants them). */
export interface MinerNotice {
  readonly key: string
  readonly title: string
  readonly body: string
  readonly level: 'info' | 'warning' | 'error'
}

/** Warnings that deserve a desktop notification when they first appear. */
const NOTIFY_WARNINGS: Record<string, string> = {
  unreachable: 'Validators cannot reach your miner',
  deregistration: 'Your miner is at risk of deregistration',
  deregistered: 'Your miner was deregistered',
  serve: 'Publishing the axon on chain failed',
  disk_full: 'The disk is full',
}

export interface MinerServiceOptions {
  readonly home: string
  readonly store: Store
  readonly log: Logger
  readonly factory: MinerRuntimeFactory
  /** Refuses a subnet that does not declare the text-embedding protocol (unless params.force); absent in tests without a chain. */
  readonly checkSubnet?: SubnetCheck
  readonly onStatus?: (s: MinerStatus) => void
  readonly onRequest?: (r: MinerRequestEntry) => void
  readonly onRewards?: (r: MinerRewards) => void
  /** Builds the rewards feed for a started miner (the composition root passes the chain-backed one). */
  readonly rewards?: RewardsFeedFactory
  /** Scores the model about to serve with the validator's InfoNCE (self-score); undefined when it cannot. */
  readonly scoreActiveModel?: () => Promise<{ modelId: string; score: number; chance: number; top1: number; chanceTop1: number; nearChance: boolean } | undefined>
  /** Important changes (new warnings, first earnings, deregistration) for desktop notifications. */
  readonly notify?: (n: MinerNotice) => void
  readonly ipRecheckMs?: number
  readonly metagraphRefreshMs?: number
  readonly selfTestTimeoutMs?: number
  /** The reachability probe (tests replace it so that nothing leaves the machine). */
  readonly ping?: typeof pingAxon
}

const MINUTE = 60_000
const REQUEST_RETENTION_MS = 30 * 24 * 60 * MINUTE

interface Running {
  readonly params: MinerStartParams
  readonly runtime: MinerRuntime
  readonly lock: HotkeyLock
  readonly axon: MinerAxon
  readonly metrics: MinerMetrics
  readonly metricsServer?: MetricsServer
  readonly localApi?: LocalEmbeddingsApi
  readonly timers: NodeJS.Timeout[]
  rewards?: RewardsFeed
}

/** Runs one miner (one hotkey) in this engine: axon, metrics, serving, self-test. */
export class MinerService {
  private readonly rejectBudget = new PerKeyBudget(REJECTS_PER_IP_PER_MINUTE, 60_000)
  private readonly nonces: AxonNonceTable
  private readonly requests: MinerRequestTable
  private state: MinerStatus['state'] = 'stopped'
  private running: Running | undefined
  private lastParams: MinerStartParams | undefined
  private externalIp: string | null = null
  private served: MinerStatus['served'] = null
  private reachability: Reachability | null = null
  private metricsUrl: string | null = null
  private localApiUrl: string | null = null
  private startedAt: number | null = null
  private lastError: string | null = null
  private warnings = new Map<string, string>()
  /** First chain block seen since start, and whether a validator's query was served since (the two-epoch warning). */
  private watchSince: number | null = null
  private validatorServed = false
  private rewards: MinerRewards | null = null
  private lastRecordedEpoch: string | null = null
  private readonly log: Logger
  private transition: Promise<unknown> = Promise.resolve()

  constructor(private readonly o: MinerServiceOptions) {
    this.log = o.log
    this.nonces = new AxonNonceTable(o.store.db, (write) => o.store.write(write))
    // Shown in the status (and notified while running); the axon keeps serving from memory meanwhile.
    o.store.diskFullChanged.event((full) => {
      if (full) this.warn('disk_full', full)
      else if (!this.warnings.delete('disk_full')) return
      this.emit()
    })
    this.requests = new MinerRequestTable(o.store.db)
  }

  status(): MinerStatus {
    const r = this.running
    const uid = r ? (r.runtime.metagraph.lookup(r.runtime.signer.address)?.uid ?? null) : null
    return {
      state: this.state,
      network: this.lastParams?.network ?? null,
      netuid: r?.runtime.netuid ?? null,
      hotkey: r?.runtime.signer.address ?? null,
      uid,
      listen: r && r.axon.port !== undefined ? { host: r.params.host, port: r.axon.port } : null,
      externalIp: this.externalIp,
      served: this.served,
      provider: r?.runtime.embedder.name ?? null,
      startedAt: this.startedAt,
      reachability: this.reachability,
      metricsUrl: this.metricsUrl,
      localApiUrl: this.localApiUrl,
      totals: { ...(r ? r.metrics.totals() : { requests: 0, errors: 0, texts: 0 }), unloggedRefusals: this.rejectBudget.deniedTotal },
      load: r ? r.axon.load : { inFlight: 0, queued: 0 },
      warnings: [...this.warnings].map(([code, message]): MinerWarning => ({ code, message })),
      lastError: this.lastError,
      ...(r?.runtime.inference ? { inference: r.runtime.inference.status() } : {}),
    }
  }

  private emit(): void {
    const status = this.status()
    this.o.onStatus?.(status)
    writeStatusFile(this.o.home, status)
  }

  private warn(code: string, message: string): void {
    if (this.warnings.get(code) !== message) this.log.warn(message, { code })
    const isNew = !this.warnings.has(code)
    this.warnings.set(code, message)
    const title = NOTIFY_WARNINGS[code]
    if (isNew && title && this.state === 'running') this.o.notify?.({ key: `miner.${code}`, title, body: message, level: code === 'deregistered' ? 'error' : 'warning' })
  }

  /** Serializes start/stop so that two clicks never race. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.transition.then(fn, fn)
    this.transition = next.catch(() => undefined)
    return next
  }

  start(params: MinerStartParams): Promise<MinerStatus> {
    return this.serial(() => this.doStart(params))
  }

  stop(): Promise<MinerStatus> {
    return this.serial(() => this.doStop())
  }

  private async doStart(params: MinerStartParams): Promise<MinerStatus> {
    if (this.running) throw new EngineError('BUSY', `The miner is already running for hotkey ${this.running.runtime.signer.address}. Stop it first.`)
    this.state = 'starting'
    this.lastParams = params
    this.warnings.clear()
    this.lastError = null
    this.reachability = null
    this.served = null
    this.externalIp = null
    this.rewards = null
    this.lastRecordedEpoch = null
    this.watchSince = null
    this.validatorServed = false
    this.emit()
    const cleanup: Array<() => Promise<void> | void> = []
    try {
      const runtime = await this.o.factory(params)
      cleanup.push(() => runtime.dispose())
      await this.o.checkSubnet?.({ action: 'miner', network: params.network, netuid: runtime.netuid, force: params.force })
      const lock = new HotkeyLock(this.o.home, runtime.signer.address)
      try {
        lock.acquire()
      } catch (error) {
        if (error instanceof HotkeyLockedError) throw new EngineError('BUSY', error.message)
        throw error
      }
      cleanup.push(() => lock.release())

      const metrics = new MinerMetrics(() => ({ in_flight: axon.load.inFlight, queued: axon.load.queued, up: 1, refusals_unlogged: this.rejectBudget.deniedTotal }), () => runtime.inference?.prometheus() ?? [])
      const axon: MinerAxon = new MinerAxon({
        signer: runtime.signer,
        metagraph: runtime.metagraph,
        embedder: runtime.embedder,
        nonces: this.nonces,
        host: params.host,
        port: params.port,
        blacklist: params.blacklist,
        onRequest: (record) => this.onRequest(record, metrics),
        onWarning: (message, fields) => this.log.warn(message, fields),
      })
      await axon.listen()
      cleanup.push(() => axon.close())

      let metricsServer: MetricsServer | undefined
      if (params.metricsPort !== null) {
        metricsServer = new MetricsServer(metrics, params.metricsPort)
        try {
          this.metricsUrl = await metricsServer.listen()
          cleanup.push(() => metricsServer!.close())
        } catch (error) {
          metricsServer = undefined
          this.warn('metrics_port', `Prometheus metrics are off: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
      let localApi: LocalEmbeddingsApi | undefined
      if (params.localApiPort !== null) {
        localApi = new LocalEmbeddingsApi(runtime.embedder, params.localApiPort)
        this.localApiUrl = await localApi.listen()
        cleanup.push(() => localApi!.close())
      }

      const running: Running = { params, runtime, lock, axon, metrics, metricsServer, localApi, timers: [] }
      this.running = running
      this.startedAt = Date.now()
      this.state = 'running'
      this.log.info('Miner started', { hotkey: runtime.signer.address, port: axon.port, netuid: runtime.netuid, provider: runtime.embedder.name })
      if (!runtime.metagraph.lookup(runtime.signer.address)) {
        this.warn('not_registered', `Hotkey ${runtime.signer.address} is not registered on subnet ${runtime.netuid}: validators will not query it. Register it (burned_register) first.`)
      }
      await this.publish(running)
      runtime.onChainReset?.((message) => void this.rejoin(running, message))
      running.timers.push(setInterval(() => this.housekeeping(running), MINUTE))
      running.timers.push(setInterval(() => void this.recheckIp(running), this.o.ipRecheckMs ?? 5 * MINUTE))
      if (runtime.refresh) running.timers.push(setInterval(() => void runtime.refresh?.().catch((e: unknown) => this.warn('metagraph', `Could not refresh the metagraph: ${String(e)}`)), this.o.metagraphRefreshMs ?? 100 * 12_000))
      for (const t of running.timers) t.unref()
      this.emit()
      // The reachability test runs in the background; its result arrives as a status event.
      void this.selfTest().catch(() => undefined)
      void this.startRewards(running)
      void this.checkModel(running)
      return this.status()
    } catch (error) {
      for (const fn of cleanup.reverse()) await Promise.resolve(fn()).catch(() => undefined)
      this.running = undefined
      this.state = 'failed'
      this.metricsUrl = null
      this.localApiUrl = null
      this.lastError = errorMessage(error)
      this.log.error('Miner failed to start', { error: this.lastError })
      this.emit()
      if (error instanceof EngineError) throw error
      throw new EngineError('BAD_REQUEST', sentence('The miner could not start', this.lastError))
    }
  }

  /** Finds the public IP and publishes ip:port on chain when it changed. */
  private async publish(r: Running): Promise<void> {
    try {
      this.externalIp = r.params.externalIp ?? (await r.runtime.ipDetector.detect())
    } catch (error) {
      this.warn('public_ip', error instanceof Error ? error.message : String(error))
      return
    }
    this.warnings.delete('public_ip')
    const problem = r.runtime.chain?.loopback && this.externalIp === '127.0.0.1' ? undefined : ipv4Problem(this.externalIp)
    if (problem) this.warn('address', problem)
    else this.warnings.delete('address')
    await this.serve(r)
  }

  /** Publishes the known ip:port on chain unless the chain already holds exactly that. */
  private async serve(r: Running): Promise<void> {
    if (!r.params.serve || this.externalIp === null) return
    if (!r.runtime.chain) {
      this.warn('no_chain', 'No chain connection: the axon runs but is not published on chain, so validators cannot find it.')
      return
    }
    const port = r.axon.port ?? r.params.port
    try {
      const outcome = await ensureServed(r.runtime.chain, r.runtime.netuid, r.runtime.signer.address, this.externalIp, port)
      if (this.running !== r) return
      this.served = { ...outcome, at: Date.now() }
      this.warnings.delete('serve')
      this.log.info(outcome.action === 'served' ? 'Axon published on chain (serve_axon)' : 'Axon already published with this address', { ip: outcome.ip, port })
    } catch (error) {
      // Not on chain as published: the status must not say it is.
      this.served = null
      this.warn('serve', `${sentence('Publishing the address on chain (serve_axon) failed', error instanceof Error ? error.message : String(error))} The miner tries again at the next epoch.`)
    }
  }

  /**
   * The chain started over: its axon, metagraph and rewards belong to the old chain. The miner
   * starts again on the new one with the same settings, which publishes the axon again.
   */
  private rejoin(r: Running, message: string): Promise<unknown> {
    this.served = null
    this.log.warn(`${message} Restarting the miner on the new chain.`, { hotkey: r.runtime.signer.address })
    return this.serial(async () => {
      if (this.running !== r) return
      await this.doStop()
      await this.doStart(r.params)
    }).catch((error: unknown) => this.log.error('The miner could not start again after the chain started over', { error: error instanceof Error ? error.message : String(error) }))
  }

  /** Starts the rewards view; a chain that cannot be read leaves a warning, never a failed miner. */
  private async startRewards(r: Running): Promise<void> {
    const factory = this.o.rewards
    // A runtime without a chain (tests, an offline axon) has no rewards to show.
    if (!factory || !r.runtime.chain) return
    try {
      const feed = await factory({ params: r.params, netuid: r.runtime.netuid, hotkey: r.runtime.signer.address, onUpdate: (view) => this.running === r && this.onRewards(view) })
      if (this.running !== r) {
        await feed.dispose()
        return
      }
      r.rewards = feed
      await feed.start()
      this.warnings.delete('rewards')
    } catch (error) {
      if (this.running !== r) return
      this.warn('rewards', `The rewards view is unavailable: ${error instanceof Error ? error.message : String(error)}`)
      this.emit()
    }
  }

  /** Before going live: a quick self-score of the serving model; near chance level is a warning. */
  private async checkModel(r: Running): Promise<void> {
    if (!this.o.scoreActiveModel) return
    try {
      const result = await this.o.scoreActiveModel()
      if (!result || this.running !== r) return
      this.log.info('Self-score of the serving model', { model: result.modelId, score: Number(result.score.toFixed(4)), chance: Number(result.chance.toFixed(4)), top1: Number(result.top1.toFixed(4)), chanceTop1: Number(result.chanceTop1.toFixed(4)) })
      if (result.nearChance) {
        this.warn('model_quality', `The serving model ${result.modelId} finds the right passage first ${(result.top1 * 100).toFixed(0)} % of the time on the self-score set, close to chance (${(result.chanceTop1 * 100).toFixed(0)} %); its score is ${result.score.toFixed(3)} (chance ${result.chance.toFixed(3)}). Validators will rate its answers near zero. Pick a better model on the Models page and compare them with "Score models".`)
      } else this.warnings.delete('model_quality')
      this.emit()
    } catch (error) {
      this.log.debug('Self-score before going live was skipped', { error: error instanceof Error ? error.message : String(error) })
    }
  }

  private onRewards(view: MinerRewards): void {
    const before = this.rewards
    this.rewards = view
    this.o.onRewards?.(view)
    const warningsBefore = [...this.warnings].join('|')
    this.watchSince ??= view.block
    const twoEpochs = 2 * view.tempo
    if (!this.validatorServed && view.block - this.watchSince >= twoEpochs) {
      this.warn(
        'no_queries',
        `No validator has queried this miner in the ${twoEpochs} blocks (two epochs) since it started. Likely causes: the hotkey is not registered, or was registered so recently that validators have not re-read the metagraph; the axon cannot be reached from the internet (see the reachability test); the blacklist refuses them (minimum stake); or the subnet's validators do not speak the text-embedding protocol (check its identity on the Subnet page).`,
      )
    }
    if (view.registered) {
      this.warnings.delete('not_registered')
      this.warnings.delete('deregistered')
      if (view.deregistration.level === 'high' || view.deregistration.level === 'medium') this.warn('deregistration', view.deregistration.message)
      else this.warnings.delete('deregistration')
      if (before?.registered && before.incentive === 0 && view.incentive > 0) {
        this.o.notify?.({ key: 'miner.earning', title: 'Your miner is earning', body: `Validators rate it: incentive ${(view.incentive * 100).toFixed(2)} %, about ${view.emissionAlpha.toFixed(4)} alpha per epoch.`, level: 'info' })
      }
    } else {
      this.warnings.delete('deregistration')
      if (before?.registered) this.warn('deregistered', `Hotkey ${view.hotkey} lost its slot on subnet ${view.netuid} (uid ${before.uid}) at block ${view.block}: another registration replaced it. Register again to keep mining.`)
      else if (!this.warnings.has('deregistered')) this.warn('not_registered', `Hotkey ${view.hotkey} is not registered on subnet ${view.netuid}: validators will not query it. Register it (burned_register) first.`)
    }
    // Incentive over time: one point at start and one per epoch (the chain changes it only then).
    // The next epoch block names the epoch the view is in (the chain's scheduler, network-2026 §2).
    const epoch = `${view.hotkey}:${view.netuid}:${view.block + view.nextEpochInBlocks}`
    if (epoch !== this.lastRecordedEpoch) {
      // Once an epoch: is the axon still on chain as published? (A chain that lost it gets it again.)
      if (this.lastRecordedEpoch !== null && this.running) void this.serve(this.running).then(() => this.emit())
      this.lastRecordedEpoch = epoch
      const labels = { hotkey: view.hotkey, netuid: String(view.netuid), network: view.network, block: String(view.block) }
      try {
        this.o.store.timeSeries.record([
          { series: 'miner.incentive', time: view.updatedAt, value: view.incentive, labels },
          { series: 'miner.emission_alpha', time: view.updatedAt, value: view.emissionAlpha, labels },
          ...(view.rank ? [{ series: 'miner.rank', time: view.updatedAt, value: view.rank.position, labels: { ...labels, of: String(view.rank.of) } }] : []),
        ])
      } catch (error) {
        this.log.warn('Could not record the incentive', { error: String(error) })
      }
    }
    if ([...this.warnings].join('|') !== warningsBefore) this.emit()
  }

  currentRewards(): MinerRewards | null {
    return this.running ? this.rewards : null
  }

  /**
   * Incentive, emission and rank recorded per epoch, oldest first. The three are separate series
   * of one record (same time and hotkey); records from before rank was kept have none.
   */
  rewardsHistory(since: number | undefined, limit: number): MinerRewardsRecord[] {
    const series = (name: string) => this.o.store.timeSeries.query(name, { since }, limit)
    const key = (p: { time: number; labels: Record<string, string> }) => `${p.time}:${p.labels.hotkey ?? ''}`
    const em = new Map(series('miner.emission_alpha').map((p) => [key(p), p.value]))
    const rank = new Map(series('miner.rank').map((p) => [key(p), { position: p.value, of: Number(p.labels.of ?? 0) }]))
    const hotkey = this.running?.runtime.signer.address ?? this.lastParams?.hotkey
    // While a miner runs, its own history on its network (block numbers of two chains do not mix); otherwise everything recorded.
    const network = this.running ? this.rewards?.network : undefined
    const own = (p: { labels: Record<string, string> }) => !this.running || !hotkey || (p.labels.hotkey === hotkey && (network === undefined || p.labels.network === network))
    return series('miner.incentive')
      .filter(own)
      .map((p) => ({ time: p.time, block: Number(p.labels.block ?? 0), incentive: p.value, emissionAlpha: em.get(key(p)) ?? 0, hotkey: p.labels.hotkey ?? '', rank: rank.get(key(p)) ?? null }))
  }

  private async recheckIp(r: Running): Promise<void> {
    if (this.running !== r || r.params.externalIp) return
    const before = this.externalIp
    try {
      const now = await r.runtime.ipDetector.detect()
      if (now !== before || this.warnings.has('serve')) {
        if (now !== before) this.log.info('Public IP changed; publishing the new address', { from: before, to: now })
        await this.publish(r)
        void this.selfTest().catch(() => undefined)
        this.emit()
      }
    } catch (error) {
      this.warn('public_ip', error instanceof Error ? error.message : String(error))
    }
  }

  private housekeeping(r: Running): void {
    try {
      r.metrics.flush((m) => this.recordRollup(m))
      writeStatusFile(this.o.home, this.status())
      // The axon refuses anything older than this window, so older nonces can go.
      this.nonces.prune(Date.now() - DEFAULT_AXON_LIMITS.nonceRetentionMs)
      this.requests.deleteOlderThan(Date.now() - REQUEST_RETENTION_MS)
      const unlogged = this.rejectBudget.drain()
      if (unlogged.denied > 0) {
        this.log.warn(`${unlogged.denied} refused requests from ${unlogged.keys} addresses were counted but not logged one by one (over ${REJECTS_PER_IP_PER_MINUTE} a minute per address)`, {
          ...unlogged,
          total: this.rejectBudget.deniedTotal,
        })
      }
    } catch (error) {
      this.log.warn('Miner housekeeping failed', { error: String(error) })
    }
  }

  private recordRollup(m: { minute: number; requests: number; errors: number; texts: number; p50Ms: number; p95Ms: number }): void {
    const time = m.minute * MINUTE
    this.o.store.timeSeries.record([
      { series: 'miner.requests_per_min', time, value: m.requests },
      { series: 'miner.errors_per_min', time, value: m.errors },
      { series: 'miner.texts_per_min', time, value: m.texts },
      { series: 'miner.latency_p50_ms', time, value: m.p50Ms },
      { series: 'miner.latency_p95_ms', time, value: m.p95Ms },
    ])
  }

  private onRequest(record: AxonRequestRecord, metrics: MinerMetrics): void {
    let id = 0
    try {
      metrics.observe(record, (m) => this.recordRollup(m))
    } catch (error) {
      this.log.warn('Could not count a miner request', { error: String(error) })
    }
    // Served requests are always kept. Refusals come from anyone on the internet: each source IP gets
    // a small budget per minute for the request log, the engine log and the live feed; the rest are
    // only counted (in /metrics), so a flood cannot fill the disk or the UI.
    if (record.status !== 200 && !this.rejectBudget.take(record.ip, record.time)) return
    try {
      id = this.requests.append(record)
    } catch (error) {
      this.log.warn('Could not record a miner request', { error: String(error) })
    }
    if (record.status === 200 && record.hotkey && !this.validatorServed) {
      this.validatorServed = true
      if (this.warnings.delete('no_queries')) this.emit()
    }
    const fields = { hotkey: record.hotkey, uid: record.uid, ip: record.ip, texts: record.texts, latencyMs: Math.round(record.latencyMs), status: record.status }
    const line = `${record.status} ${record.route} ${record.hotkey ? `from ${record.hotkey}` : `from ${record.ip}`}: ${record.texts} texts in ${Math.round(record.latencyMs)} ms`
    if (record.status === 200) this.log.info(line, fields)
    else if (record.hotkey) this.log.warn(`${line} (${record.message})`, fields)
    else this.log.debug(`${line} (${record.message})`, fields)
    this.o.onRequest?.({ id, time: record.time, route: record.route, hotkey: record.hotkey, uid: record.uid, ip: record.ip, texts: record.texts, status: record.status, message: record.message, latencyMs: record.latencyMs, queueMs: record.queueMs, inferenceMs: record.inferenceMs })
  }

  private async doStop(): Promise<MinerStatus> {
    const r = this.running
    if (!r) {
      this.state = 'stopped'
      return this.status()
    }
    this.state = 'stopping'
    this.emit()
    for (const t of r.timers) clearInterval(t)
    await Promise.resolve(r.rewards?.dispose()).catch(() => undefined)
    await r.axon.close().catch(() => undefined)
    await r.metricsServer?.close().catch(() => undefined)
    await r.localApi?.close().catch(() => undefined)
    r.metrics.flush((m) => this.recordRollup(m))
    await r.runtime.dispose().catch((e: unknown) => this.log.warn('Miner runtime did not close cleanly', { error: String(e) }))
    r.lock.release()
    this.running = undefined
    this.state = 'stopped'
    this.startedAt = null
    this.metricsUrl = null
    this.localApiUrl = null
    this.rewards = null
    this.log.info('Miner stopped', { hotkey: r.runtime.signer.address, ...r.metrics.totals() })
    this.emit()
    return this.status()
  }

  /** A signed ping to the axon's public address (or the local one when no public IP is known). */
  async selfTest(): Promise<Reachability> {
    const r = this.running
    if (!r) throw new EngineError('BAD_REQUEST', 'The miner is not running. Start it, then test reachability.')
    const port = r.axon.port ?? r.params.port
    const ip = this.externalIp ?? '127.0.0.1'
    const result = await (this.o.ping ?? pingAxon)(r.runtime.signer, ip, port, this.o.selfTestTimeoutMs ?? 5000)
    if (this.running !== r) return result
    this.reachability = result
    if (result.reachable) this.warnings.delete('unreachable')
    else this.warn('unreachable', `The axon is not reachable at ${result.address}: ${result.detail}. ${result.advice[0] ?? ''}`)
    this.emit()
    return result
  }

  recentRequests(limit: number, since?: number): MinerRequestEntry[] {
    return this.requests.recent(limit, since).map(({ bytesIn: _a, bytesOut: _b, ...rest }) => rest)
  }

  /** Per-minute requests, errors and latency percentiles from the request log. */
  minutes(since = Date.now() - 60 * MINUTE): MinerMinute[] {
    const rows = this.requests.between(since, Date.now() + 1).filter((r) => isEmbeddingRoute(r.route))
    const byMinute = new Map<number, { lat: number[]; errors: number }>()
    for (const r of rows) {
      const m = Math.floor(r.time / MINUTE) * MINUTE
      const b = byMinute.get(m) ?? { lat: [], errors: 0 }
      b.lat.push(r.latencyMs)
      if (r.status !== 200) b.errors++
      byMinute.set(m, b)
    }
    return [...byMinute]
      .sort((a, b) => a[0] - b[0])
      .map(([time, b]) => {
        const s = b.lat.sort((x, y) => x - y)
        const q = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? 0
        return { time, requests: s.length, errors: b.errors, p50Ms: q(0.5), p95Ms: q(0.95) }
      })
  }

  handlers(): Pick<Handlers, 'miner.start' | 'miner.stop' | 'miner.status' | 'miner.selfTest' | 'miner.requests' | 'miner.metrics' | 'miner.rewards' | 'miner.rewardsHistory'> {
    return {
      'miner.start': (p) => this.start(p),
      'miner.stop': () => this.stop(),
      'miner.status': () => this.status(),
      'miner.selfTest': () => this.selfTest(),
      'miner.requests': ({ limit, since }) => this.recentRequests(limit, since),
      'miner.metrics': ({ since }) => this.minutes(since),
      'miner.rewards': () => this.currentRewards(),
      'miner.rewardsHistory': ({ since, limit }) => this.rewardsHistory(since, limit),
    }
  }

  async dispose(): Promise<void> {
    await this.stop()
  }
}

/**
 * The factory used until the chain client and the wallet's hotkey signer are wired in: it
 * explains what is missing instead of pretending to mine.
 */
export const unavailableMinerRuntime: MinerRuntimeFactory = () =>
  Promise.reject(
    new EngineError(
      'BAD_REQUEST',
      'Mining needs a chain connection (metagraph, serve_axon) and an embedding model, and this engine was started without them. Update TaoDesk, or start the miner from a build that includes the chain client.',
    ),
  )

/**
 * Where each process's miner publishes its status for `taodesk miner status` and `miner stop` in
 * other processes: one file per process, so that a miner in `taodesk serve` and one run by
 * `taodesk miner start` do not overwrite each other's.
 */
export function statusFileDir(home: string): string {
  return path.join(home, 'miner-status')
}

export function statusFilePath(home: string, pid = process.pid): string {
  return path.join(statusFileDir(home), `${pid}.json`)
}

export interface MinerStatusFile {
  readonly pid: number
  readonly updatedAt: number
  readonly status: MinerStatus
}

function writeStatusFile(home: string, status: MinerStatus): void {
  const file = statusFilePath(home)
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    const tmp = `${file}.tmp`
    fs.writeFileSync(tmp, JSON.stringify({ pid: process.pid, updatedAt: Date.now(), status } satisfies MinerStatusFile), { mode: 0o600 })
    fs.renameSync(tmp, file)
  } catch {
    // Status for other processes is a convenience; never fail the miner over it.
  }
}

/** Every process's last published miner status, newest first (files of ended processes included). */
export function readStatusFiles(home: string): MinerStatusFile[] {
  let names: string[]
  try {
    names = fs.readdirSync(statusFileDir(home)).filter((n) => /^\d+\.json$/.test(n))
  } catch {
    return []
  }
  const files: MinerStatusFile[] = []
  for (const name of names) {
    try {
      files.push(JSON.parse(fs.readFileSync(path.join(statusFileDir(home), name), 'utf8')) as MinerStatusFile)
    } catch {
      // Removed or being replaced meanwhile.
    }
  }
  return files.sort((a, b) => b.updatedAt - a.updatedAt)
}

const REJECTS_PER_IP_PER_MINUTE = 20

/**
 * At most `perWindow` events per key in each window; remembers a bounded number of keys. What it
 * turns away is counted (in total, and per summary period with the keys involved, bounded), so
 * events over the budget still leave a trace.
 */
export class PerKeyBudget {
  private readonly used = new Map<string, { window: number; count: number }>()
  /** Events turned away since this budget was made. */
  deniedTotal = 0
  private denied = 0
  private readonly deniedKeys = new Set<string>()

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, now: number): boolean {
    const window = Math.floor(now / this.windowMs)
    const entry = this.used.get(key)
    if (!entry || entry.window !== window) {
      this.used.delete(key)
      if (this.used.size >= this.maxKeys) this.used.delete(this.used.keys().next().value as string)
      this.used.set(key, { window, count: 1 })
      return true
    }
    entry.count++
    if (entry.count <= this.perWindow) return true
    this.deniedTotal++
    this.denied++
    if (this.deniedKeys.size < this.maxKeys) this.deniedKeys.add(key)
    return false
  }

  /** Events turned away since the last call, and from how many keys (at most maxKeys); then starts over. */
  drain(): { denied: number; keys: number } {
    const out = { denied: this.denied, keys: this.deniedKeys.size }
    this.denied = 0
    this.deniedKeys.clear()
    return out
  }
}
