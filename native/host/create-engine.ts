import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Emitter } from '../base'
import type { CallContext, EngineHealth, EventSink, LogEntry, LogFields, LogLevel, Settings } from '../contract'
import { createLogger, createLogsHandlers } from '../platform/logging'
import type { Logger } from '../platform/logging'
import { createMetricsHandlers } from '../platform/metrics'
import { SettingsService } from '../platform/settings'
import { Store } from '../platform/store'
import { EventBus, RpcClient, RpcServer, createInprocPair } from '../rpc'
import { ChainService, createSubnetCreation } from '../services/chain'
import type { PracticeOptions } from '../services/chain'
import { EmbeddingService } from '../services/embedding'
import { DesktopPresenter, MinerService, SelfScoreService, activeModelCheck, createChainRewardsFeedFactory, createMinerRuntimeFactory, selfScoreHandlers } from '../services/miner'
import type { MinerRuntimeFactory } from '../services/miner'
import { createUpdaterDomain } from '../services/updater'
import type { DesktopShell, UpdateDriver, UpdateSafetyGate } from '../services/updater'
import { SubnetApiService } from '../services/subnet-api'
import { FileSecretsStore, ValidatorTables, createValidatorDomain, createValidatorRuntime, localBaselines, minersForApi } from '../services/validator'
import type { ValidatorRuntime } from '../services/validator'
import { WalletService } from '../services/wallet'
import type { SecretVault } from '../services/wallet'
import { ChainForWallet } from './chain-for-wallet'
import { databasePath } from './paths'
import { ServiceRegistry } from './service-registry'

export interface EngineOptions {
  readonly home: string
  readonly version: string
  readonly headless: boolean
  /** Called for every stored log entry (the CLI mirrors them to stderr). */
  readonly mirror?: (entry: LogEntry) => void
  readonly healthIntervalMs?: number
  /** Desktop app: electron-updater in the main process; absent headless (the update state says why). */
  readonly updateDriver?: UpdateDriver
  /** Desktop app: OS integration done by the main process (start at login). */
  readonly desktopShell?: DesktopShell
  /** Builds the miner's hotkey signer, metagraph, embedder and chain port (default: wallet + chain + models; tests inject one). */
  readonly minerRuntime?: MinerRuntimeFactory
  /** Chain metagraph, weight setter and hotkey signer for the validator (default: the engine's chain and the wallet hotkey in the validator settings). */
  readonly validatorRuntime?: ValidatorRuntime
  /** The in-engine practice network (tests: `{ blockTimeMs: 0, port: null }`). */
  readonly practice?: PracticeOptions
  /** Desktop app: the OS keychain (Electron safeStorage in the main process) for "remember password". Never headless. */
  readonly secretVault?: SecretVault
  /** A btcli wallets folder for this run only (CLI --wallets-dir); the stored setting is left as it is. */
  readonly walletsDir?: string
}

