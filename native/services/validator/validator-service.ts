/**
 * The validator: rounds of (metagraph → evaluation data → signed queries → InfoNCE scores →
 * rewards → moving averages → weights), with every round, result and weight attempt kept in SQLite.
 * Chain access and keys come through small interfaces so that the chain client and the wallet can
 * be plugged in (and doubled in tests).
 */
import { getRandomValues } from 'node:crypto'
import fs from 'node:fs'
import { Keyring } from '@polkadot/keyring'
import { u8aConcat, u8aToHex } from '@polkadot/util'
import { blake2AsU8a, cryptoWaitReady, decodeAddress, mnemonicGenerate } from '@polkadot/util-crypto'
import { EngineError } from '../../contract/errors'
import type { DashboardRound, LeaderboardEntry, RoundPhase, ValidatorConfig, ValidatorConfigPatch, ValidatorConfigView, ValidatorDashboard, ValidatorRound, ValidatorStatus, WeightRecord } from '../../contract/validator'
import { ValidatorConfig as ValidatorConfigSchema } from '../../contract/validator'
import type { Logger } from '../../platform/logging'
import { HfDatasetsSource, LocalCorpusSource, Rng, buildRoundData } from '../../protocols/text-embedding/data'
import type { ArticleSource, QuestionMaker } from '../../protocols/text-embedding/data'
import type { AxonTarget, QueryOutcome } from '../../bittensor/wire/v10'
import { minerQuery } from '../../protocols/text-embedding/miner-query'
import type { Signer } from '../../bittensor/keys/signer'
import { weightsForChain } from '../../bittensor/chain/weights'
import { ScoreBook, ScoringPool, computeRoundRewards } from '../../protocols/text-embedding/scoring'
import { spearman } from './consensus'
import type { AnswerScore, ScoreTask } from '../../protocols/text-embedding/scoring'
import { TEXT_EMBEDDING_SYNAPSE, readTextEmbeddingAnswer } from '../../protocols/text-embedding/synapse'
import type { ResultRow, RoundRow, ValidatorTables, WeightRow } from './validator-tables'
import { MemorySecretsStore } from './validator-secrets'
import { questionMakerFor } from './question-source'
import { BuiltinArticleSource, effectiveDataSource } from './builtin-articles'
import type { NetworkId } from '../../contract/chain'
import { RepeatedOutcomeLog } from './repeat-log'
import { RoundDashboard } from './round-dashboard'
import type { BaselineModel } from './round-baselines'
import { nextRound } from './round-rhythm'
import type { NextRound } from './round-rhythm'
import type { SecretsStore, ValidatorSecrets } from './validator-secrets'

export const SN5_DIMENSIONS = 1024

export interface MetagraphHyperparameters {
  readonly tempo: number
  readonly weightsRateLimit: number
  readonly weightsVersionKey: number
  readonly minAllowedWeights: number
  /** MaxWeightsLimit as a fraction (u16 / 65535). */
  readonly maxWeightLimit: number
  /** off: set_weights; hash: commit_weights/reveal_weights (CR v2); timelocked: CR v4 (drand). */
  readonly commitReveal: 'off' | 'hash' | 'timelocked'
  readonly revealPeriodEpochs: number
}

export interface MetagraphView {
  readonly netuid: number
  readonly block: number
  readonly hotkeys: readonly string[]
  readonly axons: ReadonlyArray<{ readonly ip: string; readonly port: number }>
  /** metagraph.S in token units. */
  readonly stake: readonly number[]
  readonly validatorPermit: readonly boolean[]
  /** Chain consensus per uid, 0..1 (empty when unknown). */
  readonly consensus: readonly number[]
  readonly lastUpdate: readonly number[]
  readonly hyperparameters: MetagraphHyperparameters
  /**
   * The subnet's epoch index when the metagraph was read (`SubnetEpochIndex`; the legacy epoch
   * number on older runtimes): commit-reveal windows are counted in it (network-2026 §3.1).
   */
  readonly epoch: number
}

export interface MetagraphSource {
  readonly label: string
  load(netuid: number): Promise<MetagraphView>
  /**
   * The chain's block now. A round takes minutes (questions, a 60 s query window), so weight
   * timing reads this instead of the block the metagraph was loaded at.
   */
  currentBlock?(): Promise<number>
}

export interface WeightTxResult {
  readonly ok: boolean
  readonly message: string
  readonly block?: number
}

/** Implemented by the chain client. */
export interface WeightSetter {
  setWeights(p: { netuid: number; uids: number[]; values: number[]; versionKey: number }): Promise<WeightTxResult>
  /** CR v2 commit. The weights, salt and version key come along so that a setter can keep them for its own reveal. */
  commitWeights?(p: { netuid: number; commitHash: `0x${string}`; uids?: number[]; values?: number[]; salt?: number[]; versionKey?: number }): Promise<WeightTxResult>
  revealWeights?(p: { netuid: number; uids: number[]; values: number[]; salt: number[]; versionKey: number }): Promise<WeightTxResult>
  /**
   * For setters that reveal by themselves (the engine's chain service reveals every block): what
   * became of a commit. The validator then only mirrors the outcome; "unknown" falls back to
   * revealing through `revealWeights` in the reveal epoch.
   */
  revealOutcome?(p: { netuid: number; uids: number[]; values: number[]; salt: number[]; versionKey: number }): Promise<{ state: 'pending' | 'revealed' | 'expired' | 'failed' | 'unknown'; message: string }>
}

