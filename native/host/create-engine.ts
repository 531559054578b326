import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ChainService } from '../services/chain/chain-service'
import type { PracticeOptions } from '../services/chain/practice'
import type { CallContext, EngineHealth, EventPayload, Handlers, LogEntry, LogFields, LogLevel } from '../contract'
import { EmbeddingService } from '../services/embedding/service'
import { createLogger, createLogsHandlers } from '../platform/logging'
import type { Logger } from '../platform/logging'
import { createMetricsHandlers } from '../platform/metrics'
import { DesktopPresenter } from '../services/miner/desktop'
import { MinerService } from '../services/miner/miner-service'
import { createChainRewardsFeedFactory } from '../services/miner/rewards'
import { SelfScoreService, activeModelCheck, selfScoreHandlers } from '../services/miner/selfscore'
import { createMinerRuntimeFactory } from '../services/miner/runtime/miner-runtime'
import type { MinerRuntimeFactory } from '../services/miner/miner-service'
import { EventBus, RpcClient, RpcServer, createInprocPair } from '../rpc'
import { SettingsService } from '../platform/settings'
import { Store } from '../platform/store'
import { WalletService, chainClientPort } from '../services/wallet'
import type { SecretVault, WalletChainPort } from '../services/wallet'
import { createUpdaterDomain } from '../services/updater'
import type { DesktopShell, UpdateDriver, UpdateSafetyGate } from '../services/updater'
import { createValidatorDomain } from '../services/validator/validator-handlers'
import { ValidatorTables } from '../services/validator/validator-tables'
import { FileSecretsStore } from '../services/validator/validator-secrets'
import type { ValidatorRuntime } from '../services/validator/validator-handlers'
import { createValidatorRuntime } from '../services/validator/runtime/validator-runtime'
import { databasePath } from './paths'

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

/** The composition root of the engine: every domain service is built and wired here. */
export function createEngine(options: EngineOptions): Engine {
  const startedAt = Date.now()
  const store = Store.open(databasePath(options.home))
  const bus = new EventBus()
  let disposed = false

  const append = (level: LogLevel, source: string, message: string, fields: LogFields): LogEntry | undefined => {
    if (disposed) return undefined
    try {
      const entry = store.eventLog.append({ time: Date.now(), level, source, message, fields })
      options.mirror?.(entry)
      if (bus) bus.fire('logs.appended', entry)
      return entry
    } catch (error) {
      // The log must never take the engine down (disk full, database closed during shutdown).
      process.stderr.write(`taodesk: could not write a log entry (${String(error)}): ${message}\n`)
      return undefined
    }
  }
  const log = createLogger(append, 'engine')

  const settings = new SettingsService(store, log.child('settings'), (s) => {
    bus.fire('settings.changed', s)
    updater.settingsChanged(s)
    chain.settingsChanged(s)
  })
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

  const embedding = new EmbeddingService({
    home: options.home,
    log: log.child('models'),
    fire: (name, payload) => bus.fire(name, payload),
    hubEndpoint: process.env.HF_ENDPOINT?.trim() || undefined,
    hubToken: process.env.HF_TOKEN?.trim() || undefined,
  })

  const wallet: WalletService = new WalletService({
    store,
    log: log.child('wallet'),
    fire: (name, payload) => bus.fire(name, payload),
    // Balances, stake, transfers and staking use the network the user picked (ChainService).
    chain: { port: async (): Promise<WalletChainPort> => chainClientPort(await chain.client()) },
    vault: options.headless ? undefined : options.secretVault,
  })

  const chain = new ChainService({
    store,
    log: log.child('chain'),
    fire: (name, payload) => bus.fire(name, payload),
    settings: () => settings.get(),
    updateSettings: (patch) => settings.update(patch),
    wallet,
    practice: options.practice,
  })

  const miner = new MinerService({
    home: options.home,
    store,
    log: log.child('miner'),
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
    scoreActiveModel: () => activeModelCheck(selfScore, embedding)(),
  })
  const selfScore = new SelfScoreService({ home: options.home, embedding, log: log.child('miner'), onProgress: (p) => bus.fire('miner.selfScoreProgress', p) })
  // Tray state and OS notifications (shown by the Electron main process; `notifications` setting).
  const desktop = new DesktopPresenter({ settings: () => settings.get(), fire: (name, payload) => bus.fire(name, payload) })

  const eventLoop = monitorEventLoopDelay({ resolution: 20 })
  eventLoop.enable()
  const health = (): EngineHealth => {
    const memory = process.memoryUsage()
    return {
      uptimeMs: Date.now() - startedAt,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      eventLoopLagMs: Number.isFinite(eventLoop.mean) ? eventLoop.mean / 1e6 : 0,
      connectedClients: server.connectionCount,
    }
  }

  // The validator signs with the wallet hotkey named in its settings, on the network the user picked.
  const chainValidator = options.validatorRuntime
    ? undefined
    : createValidatorRuntime({ chain, wallet, log: log.child('validator'), safetyGate: updater.gate, identity: () => validator.service.getConfig() })
  // The validator's API key and token: <home>/secrets.json (0600), encrypted by the OS keychain in the desktop app.
  const validatorSecrets = new FileSecretsStore(path.join(options.home, 'secrets.json'), options.headless ? undefined : options.secretVault, log.child('validator'))
  const validator = createValidatorDomain({ store, log: log.child('validator'), bus, runtime: options.validatorRuntime ?? chainValidator, secrets: validatorSecrets })
  // Rounds in progress hold an update lease (native/updater/gate.ts).
  const validatorLeases =
    chainValidator &&
    bus.onEvent((e) => {
      if (e.name === 'validator.status') chainValidator.onStatus(e.payload as EventPayload<'validator.status'>)
      else if (e.name === 'chain.status') chainValidator.onChainStatus()
    })

  const handlers: Handlers = {
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
    ...createLogsHandlers(store, log.child('logs'), (level, message, fields) => append(level, 'ui', message, fields)?.id ?? 0),
    ...settings.handlers(),
    ...createMetricsHandlers(store),
    ...wallet.handlers(),
    ...miner.handlers(),
    ...desktop.handlers(),
    ...selfScoreHandlers(selfScore),
    ...updater.handlers,
    ...validator.handlers,
    ...embedding.handlers(),
    ...chain.handlers(),
  }

  const server: RpcServer = new RpcServer({
    handlers,
    bus,
    onInternalError: (method, error) => log.error(`Handler ${method} failed`, { error: error instanceof Error ? error.stack ?? error.message : String(error) }),
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
      await miner.dispose()
      await validator.service.dispose()
      validatorLeases?.dispose()
      chainValidator?.dispose()
      await embedding.dispose()
      await chain.dispose()
      wallet.dispose()
      updater.dispose()
      log.info('Engine stopped')
      disposed = true
      bus.dispose()
      store.close()
    },
  }
}