export interface Engine {
  readonly home: string
  readonly store: Store
  readonly bus: EventBus
  readonly server: RpcServer
  readonly log: Logger
  /** Services take a lease here while a restart would hurt (serving a request, inside a validator round). */
  readonly safetyGate: UpdateSafetyGate
  /** Models on disk and the loaded embedding model (the miner embeds through it). */
  readonly embedding: EmbeddingService
  /**
   * The chain of the network the user picked: `await engine.chain.client()` gives the live
   * ChainClient (connects on first use); `onClient` tells of network switches.
   */
  readonly chain: ChainService
  /** A typed client over the in-process transport (tests, CLI commands). */
  connectInproc(peer?: string): RpcClient
  dispose(): Promise<void>
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Seconds one miner gets for a subnet API request before the next one is tried. */
const SUBNET_API_MINER_TIMEOUT_S = 12

/**
 * The composition root of the engine. It reads top to bottom: the platform (store, events, log,
 * settings), then each service in the order they depend on each other, each registered once with
 * its handlers and how it stops; the RPC server comes last, over the finished handler table.
 */
export function createEngine(options: EngineOptions): Engine {
  const startedAt = Date.now()
  const registry = new ServiceRegistry()

  // Platform: the database, the event bus, the log and the settings.
  const store = Store.open(databasePath(options.home))
  const bus = new EventBus()
  const fire: EventSink['fire'] = (name, payload) => bus.fire(name, payload)
  let stopped = false
  const append = (level: LogLevel, source: string, message: string, fields: LogFields): LogEntry | undefined => {
    if (stopped) return undefined
    try {
      const entry = store.eventLog.append({ time: Date.now(), level, source, message, fields })
      options.mirror?.(entry)
      bus.fire('logs.appended', entry)
      return entry
    } catch (error) {
      // The log must never take the engine down (disk full, database closed during shutdown).
      process.stderr.write(`taodesk: could not write a log entry (${String(error)}): ${message}\n`)
      return undefined
    }
  }
  const log = createLogger(append, 'engine')
  registry.register('logs', { handlers: createLogsHandlers(store, log.child('logs'), (level, message, fields) => append(level, 'ui', message, fields)?.id ?? 0) })
  registry.register('metrics', { handlers: createMetricsHandlers(store) })
  const settingsChanged = new Emitter<Settings>()
  const settings = new SettingsService(store, log.child('settings'), (s) => {
    bus.fire('settings.changed', s)
    settingsChanged.fire(s)
  })
  registry.register('settings', { handlers: settings.handlers() })

  // Services, each after the ones it uses.
  const updater = createUpdaterDomain({
    home: options.home,
    version: options.version,
    headless: options.headless,
    log: log.child('updater'),
    settings: () => settings.get(),
    onStatus: (status) => bus.fire('updates.status', status),
    driver: options.updateDriver,
    shell: options.desktopShell,
  })
  registry.register('updater', { handlers: updater.handlers, dispose: () => updater.dispose() })
  settingsChanged.event((s) => updater.settingsChanged(s))

  const embedding = new EmbeddingService({
    home: options.home,
    log: log.child('models'),
    fire,
    hubEndpoint: process.env.HF_ENDPOINT?.trim() || undefined,
    hubToken: process.env.HF_TOKEN?.trim() || undefined,
  })
  registry.register('embedding', { handlers: embedding.handlers(), dispose: () => embedding.dispose() })

  // The wallet's money operations and the chain's registration and reveals need each other; the
  // wallet reaches the chain through this source, which the chain service fills in when built.
  const walletChain = new ChainForWallet()
  const wallet = new WalletService({
    store,
    log: log.child('wallet'),
    fire,
    chain: walletChain,
    vault: options.headless ? undefined : options.secretVault,
    directory: options.walletsDir,
  })
  registry.register('wallet', { handlers: wallet.handlers(), dispose: () => wallet.dispose() })

  const chain = new ChainService({
    store,
    log: log.child('chain'),
    fire,
    settings: () => settings.get(),
    updateSettings: (patch) => settings.update(patch),
    wallet,
    practice: options.practice,
  })
  walletChain.use(chain)
  registry.register('chain', { handlers: chain.handlers(), dispose: () => chain.dispose() })
  registry.register('subnet-creation', { handlers: createSubnetCreation({ chain, wallet, log: log.child('chain'), fire }) })
  settingsChanged.event((s) => chain.settingsChanged(s))

  // Tray state and OS notifications (shown by the Electron main process; `notifications` setting).
  const desktop = new DesktopPresenter({ settings: () => settings.get(), fire })
  registry.register('desktop', { handlers: desktop.handlers() })
  const selfScore = new SelfScoreService({ home: options.home, embedding, log: log.child('miner'), onProgress: (p) => bus.fire('miner.selfScoreProgress', p) })
  registry.register('self-score', { handlers: selfScoreHandlers(selfScore) })
  const miner = new MinerService({
    home: options.home,
    store,
    log: log.child('miner'),
    // An injected runtime (tests) is on no chain subnet, so there is nothing to check.
    checkSubnet: options.minerRuntime ? undefined : (p) => chain.checkSubnet(p),
    factory: options.minerRuntime ?? createMinerRuntimeFactory({ chain, wallet, embedding, safetyGate: updater.gate, log: log.child('miner') }),
    onStatus: (s) => {
      bus.fire('miner.status', s)
      desktop.minerStatus(s)
    },
    onRequest: (r) => bus.fire('miner.request', r),
    onRewards: (r) => {
      bus.fire('miner.rewards', r)
      desktop.rewards(r)
    },
    rewards: createChainRewardsFeedFactory({ chain, log: log.child('miner') }),
    notify: (n) => desktop.notify(n),
    scoreActiveModel: activeModelCheck(selfScore, embedding),
  })
  registry.register('miner', { handlers: miner.handlers(), dispose: () => miner.dispose() })

  // The validator signs with the wallet hotkey named in its settings, on the network the user picked.
  // Its API key and token live in <home>/secrets.json (0600), encrypted by the OS keychain in the desktop app.
  const validator = createValidatorDomain({
    store,
    log: log.child('validator'),
    bus,
    secrets: new FileSecretsStore(path.join(options.home, 'secrets.json'), options.headless ? undefined : options.secretVault, log.child('validator')),
    checkSubnet: options.validatorRuntime ? undefined : (p) => chain.checkSubnet(p),
    localBaselines: localBaselines(embedding),
    runtime: options.validatorRuntime ?? ((identity) => createValidatorRuntime({ chain, wallet, log: log.child('validator'), safetyGate: updater.gate, identity })),
  })
  registry.register('validator', validator)
  const validatorRuntime = validator.runtime
  if (validatorRuntime) {
    const watch = bus.onEvent((e) => e.name === 'chain.status' && validatorRuntime.onChainStatus())
    registry.register('validator-chain-watch', { dispose: () => watch.dispose() })
  }

  // The subnet API serves the miners the validator ranks, asked through the validator's dendrite.
  const apiMiners = minersForApi(validator)
  const subnetApi = new SubnetApiService({
    db: store.db,
    log: log.child('subnet-api'),
    fire,
    candidates: apiMiners.candidates,
    ask: (uid, texts, signal) => (signal.aborted ? Promise.reject(new Error('timed out')) : apiMiners.ask(uid, texts, SUBNET_API_MINER_TIMEOUT_S)),
  })
  registry.register('subnet-api', { handlers: subnetApi.handlers(), dispose: () => subnetApi.dispose() })
  void subnetApi.restore()

  // The engine itself: identity, health, retention.
  let connectedClients = 0
  const eventLoop = monitorEventLoopDelay({ resolution: 20 })
  eventLoop.enable()
  const health = (): EngineHealth => {
    const memory = process.memoryUsage()
    return {
      uptimeMs: Date.now() - startedAt,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      eventLoopLagMs: Number.isFinite(eventLoop.mean) ? eventLoop.mean / 1e6 : 0,
      connectedClients,
      diskFull: store.diskFull,
    }
  }
  store.diskFullChanged.event(() => bus.fire('app.health', health()))
  registry.register('app', {
    handlers: {
      'app.info': (_params, ctx: CallContext) => ({
        name: 'TaoDesk',
        version: options.version,
        platform: process.platform,
        arch: process.arch,
        nodeVersion: process.versions.node,
        home: options.home,
        databasePath: store.file,
        startedAt,
        pid: process.pid,
        transport: ctx.transport,
        headless: options.headless,
      }),
      'app.health': () => health(),
    },
  })
  const validatorHistory = new ValidatorTables(store.db)
  const applyRetention = (): void => {
    const days = settings.get().logRetentionDays
    const removed = store.eventLog.deleteOlderThan(Date.now() - days * DAY)
    store.timeSeries.deleteOlderThan(Date.now() - 365 * DAY)
    // Validator rounds (and, by cascade, their per-miner results) are kept a year, like the series.
    validatorHistory.deleteOlderThan(Date.now() - 365 * DAY)
    if (removed > 0) log.info('Old log entries removed', { removed, retentionDays: days })
  }
  applyRetention()
  const retentionTimer = setInterval(applyRetention, HOUR)
  retentionTimer.unref()
  const healthTimer = setInterval(() => {
    bus.fire('app.health', health())
    eventLoop.reset()
  }, options.healthIntervalMs ?? 5000)
  healthTimer.unref()

  // Last, the server over the finished table (a duplicate or missing method stops the start here).
  const server = new RpcServer({
    handlers: registry.handlers(),
    bus,
    onConnectionsChanged: (n) => (connectedClients = n),
    onInternalError: (method, error) => log.error(`Handler ${method} failed`, { error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  })

  embedding.restoreActive()
  log.info('Engine started', { version: options.version, home: options.home, headless: options.headless, pid: process.pid })

  return {
    home: options.home,
    store,
    bus,
    server,
    log,
    safetyGate: updater.gate,
    embedding,
    chain,
    connectInproc(peer = 'inproc') {
      const [engineEnd, clientEnd] = createInprocPair()
      server.connect(engineEnd, { transport: 'inproc', peer })
      return new RpcClient(clientEnd)
    },
    async dispose() {
      clearInterval(retentionTimer)
      clearInterval(healthTimer)
      eventLoop.disable()
      await registry.dispose((name, error) => log.error(`Stopping ${name} failed`, { error: String(error) }))
      log.info('Engine stopped')
      stopped = true
      settingsChanged.dispose()
      bus.dispose()
      store.close()
    },
  }
}