export interface ValidatorServiceOptions {
  readonly tables: ValidatorTables
  readonly log: Logger
  readonly fire: {
    status(s: ValidatorStatus): void
    round(r: ValidatorRound): void
    /** A round's dashboard entry changed (optional: tests that do not watch the dashboard). */
    dashboard?(r: DashboardRound): void
  }
  /** The installed local models, as dashboard baselines. */
  readonly localBaselines?: () => BaselineModel[]
  /** The chain metagraph; when absent, only metagraph "file" works. */
  readonly chainMetagraph?: MetagraphSource
  readonly weightSetter?: WeightSetter
  /** The validator hotkey from the wallet; when absent a temporary hotkey is used (and said so). */
  readonly signer?: () => Promise<Signer | undefined>
  /** The wallet to sign with when the settings name none (the user's unlocked wallet). */
  readonly defaultWallet?: (hotkey: string) => string | undefined
  /** The network the chain side is on (the practice network's rounds use the built-in articles by default). */
  readonly network?: () => NetworkId | undefined
  /** Overrides for tests. */
  readonly articleSource?: (config: ValidatorConfig) => ArticleSource
  readonly questionMaker?: (config: ValidatorConfig) => QuestionMaker
  readonly seed?: number
  /** Scoring worker threads (default: one per core, at most 4). */
  readonly scoringWorkers?: number
  /** Where the LLM API key and the Hugging Face token live (default: this process's memory only). */
  readonly secrets?: SecretsStore
  /** How often the loop reads the chain's block while it waits for the next round (default 3 s). */
  readonly blockPollMs?: number
}

/** An empty URL is "not used"; anything else must parse. */
function checkUrl(url: string, what: string): void {
  if (!url) return
  try {
    new URL(url)
  } catch {
    throw new EngineError('INVALID_PARAMS', `"${url}" is not a valid URL for ${what} (example: https://api.openai.com/v1).`)
  }
}

/** SCALE helpers for the CR v2 commit hash (spec §6.5). */
function compactLen(n: number): Uint8Array {
  if (n < 64) return Uint8Array.of(n << 2)
  if (n < 16384) return Uint8Array.of(((n << 2) | 1) & 0xff, (n << 2) >> 8)
  throw new Error('vector too long for this encoder')
}
function u16Vec(v: readonly number[]): Uint8Array {
  const out = new Uint8Array(v.length * 2)
  v.forEach((x, i) => {
    out[2 * i] = x & 0xff
    out[2 * i + 1] = x >> 8
  })
  return u8aConcat(compactLen(v.length), out)
}
/**
 * The saved settings; a field that no longer passes the schema (say a wallet name saved before
 * names were checked) falls back to its default with a warning instead of stopping the engine.
 */
function loadConfig(saved: Record<string, unknown>, log: Logger): ValidatorConfig {
  const first = ValidatorConfigSchema.safeParse(saved)
  if (first.success) return first.data
  const bad = new Set(first.error.issues.map((i) => String(i.path[0])))
  log.warn('Saved validator settings had invalid fields; using their defaults', { fields: [...bad], problems: first.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) })
  return ValidatorConfigSchema.parse(Object.fromEntries(Object.entries(saved).filter(([k]) => !bad.has(k))))
}

export function commitHashV2(hotkey: string, netuid: number, uids: readonly number[], values: readonly number[], salt: readonly number[], versionKey: number): `0x${string}` {
  const u64 = new Uint8Array(8)
  new DataView(u64.buffer).setBigUint64(0, BigInt(versionKey), true)
  const data = u8aConcat(decodeAddress(hotkey), Uint8Array.of(netuid & 0xff, netuid >> 8), u16Vec(uids), u16Vec(values), u16Vec(salt), u64)
  return u8aToHex(blake2AsU8a(data, 256)) as `0x${string}`
}

/**
 * Blocks to wait between weight updates: the validator's setting, or (0, the default) the
 * subnet's own rhythm, once per epoch; never below the chain's WeightsSetRateLimit, which would
 * refuse a faster update anyway.
 */
export function weightsInterval(epochLength: number, hp: Pick<MetagraphHyperparameters, 'tempo' | 'weightsRateLimit'>): number {
  return Math.max(epochLength > 0 ? epochLength : hp.tempo, hp.weightsRateLimit)
}

/** Reads a targets file: [{hotkey, ip, port, stake?, validatorPermit?}] → a metagraph without a chain. */
export class FileMetagraph implements MetagraphSource {
  readonly label = 'file'
  constructor(private readonly file: string) {}

  async load(netuid: number): Promise<MetagraphView> {
    if (!this.file) throw new EngineError('BAD_REQUEST', 'No targets file is set. Choose a JSON file listing the axons to query, or use the chain metagraph.')
    let parsed: unknown
    try {
      parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'))
    } catch (error) {
      throw new EngineError('BAD_REQUEST', `Could not read the targets file ${this.file}: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (!Array.isArray(parsed) || parsed.length === 0) throw new EngineError('BAD_REQUEST', `The targets file ${this.file} must be a non-empty JSON array of {hotkey, ip, port}.`)
    const rows = parsed.map((r: unknown, i) => {
      const o = r as { hotkey?: unknown; ip?: unknown; port?: unknown; stake?: unknown; validatorPermit?: unknown }
      if (typeof o.hotkey !== 'string' || typeof o.ip !== 'string' || typeof o.port !== 'number') {
        throw new EngineError('BAD_REQUEST', `Entry ${i} of ${this.file} needs "hotkey" (string), "ip" (string) and "port" (number).`)
      }
      return { hotkey: o.hotkey, ip: o.ip, port: o.port, stake: typeof o.stake === 'number' ? o.stake : 0, permit: o.validatorPermit === true }
    })
    return {
      netuid,
      block: 0,
      hotkeys: rows.map((r) => r.hotkey),
      axons: rows.map((r) => ({ ip: r.ip, port: r.port })),
      stake: rows.map((r) => r.stake),
      validatorPermit: rows.map((r) => r.permit),
      consensus: [],
      lastUpdate: rows.map(() => 0),
      hyperparameters: { tempo: 360, weightsRateLimit: 100, weightsVersionKey: 0, minAllowedWeights: 1, maxWeightLimit: 1, commitReveal: 'off', revealPeriodEpochs: 1 },
      epoch: 0,
    }
  }
}

export class ValidatorService {
  private config: ValidatorConfig
  private secrets: ValidatorSecrets = {}
  private readonly secretsStore: SecretsStore
  /** Settles once the secrets are loaded (and moved out of the database, from older versions). */
  readonly secretsReady: Promise<void>
  private book: ScoreBook
  private running = false
  private loop: Promise<void> | undefined
  private abort: AbortController | undefined
  private roundInFlight: Promise<ValidatorRound> | undefined
  private phase: RoundPhase = 'idle'
  private progress = 0
  private detail = 'Stopped'
  private roundsCompleted = 0
  private currentRoundId: number | null = null
  private lastError: string | null = null
  private hotkey: string | null = null
  private hotkeyNote = 'No round has run yet.'
  private consensusCorrelation: number | null = null
  /** The block of our last weight extrinsic the chain accepted (not of a refused one). */
  private lastWeightsBlock = -Infinity
  /** Set by {@link chainReset}: the loop starts its next round at once. */
  private chainStartedOver = false
  private lastMetagraph: MetagraphView | undefined
  /** The block and tempo the current round started with (null: no metagraph was read). */
  private roundStart: { block: number; tempo: number } | null = null
  private readonly skippedWeightsLog: RepeatedOutcomeLog
  private readonly failedRoundsLog: RepeatedOutcomeLog
  private readonly rng: Rng
  private tempSigner: Signer | undefined
  private scoringPool: ScoringPool | undefined
  private readonly dashboardRounds: RoundDashboard

  constructor(private readonly o: ValidatorServiceOptions) {
    this.config = loadConfig(o.tables.getState<Record<string, unknown>>('config') ?? {}, o.log)
    this.secretsStore = o.secrets ?? new MemorySecretsStore()
    this.secretsReady = this.loadSecrets()
    const saved = o.tables.getState<{ hotkeys: string[]; scores: number[] }>('scores')
    this.book = new ScoreBook(saved?.hotkeys ?? [], saved?.scores, this.config.movingAverageAlpha)
    this.rng = new Rng(o.seed)
    this.dashboardRounds = new RoundDashboard({ tables: o.tables, log: o.log, fire: (r) => o.fire.dashboard?.(r), localModels: o.localBaselines })
    this.skippedWeightsLog = new RepeatedOutcomeLog('Weights not set', (m, f) => o.log.info(m, f))
    this.failedRoundsLog = new RepeatedOutcomeLog('Validator round failed', (m, f) => o.log.error(m, f))
    const interrupted = o.tables.failInterrupted(Date.now())
    if (interrupted > 0) o.log.warn('Rounds interrupted by the last shutdown were marked failed', { rounds: interrupted })
  }

  /**
   * Loads the secrets from their store. Older versions kept them as JSON in validator_state: move
   * them to the store, then delete the row (with SQLite's secure delete, so the bytes are
   * overwritten); a value already in the store wins. If the store cannot be written the row
   * stays, and the move is tried again at the next start.
   */
  private async loadSecrets(): Promise<void> {
    let loaded: ValidatorSecrets = {}
    try {
      loaded = await this.secretsStore.load()
    } catch (error) {
      this.o.log.error('Could not read the validator secrets; set the LLM API key and Hugging Face token again in the validator settings.', { error: String(error) })
    }
    const legacy = this.o.tables.getState<ValidatorSecrets>('secrets')
    if (legacy) {
      const merged: ValidatorSecrets = { llmApiKey: loaded.llmApiKey || legacy.llmApiKey || undefined, hfToken: loaded.hfToken || legacy.hfToken || undefined }
      try {
        await this.secretsStore.save(merged)
        this.o.tables.deleteStateSecurely('secrets')
        loaded = merged
        this.o.log.info('Moved the validator LLM API key and Hugging Face token out of the database', { where: this.secretsStore.where() })
      } catch (error) {
        this.o.log.error('Could not move the validator secrets out of the database; they stay there until the next start', { error: String(error) })
        loaded = merged
      }
    }
    this.secrets = loaded
  }

  /** The settings in effect: an unset wallet is the user's own (see {@link ValidatorServiceOptions.defaultWallet}). */
  getConfig(): ValidatorConfigView {
    const wallet = this.config.wallet || this.o.defaultWallet?.(this.config.hotkey) || ''
    return { ...this.config, wallet, llmApiKeySet: !!this.secrets.llmApiKey, hfTokenSet: !!this.secrets.hfToken, openAiApiKeySet: !!this.secrets.openAiApiKey, credentialsStorage: this.secretsStore.where() }
  }

  async updateConfig(patch: ValidatorConfigPatch): Promise<ValidatorConfigView> {
    const { llmApiKey, hfToken, openAiApiKey, ...rest } = patch
    const next = ValidatorConfigSchema.parse({ ...this.config, ...rest })
    checkUrl(next.llmBaseUrl, 'the question-generation endpoint')
    checkUrl(next.openAiBaseUrl, 'the OpenAI baseline embeddings')
    if (next.movingAverageAlpha !== this.config.movingAverageAlpha) this.book = new ScoreBook(this.book.hotkeys, this.book.scores(), next.movingAverageAlpha)
    this.config = next
    this.o.tables.setState('config', next)
    if (llmApiKey !== undefined || hfToken !== undefined || openAiApiKey !== undefined) {
      await this.secretsReady
      const secrets: ValidatorSecrets = { ...this.secrets }
      if (llmApiKey !== undefined) secrets.llmApiKey = llmApiKey || undefined
      if (hfToken !== undefined) secrets.hfToken = hfToken || undefined
      if (openAiApiKey !== undefined) secrets.openAiApiKey = openAiApiKey || undefined
      try {
        await this.secretsStore.save(secrets)
      } catch (error) {
        throw new EngineError('INTERNAL', `The other settings were saved, but the API key or token could not be stored (${error instanceof Error ? error.message : String(error)}). Check that TaoDesk can write its data folder, then enter it again.`)
      }
      this.secrets = secrets
    }
    this.o.log.info('Validator settings changed', { changed: Object.keys(rest), llmApiKeyChanged: llmApiKey !== undefined, hfTokenChanged: hfToken !== undefined, openAiApiKeyChanged: openAiApiKey !== undefined })
    return this.getConfig()
  }

  status(): ValidatorStatus {
    const last = this.o.tables.weights(1)[0]
    return {
      running: this.running,
      phase: this.phase,
      progress: this.progress,
      detail: this.detail,
      roundsCompleted: this.roundsCompleted,
      currentRoundId: this.currentRoundId,
      lastError: this.lastError,
      hotkey: this.hotkey,
      hotkeyNote: this.hotkeyNote,
      netuid: this.config.netuid,
      lastWeights: last ? toWeightRecord(last) : null,
      consensusCorrelation: this.consensusCorrelation,
    }
  }

  start(): ValidatorStatus {
    if (this.running) return this.status()
    this.running = true
    this.detail = 'Starting'
    this.o.log.info('Validator started', { netuid: this.config.netuid })
    this.loop = this.runLoop()
    this.emit()
    return this.status()
  }

  async stop(): Promise<ValidatorStatus> {
    if (!this.running) return this.status()
    this.running = false
    this.abort?.abort()
    await this.loop
    this.loop = undefined
    this.setPhase('idle', 0, 'Stopped')
    this.skippedWeightsLog.flush()
    this.failedRoundsLog.flush()
    this.o.log.info('Validator stopped')
    return this.status()
  }

  /**
   * The chain started over (new genesis, or its blocks went back): the weights sent, the commits
   * waiting for their reveal and the metagraph read all belong to the old chain. Forget them and
   * start the next round now, so that weights are set on the new chain.
   */
  chainReset(message: string): void {
    this.lastWeightsBlock = -Infinity
    this.lastMetagraph = undefined
    for (const c of this.o.tables.pendingCommits(this.config.netuid)) {
      this.o.tables.markRevealed(c.id)
      this.o.tables.recordWeights({ time: Date.now(), netuid: c.netuid, block: null, kind: 'reveal', status: 'failed', message: 'The chain started over; this commit belonged to the old chain and cannot be revealed.', uids: c.uids, values: c.values, salt: c.salt, versionKey: c.versionKey, commitEpoch: c.commitEpoch, spearman: null })
    }
    this.o.log.warn(`${message} The validator starts its next round on the new chain now.`, { netuid: this.config.netuid })
    this.skippedWeightsLog.flush()
    // A round or wait in progress is on the old chain.
    this.chainStartedOver = this.running
    if (this.running) this.abort?.abort()
    this.roundStart = null
  }

  async runOnce(): Promise<ValidatorRound> {
    if (this.running) throw new EngineError('BUSY', 'The validator loop is running. Stop it first, or wait for its next round.')
    if (this.roundInFlight) throw new EngineError('BUSY', 'A round is already running.')
    return this.round()
  }

  leaderboard(window: number): LeaderboardEntry[] {
    const rows = this.o.tables.leaderboard(window)
    const mg = this.lastMetagraph
    // Before the first round of this session, weights come from the saved moving averages.
    const weights = mg ? this.currentWeights(mg).normalized : this.book.size > 0 ? weightsForChain(this.book.scores(), { n: this.book.size, minAllowedWeights: 1, maxWeightLimit: 1 }).normalized : []
    return rows.map((r) => ({ ...r, weight: weights[r.uid] ?? 0, consensus: mg && mg.consensus.length > r.uid ? mg.consensus[r.uid] : null }))
  }

  /**
   * Asks one miner of the last round's metagraph for embeddings, on the round's wire and hotkey:
   * how the subnet API reaches the miners the leaderboard ranks.
   */
  async askMiner(uid: number, texts: readonly string[], timeoutS: number): Promise<unknown> {
    const mg = this.lastMetagraph
    const axon = mg?.axons[uid]
    if (!mg || !axon || !axon.ip || axon.ip === '0.0.0.0') throw new Error(`Miner ${uid} serves no axon the validator knows of; run a round first.`)
    const query = minerQuery(this.config.wire, { signer: await this.signer(), timeoutS, externalIp: this.config.externalIp })
    const [o] = await query([{ uid, hotkey: mg.hotkeys[uid]!, ip: axon.ip, port: axon.port }], { texts: [...texts], dimensions: SN5_DIMENSIONS, normalized: true })
    if (!o || o.status !== 200 || !o.body) throw new Error(o?.message || `Miner ${uid} did not answer.`)
    return readTextEmbeddingAnswer(JSON.parse(Buffer.from(o.body).toString('utf8')))
  }

  rounds(limit: number): ValidatorRound[] {
    return this.o.tables.rounds(limit).map(toRound)
  }

  miner(uid: number, limit: number) {
    return this.o.tables.minerHistory(uid, limit).map((r) => ({ ...r, loss: r.loss === null || !Number.isFinite(r.loss) ? null : r.loss }))
  }

  weightsHistory(limit: number): WeightRecord[] {
    return this.o.tables.weights(limit).map(toWeightRecord)
  }

  /** The subnet dashboard for the subnet in the settings. */
  dashboard(limit: number): ValidatorDashboard {
    return this.dashboardRounds.view(this.config.netuid, limit)
  }

  async dispose(): Promise<void> {
    await this.stop()
    await this.roundInFlight?.catch(() => undefined)
    await this.dashboardRounds.settle()
    await this.scoringPool?.close()
    this.scoringPool = undefined
  }

  /** Answers are parsed and scored in worker threads, started on first use. */
  private pool(): ScoringPool {
    this.scoringPool ??= new ScoringPool({ workers: this.o.scoringWorkers, onWarning: (m) => this.o.log.warn(m) })
    return this.scoringPool
  }

  private emit(): void {
    this.o.fire.status(this.status())
  }

  private setPhase(phase: RoundPhase, progress: number, detail: string): void {
    this.phase = phase
    this.progress = Math.max(0, Math.min(1, progress))
    this.detail = detail
    this.emit()
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.round()
      } catch {
        // round() records and reports its own failure
      }
      if (!this.running) break
      if (this.chainStartedOver) {
        this.chainStartedOver = false
        continue
      }
      const next = nextRound({ intervalS: this.config.intervalS, failed: this.lastError !== null, startBlock: this.roundStart?.block ?? null, tempo: this.roundStart?.tempo ?? null })
      await this.waitFor(next)
    }
  }

  /** Waits until the chain reaches the next round's block, or its time is up, or the loop stops. */
  private async waitFor(next: NextRound): Promise<void> {
    const ac = new AbortController()
    this.abort = ac
    const deadline = Date.now() + next.seconds * 1000
    const source = this.config.metagraph === 'chain' ? this.o.chainMetagraph : undefined
    const pollMs = this.o.blockPollMs ?? 3000
    const startBlock = this.roundStart?.block ?? 0
    this.setPhase('waiting', 0, next.atBlock !== null ? `Next round at block ${next.atBlock} (one epoch after the last)` : `Next round in ${Math.round(next.seconds)} s`)
    while (!ac.signal.aborted && Date.now() < deadline) {
      const step = next.atBlock !== null && source?.currentBlock ? Math.min(pollMs, deadline - Date.now()) : deadline - Date.now()
      await sleep(step, ac.signal)
      if (ac.signal.aborted || next.atBlock === null || !source?.currentBlock) continue
      const block = await source.currentBlock().catch(() => undefined)
      // A block below the round's start means the chain restarted: start over on the new one.
      if (block !== undefined && (block >= next.atBlock || block < startBlock)) return
    }
  }

  private async signer(): Promise<Signer> {
    const fromWallet = await this.o.signer?.().catch(() => undefined)
    if (fromWallet) {
      this.hotkeyNote = 'Signing with the wallet hotkey.'
      return fromWallet
    }
    if (!this.tempSigner) {
      await cryptoWaitReady()
      const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(mnemonicGenerate())
      this.tempSigner = pair
    }
    this.hotkeyNote = 'No unlocked wallet hotkey: signing with a temporary hotkey. Miners that only answer registered validators will reply 403, and weights cannot be set.'
    return this.tempSigner
  }

  private round(): Promise<ValidatorRound> {
    const p = this.doRound().finally(() => {
      this.roundInFlight = undefined
    })
    this.roundInFlight = p
    return p
  }

  private async doRound(): Promise<ValidatorRound> {
    await this.secretsReady
    const config = this.config
    const ac = new AbortController()
    this.abort = ac
    const startedAt = Date.now()
    this.lastError = null
    this.setPhase('metagraph', 0, 'Reading the metagraph')
    this.roundStart = null
    let roundId: number | undefined
    try {
      const source = config.metagraph === 'file' ? new FileMetagraph(config.targetsFile) : this.o.chainMetagraph
      if (!source) throw new EngineError('NOT_FOUND', 'The chain client is not available, so the metagraph cannot be read. Use metagraph "file" to query known axons, or connect to a network first.')
      const mg = await source.load(config.netuid)
      this.lastMetagraph = mg
      this.roundStart = { block: mg.block, tempo: mg.hyperparameters.tempo }
      roundId = this.o.tables.startRound({ startedAt, netuid: config.netuid, block: mg.block || null })
      this.currentRoundId = roundId
      const reset = this.book.resync(mg.hotkeys)
      if (reset.length) this.o.log.info('Scores reset for uids whose hotkey changed', { uids: reset })

      const signer = await this.signer()
      this.hotkey = signer.address
      const targets = this.chooseTargets(mg, signer.address)
      if (targets.length === 0) throw new EngineError('NOT_FOUND', 'No miner on this subnet serves an axon that can be queried.')

      this.setPhase('data', 0, 'Building the evaluation data')
      const data = await buildRoundData(this.articleSource(config), this.questionMaker(config), this.rng, {
        signal: ac.signal,
        onProgress: (done, total) => this.setPhase('data', done / total, `Questions ${done}/${total}`),
      })
      if (ac.signal.aborted) throw new Error('Round cancelled')

      this.setPhase('querying', 0, `Querying ${targets.length} miners with ${data.texts.length} texts`)
      // Bodies stay raw here: each answer goes to a scoring worker as soon as it arrives, so
      // scoring overlaps with waiting for slower miners and never blocks the engine.
      const queryMiners = minerQuery(config.wire, { signer, timeoutS: config.timeoutS, externalIp: config.externalIp })
      const task: ScoreTask = { textCount: data.texts.length, dimensions: SN5_DIMENSIONS, normalized: true, qIdx: data.qIdx, aIdx: data.aIdx }
      const scoring = new Map<number, Promise<ScoredOutcome>>()
      let answered = 0
      let scored = 0
      const queried = await queryMiners(targets, { texts: data.texts, dimensions: SN5_DIMENSIONS, normalized: true }, (o) => {
        answered++
        scoring.set(
          o.uid,
          this.scoreOutcome(o, task).then((r) => {
            scored++
            if (this.phase === 'scoring') this.setPhase('scoring', scored / targets.length, `Scored ${scored}/${targets.length}`)
            return r
          }),
        )
        this.setPhase('querying', answered / targets.length, `${answered}/${targets.length} miners answered`)
      })

      this.setPhase('scoring', scored / targets.length, `Scored ${scored}/${targets.length}`)
      const scoredOutcomes = await Promise.all(queried.map((o) => scoring.get(o.uid) ?? this.scoreOutcome(o, task)))
      const outcomes = scoredOutcomes.map((s) => s.outcome)
      const scores = scoredOutcomes.map((s) => s.score)
      const burn = { enabled: config.burnEnabled, hotkey: config.burnHotkey, percentage: config.burnPercentage }
      const rewards = computeRoundRewards(
        outcomes.map((o, i) => ({ uid: o.uid, score: scores[i].score })),
        burn,
        mg.hotkeys,
      )
      this.book.update(rewards.uids, rewards.rewards)
      this.o.tables.setState('scores', { hotkeys: this.book.hotkeys, scores: this.book.scores() })
      const rewardOf = new Map(rewards.uids.map((u, i) => [u, rewards.rewards[i]]))
      const now = Date.now()
      const rows: ResultRow[] = outcomes.map((o, i) => ({
        roundId: roundId as number,
        uid: o.uid,
        hotkey: o.hotkey,
        time: now,
        status: o.status,
        message: scores[i].valid || o.status !== 200 ? o.message : `Invalid answer: ${scores[i].detail ?? scores[i].invalidReason}`,
        latencyS: o.latencyS,
        score: scores[i].score,
        loss: scores[i].loss,
        top1: scores[i].top1,
        top3: scores[i].top3,
        reward: rewardOf.get(o.uid) ?? 0,
        movingAverage: this.book.get(o.uid),
        invalidReason: o.status === 200 ? (scores[i].invalidReason ?? null) : null,
      }))
      this.o.tables.recordResults(rows)

      this.setPhase('weights', 0, 'Weights')
      await this.maybeSetWeights({ ...mg, block: await this.blockNow(source, mg) }, signer)

      const answeredOk = outcomes.filter((o) => o.status === 200).length
      this.o.tables.finishRound(roundId, {
        status: 'done',
        finishedAt: Date.now(),
        source: data.provenance.source,
        description: data.provenance.description,
        questionMaker: data.provenance.questionMaker,
        pairs: data.pairs.length,
        droppedPairs: data.provenance.droppedPairs,
        queried: targets.length,
        answered: answeredOk,
        burn: rewards.burn,
        error: null,
      })
      this.roundsCompleted++
      this.failedRoundsLog.flush()
      this.o.log.info('Validator round done', { round: roundId, pairs: data.pairs.length, queried: targets.length, answered: answeredOk, data: data.provenance.description, burn: rewards.burn.reason })
      const summary = toRound(this.o.tables.rounds(1)[0])
      this.o.fire.round(summary)
      // After the weights, in the background: the baselines never hold up a round.
      this.dashboardRounds.afterRound(config.netuid, roundId, { texts: data.texts, qIdx: data.qIdx, aIdx: data.aIdx, dimensions: SN5_DIMENSIONS }, this.dashboardRounds.models(config, this.secrets.openAiApiKey), config.baselineTimeoutS)
      this.currentRoundId = null
      this.setPhase(this.running ? 'waiting' : 'idle', 0, `Round ${roundId} done: ${answeredOk}/${targets.length} miners answered`)
      return summary
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      this.lastError = message
      this.currentRoundId = null
      this.failedRoundsLog.note(message, { round: roundId, error: message })
      if (roundId === undefined) roundId = this.o.tables.startRound({ startedAt, netuid: config.netuid, block: null })
      this.o.tables.finishRound(roundId, { status: 'failed', finishedAt: Date.now(), error: message })
      const summary = toRound(this.o.tables.rounds(1)[0])
      this.o.fire.round(summary)
      this.setPhase(this.running ? 'waiting' : 'idle', 0, `Round failed: ${message}`)
      if (error instanceof EngineError) throw error
      throw new EngineError('INTERNAL', `The round failed: ${message}`)
    }
  }

  /**
   * Parses and scores one answer in a worker. A body that is not JSON, or not a
   * TextEmbeddingSynapse, becomes the 422 the dendrite would have reported.
   */
  private async scoreOutcome(o: QueryOutcome, task: ScoreTask): Promise<ScoredOutcome> {
    const unscored: AnswerScore = { valid: false, score: 0, loss: NaN, top1: 0, top3: 0 }
    const body = o.body
    const outcome: QueryOutcome = { ...o, body: undefined }
    if (o.status !== 200 || !body) return { outcome, score: unscored }
    try {
      const r = await this.pool().score(body, task)
      if (r.parse === 'unparsable') return { outcome: { ...outcome, status: 422, message: 'Failed to parse response' }, score: unscored }
      if (r.parse === 'not-synapse') return { outcome: { ...outcome, status: 422, message: `Failed to parse response (not a ${TEXT_EMBEDDING_SYNAPSE})` }, score: unscored }
      return { outcome, score: r.score }
    } catch (error) {
      const message = `Could not score the answer: ${error instanceof Error ? error.message : String(error)}`
      this.o.log.error('Scoring failed', { uid: o.uid, error: message })
      return { outcome: { ...outcome, status: 500, message }, score: unscored }
    }
  }

  private chooseTargets(mg: MetagraphView, self: string): AxonTarget[] {
    void self // the reference validator does not exclude itself
    const burnerUid = this.config.burnEnabled ? mg.hotkeys.indexOf(this.config.burnHotkey) : -1
    const available: number[] = []
    mg.hotkeys.forEach((hk, uid) => {
      const axon = mg.axons[uid]
      if (!axon || axon.ip === '0.0.0.0' || !axon.ip) return
      if (mg.validatorPermit[uid] && (mg.stake[uid] ?? 0) > this.config.vpermitTaoLimit) return
      if (uid === burnerUid) return
      available.push(uid)
    })
    return this.rng.sample(available, this.config.sampleSize).map((uid) => ({ uid, hotkey: mg.hotkeys[uid], ip: mg.axons[uid].ip, port: mg.axons[uid].port }))
  }

  private articleSource(config: ValidatorConfig): ArticleSource {
    if (this.o.articleSource) return this.o.articleSource(config)
    const dataSource = effectiveDataSource(config.dataSource, this.o.network?.())
    if (dataSource === 'builtin') return new BuiltinArticleSource()
    if (dataSource === 'local') {
      if (!config.corpusPath) throw new EngineError('BAD_REQUEST', 'Data source "local" needs a corpus: a JSONL file or a folder of .txt/.md files.')
      return new LocalCorpusSource(config.corpusPath)
    }
    return new HfDatasetsSource({ baseUrl: config.datasetsServerUrl, token: this.secrets.hfToken })
  }

  private questionMaker(config: ValidatorConfig): QuestionMaker {
    return this.o.questionMaker ? this.o.questionMaker(config) : questionMakerFor(config, this.secrets.llmApiKey)
  }

  /** The current block for weight timing; the metagraph's own block if the source cannot say. */
  private async blockNow(source: MetagraphSource, mg: MetagraphView): Promise<number> {
    if (!source.currentBlock) return mg.block
    try {
      return Math.max(mg.block, await source.currentBlock())
    } catch (error) {
      this.o.log.warn('Could not read the current block; weight timing uses the block of the round start', { block: mg.block, error: error instanceof Error ? error.message : String(error) })
      return mg.block
    }
  }

  private currentWeights(mg: MetagraphView) {
    return weightsForChain(this.book.scores(), { n: mg.hotkeys.length, minAllowedWeights: mg.hyperparameters.minAllowedWeights, maxWeightLimit: mg.hyperparameters.maxWeightLimit })
  }

  private async maybeSetWeights(mg: MetagraphView, signer: Signer): Promise<void> {
    const config = this.config
    const hp = mg.hyperparameters
    const w = this.currentWeights(mg)
    const rho = mg.consensus.length === w.normalized.length ? spearman(w.normalized, mg.consensus) : NaN
    this.consensusCorrelation = Number.isFinite(rho) ? rho : null
    const base = { time: Date.now(), netuid: config.netuid, block: mg.block || null, uids: w.uids, values: w.values, salt: null, versionKey: config.versionKey, commitEpoch: null, spearman: this.consensusCorrelation }
    const skip = (message: string) => {
      this.o.tables.recordWeights({ ...base, kind: 'skipped', status: 'skipped', message })
      this.skippedWeightsLog.note(message, { reason: message })
    }
    if (!config.setWeights) return skip('Weight setting is turned off in the validator settings.')
    if (config.metagraph === 'file') return skip('Metagraph from a file: there is no chain to set weights on.')
    if (!this.o.weightSetter) return skip('The chain client is not connected, so weights cannot be set.')
    const myUid = mg.hotkeys.indexOf(signer.address)
    if (myUid < 0) return skip(`The hotkey ${signer.address} is not registered on subnet ${config.netuid}; register it before setting weights.`)
    if (hp.weightsVersionKey > config.versionKey) {
      return skip(`The subnet requires weights version key ≥ ${hp.weightsVersionKey}, but this validator sends ${config.versionKey}. Update TaoDesk (or the version key in settings) to match the subnet's current validator release.`)
    }
    // Reveal due CR v2 commits first (a reveal is not rate limited like a commit).
    if (hp.commitReveal === 'hash') await this.revealDue(mg)
    const since = mg.block - (mg.lastUpdate[myUid] ?? 0)
    const wait = weightsInterval(config.epochLength, hp)
    if (since <= wait) return skip(`Too soon: ${since} blocks since the last weight update; waiting for more than ${wait} blocks (${config.epochLength > 0 ? `blocks between weights ${config.epochLength}` : `the subnet's tempo ${hp.tempo}`}, chain rate limit ${hp.weightsRateLimit}).`)
    // A chain that restarted counts its blocks from 0 again: what was sent to the old one is gone.
    if (mg.block < this.lastWeightsBlock) this.lastWeightsBlock = -Infinity
    if (mg.block - this.lastWeightsBlock <= wait) return skip(`Weights were already sent at block ${this.lastWeightsBlock}; waiting for the chain to record them.`)
    if (w.uids.length === 0) return skip('All weights are zero; nothing to send.')
    if (hp.commitReveal === 'timelocked') {
      return this.recordAttempt(base, 'skipped', {
        ok: false,
        message:
          'This subnet requires timelocked commit-reveal (CR v4, drand). TaoDesk does not support it yet, so weights were not set. Scores and the leaderboard keep updating.',
      })
    }
    if (hp.commitReveal === 'hash') {
      if (!this.o.weightSetter.commitWeights) return skip('The subnet uses commit-reveal, and the connected chain client cannot commit weights.')
      // The salt hides the weights until the reveal: OS randomness, never the seeded sampling PRNG
      // (its draws follow from which miners were queried, which anyone can observe).
      const salt = Array.from(getRandomValues(new Uint16Array(8)))
      const hash = commitHashV2(signer.address, config.netuid, w.uids, w.values, salt, config.versionKey)
      const r = await this.o.weightSetter.commitWeights({ netuid: config.netuid, commitHash: hash, uids: w.uids, values: w.values, salt, versionKey: config.versionKey }).catch((e: unknown) => ({ ok: false, message: String(e) }))
      if (r.ok) this.lastWeightsBlock = mg.block
      this.skippedWeightsLog.flush()
      const commitEpoch = mg.epoch
      this.o.tables.recordWeights({ ...base, salt, commitEpoch, kind: 'commit', status: r.ok ? 'ok' : 'failed', message: r.ok ? `Committed weights (reveal in epoch ${commitEpoch + hp.revealPeriodEpochs}). ${r.message}` : r.message })
      this.o.log.info(r.ok ? 'Weights committed' : 'Weight commit failed', { message: r.message, uids: w.uids.length })
      return
    }
    const r = await this.o.weightSetter.setWeights({ netuid: config.netuid, uids: w.uids, values: w.values, versionKey: config.versionKey }).catch((e: unknown) => ({ ok: false, message: String(e) }))
    // Only an accepted extrinsic starts the wait for the chain to record it; a refused one
    // (no validator permit, rate limit) is retried at the next round.
    if (r.ok) this.lastWeightsBlock = mg.block
    this.recordAttempt(base, 'set', r)
  }

  private recordAttempt(base: Omit<WeightRow, 'id' | 'revealed' | 'kind' | 'status' | 'message'>, kind: 'set' | 'skipped', r: WeightTxResult): void {
    this.skippedWeightsLog.flush()
    this.o.tables.recordWeights({ ...base, kind, status: kind === 'skipped' ? 'skipped' : r.ok ? 'ok' : 'failed', message: r.message })
    this.o.log[r.ok ? 'info' : 'warn'](r.ok ? 'Weights set' : 'Weights not set', { message: r.message, uids: base.uids.length })
  }

  private async revealDue(mg: MetagraphView): Promise<void> {
    const setter = this.o.weightSetter
    if (!setter?.revealWeights && !setter?.revealOutcome) return
    const epoch = mg.epoch
    for (const c of this.o.tables.pendingCommits(mg.netuid)) {
      if (c.commitEpoch === null || c.salt === null) continue
      if (setter.revealOutcome) {
        const known = await setter.revealOutcome({ netuid: mg.netuid, uids: c.uids, values: c.values, salt: c.salt, versionKey: c.versionKey }).catch(() => ({ state: 'unknown' as const, message: '' }))
        if (known.state === 'pending') continue
        if (known.state !== 'unknown') {
          this.o.tables.markRevealed(c.id)
          this.o.tables.recordWeights({ time: Date.now(), netuid: mg.netuid, block: mg.block, kind: 'reveal', status: known.state === 'revealed' ? 'ok' : 'failed', message: known.message, uids: c.uids, values: c.values, salt: c.salt, versionKey: c.versionKey, commitEpoch: c.commitEpoch, spearman: null })
          continue
        }
      }
      if (!setter.revealWeights) continue
      const due = c.commitEpoch + mg.hyperparameters.revealPeriodEpochs
      if (epoch < due) continue
      if (epoch > due) {
        this.o.tables.markRevealed(c.id)
        this.o.tables.recordWeights({ time: Date.now(), netuid: mg.netuid, block: mg.block, kind: 'reveal', status: 'failed', message: `Commit ${c.id} expired (reveal epoch ${due} passed).`, uids: c.uids, values: c.values, salt: c.salt, versionKey: c.versionKey, commitEpoch: c.commitEpoch, spearman: null })
        continue
      }
      const r = await setter.revealWeights({ netuid: mg.netuid, uids: c.uids, values: c.values, salt: c.salt, versionKey: c.versionKey }).catch((e: unknown) => ({ ok: false, message: String(e) }))
      if (r.ok) this.o.tables.markRevealed(c.id)
      this.o.tables.recordWeights({ time: Date.now(), netuid: mg.netuid, block: mg.block, kind: 'reveal', status: r.ok ? 'ok' : 'failed', message: r.message, uids: c.uids, values: c.values, salt: c.salt, versionKey: c.versionKey, commitEpoch: c.commitEpoch, spearman: null })
    }
  }
}

interface ScoredOutcome {
  readonly outcome: QueryOutcome
  readonly score: AnswerScore
}

function toRound(r: RoundRow): ValidatorRound {
  return { ...r }
}

function toWeightRecord(w: WeightRow): WeightRecord {
  return { id: w.id, time: w.time, netuid: w.netuid, block: w.block, kind: w.kind, status: w.status, message: w.message, uids: w.uids, values: w.values, versionKey: w.versionKey, commitEpoch: w.commitEpoch, revealed: w.revealed, spearman: w.spearman }
}

/** Resolves after `ms`, or at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(done, Math.max(0, ms))
    function done() {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}
