import fs from 'node:fs'
import path from 'node:path'
import type { BenchReport, DownloadProgress, EventName, QuantizeReport, EventPayload, Handlers, InferenceEndpoint, InferenceEndpointStatus, ModelRow, ProviderPreference, RuntimeStatus } from '../../contract'
import { InferenceSettings } from '../../contract'
import { EngineError } from '../../contract/errors'
import type { Logger } from '../../platform/logging'
import type { CatalogEntry } from './models/catalog'
import { CATALOG } from './models/catalog'
import { DEFAULT_HUB_ENDPOINT, HubClient } from './models/hub-client'
import type { Manifest } from './models/model-manager'
import { ModelManager, fp16OnnxPath, hasFp16 } from './models/model-manager'
import type { EmbedOptions, EmbedResult, EmbedderOptions } from './runtime/embedder'
import { Embedder } from './runtime/embedder'
import { cosine } from './runtime/pooling'
import { cudaDeviceIds, wantsFp16Copy } from './runtime/device-plan'
import { PROVIDER_LABELS, detectEnvironment } from './runtime/providers'
import { sampleTexts } from './runtime/sample-texts'
import { WordPieceTokenizer } from './tokenizer/wordpiece'
import type { MinerInference } from './pool/miner-inference'
import { createMinerInference, poolMembers } from './pool/miner-inference'
import { InferencePool } from './pool/inference-pool'
import { EndpointFailure } from './pool/http-json'
import { quantizeInstalled } from './quantize/quantize-installed'
import { GpuRuntime } from './gpu/gpu-runtime'
import type { GpuProbeEnvironment } from './gpu/detect'

export const VALIDATOR_TIMEOUT_S = 60
export const VALIDATOR_BATCH = 512

export interface EmbeddingServiceOptions {
  readonly home: string
  readonly log: Logger
  readonly fire: <E extends EventName>(name: E, payload: EventPayload<E>) => void
  readonly hubEndpoint?: string
  readonly hubToken?: string
  readonly catalog?: readonly CatalogEntry[]
  /** Overrides for every model load (tests: fewer threads, a fake probe environment). */
  readonly embedder?: Partial<EmbedderOptions>
  /** Tests: a fake machine for GPU detection (nvidia-smi, libraries). */
  readonly gpuProbe?: Partial<GpuProbeEnvironment>
}

/** An endpoint the user configured wrongly (e.g. its API key variable is unset) is a request error with the plain reason. */
async function userError<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof EndpointFailure) throw new EngineError('BAD_REQUEST', error.message)
    throw error
  }
}

type ModelHandlers = Pick<Handlers, Extract<keyof Handlers, `models.${string}` | `inference.${string}`>>

/** Models on disk plus the loaded model: what the UI, CLI and miner use for embeddings. */
export class EmbeddingService {
  readonly models: ModelManager
  private embedder: Embedder | null = null
  private state: RuntimeStatus['state'] = 'none'
  private loadingId: string | null = null
  private error: string | null = null
  private loadChain: Promise<unknown> = Promise.resolve()
  private readonly downloads = new Map<string, AbortController>()
  private readonly runtimeFile: string
  private readonly inferenceFile: string
  readonly gpu: GpuRuntime

  constructor(private readonly options: EmbeddingServiceOptions) {
    const dir = path.join(options.home, 'models')
    const hub = new HubClient({ endpoint: options.hubEndpoint ?? DEFAULT_HUB_ENDPOINT, token: options.hubToken })
    this.models = new ModelManager(dir, hub, options.catalog ?? CATALOG)
    this.runtimeFile = path.join(dir, 'runtime.json')
    this.inferenceFile = path.join(options.home, 'inference.json')
    this.gpu = new GpuRuntime({ dir: path.join(options.home, 'gpu-runtime'), log: options.log, onProgress: (p) => options.fire('models.gpuProgress', p), probe: options.gpuProbe })
  }

  /** The saved inference endpoints (Miner page); none by default. */
  inferenceSettings(): InferenceSettings {
    try {
      const parsed = InferenceSettings.safeParse(JSON.parse(fs.readFileSync(this.inferenceFile, 'utf8')))
      if (parsed.success) return parsed.data
      this.options.log.warn('The saved inference endpoints are not valid and are ignored', { file: this.inferenceFile, problem: parsed.error.issues[0]?.message })
    } catch {
      // Never saved.
    }
    return { endpoints: [], local: true }
  }

  saveInferenceSettings(settings: InferenceSettings): InferenceSettings {
    fs.mkdirSync(path.dirname(this.inferenceFile), { recursive: true })
    fs.writeFileSync(this.inferenceFile, JSON.stringify(settings, null, 2))
    return settings
  }

  /** Health-checks endpoints once, without saving them (the Miner page's "Check" button). */
  async checkEndpoints(endpoints: readonly InferenceEndpoint[]): Promise<InferenceEndpointStatus[]> {
    const pool = await userError(() => new InferencePool({ members: poolMembers({ endpoints: [...endpoints], local: false }, undefined) }))
    await pool.checkHealth()
    return pool.status()
  }

  /** The miner's inference choice: given endpoints (e.g. `--endpoint`) or the saved ones; the local model alone when there are none. */
  resolveInference(choice: { endpoints?: readonly InferenceEndpoint[]; local?: boolean } = {}): InferenceSettings & { usesLocalModel: boolean } {
    const saved = this.inferenceSettings()
    const endpoints = [...(choice.endpoints ?? saved.endpoints)]
    const local = choice.local ?? saved.local
    return { endpoints, local, usesLocalModel: endpoints.length === 0 || local }
  }

  /** What the miner embeds with (see resolveInference); endpoints are health-checked before this resolves. */
  async minerInference(settings: InferenceSettings): Promise<MinerInference> {
    const local = {
      embedder: this.minerEmbedder(),
      problem: (): string | null => (this.embedder ? null : this.state === 'loading' ? 'the local model is still loading' : 'no local model is loaded'),
    }
    return userError(() => createMinerInference(settings, local, { onWarning: (message, fields) => this.options.log.warn(message, fields) }))
  }

  providerPreference(): ProviderPreference {
    return this.runtimeSettings().provider ?? 'auto'
  }

  /** runtime.json: the provider chosen last, and `fp16: false` to keep fp32 on the GPU (default: fp16 where there is a copy). */
  private runtimeSettings(): { provider?: ProviderPreference; fp16?: boolean } {
    try {
      return JSON.parse(fs.readFileSync(this.runtimeFile, 'utf8')) as { provider?: ProviderPreference; fp16?: boolean }
    } catch {
      return {}
    }
  }

  /** The GPU side of loading a model: its fp16 copy if installed, and one CUDA session per GPU. */
  private async gpuOptions(m: Manifest, preference: ProviderPreference): Promise<Partial<EmbedderOptions>> {
    // An int8 copy is the CPU's model: never swap it for an fp16 file on the GPU.
    if (preference === 'cpu' || m.quantizedFrom !== undefined || !detectEnvironment().nvidiaGpu) return {}
    const fp16File = path.join(this.models.folder(m.id), fp16OnnxPath(m.onnxPath))
    const gpus = (await this.gpu.status()).gpus.length
    return { fp16File: fs.existsSync(fp16File) ? fp16File : null, preferFp16: this.runtimeSettings().fp16 ?? true, cudaDevices: cudaDeviceIds(gpus, process.env.CUDA_VISIBLE_DEVICES) }
  }

  status(): RuntimeStatus {
    const e = this.embedder
    return {
      state: this.state,
      modelId: this.loadingId ?? this.models.active(),
      provider: e?.provider ?? null,
      providerPreference: this.providerPreference(),
      attempts: (e?.attempts ?? []).map((a) => ({ provider: a.provider, label: PROVIDER_LABELS[a.provider], used: a.used, reason: a.reason })),
      dimension: e?.dimension ?? null,
      threads: e?.threads ?? null,
      workers: e?.workers ?? null,
      error: this.error,
    }
  }

  private changed(): void {
    this.options.fire('models.changed', this.status())
  }

  list(): { models: ModelRow[]; active: string | null } {
    const active = this.models.active()
    const installed = new Map(this.models.installed().map((m) => [m.id, m]))
    const rows: ModelRow[] = this.models.catalog.map((e) => ({
      id: e.id,
      source: 'catalog',
      repo: e.repo,
      description: e.description,
      dimension: e.dimension,
      pooling: e.pooling,
      maxLength: e.maxLength,
      sizeBytes: e.sizeBytes,
      license: e.license,
      matryoshka: e.matryoshkaDims !== null,
      installed: installed.has(e.id),
      downloading: this.models.isDownloading(e.id),
      partialBytes: this.models.partialBytes(e.id),
      active: active === e.id,
      fp16: installedFp16(installed.get(e.id)),
    }))
    for (const m of installed.values()) if (m.source === 'import' && m.quantizedFrom === undefined) rows.push(this.importedRow(m, active))
    for (const m of installed.values()) if (m.quantizedFrom !== undefined) rows.push(this.importedRow(m, active))
    return { models: rows, active }
  }

  private importedRow(m: Manifest, active: string | null): ModelRow {
    const int8 = m.quantizedFrom !== undefined
    return {
      id: m.id,
      source: int8 ? 'int8' : 'import',
      repo: null,
      description: int8 ? `int8 copy of ${m.quantizedFrom} (dynamic quantization of its matrix weights; faster on CPUs).` : 'Imported from a local folder.',
      ...(int8 ? { quantizedFrom: m.quantizedFrom, quality: m.quality ?? null } : {}),
      dimension: m.dimension,
      pooling: m.pooling,
      maxLength: m.maxLength,
      sizeBytes: m.files.reduce((n, f) => n + f.size, 0),
      license: null,
      matryoshka: false,
      installed: true,
      downloading: false,
      partialBytes: 0,
      active: active === m.id,
    }
  }

  /** Starts a download in the background (the model, or `fp16` alone for an installed one); progress and the end arrive as events. */
  startDownload(id: string, what: 'model' | 'fp16' = 'model'): { id: string; started: boolean } {
    if (this.downloads.has(id)) return { id, started: false }
    if (!this.models.catalog.some((e) => e.id === id)) throw new EngineError('NOT_FOUND', `"${id}" is not in the model catalog.`)
    const controller = new AbortController()
    this.downloads.set(id, controller)
    void (what === 'fp16' ? this.downloadFp16(id, controller.signal) : this.download(id, controller.signal))
      .catch(() => undefined)
      .finally(() => this.downloads.delete(id))
    return { id, started: true }
  }

  /** Whether downloads bring fp16 copies: CUDA will run them here (device-plan.ts wantsFp16Copy). */
  async fp16Wanted(): Promise<boolean> {
    return wantsFp16Copy(await this.gpu.status(), this.providerPreference(), this.runtimeSettings().fp16 ?? true)
  }

  /** Downloads and resolves when done (the CLI waits on this); with the fp16 copy where CUDA will run it. */
  download(id: string, signal?: AbortSignal): Promise<Manifest> {
    return this.logged(id, 'Model', async (onProgress) => this.models.download(id, onProgress, signal, { fp16: await this.fp16Wanted() }))
  }

  /** Adds the hub's fp16 copy to an installed model (a GPU set up after the download). */
  downloadFp16(id: string, signal?: AbortSignal): Promise<Manifest> {
    return this.logged(id, 'fp16 copy', (onProgress) => this.models.downloadFp16(id, onProgress, signal))
  }

  private async logged(id: string, what: string, run: (onProgress: (p: DownloadProgress) => void) => Promise<Manifest>): Promise<Manifest> {
    const log = this.options.log
    log.info(`${what} download started`, { id })
    try {
      const manifest = await run((p) => this.options.fire('models.downloadProgress', p))
      log.info(`${what} downloaded and verified`, { id, files: manifest.files.length, fp16: hasFp16(manifest) })
      return manifest
    } catch (error) {
      log.warn(`${what} download failed`, { id, error: error instanceof Error ? error.message : String(error) })
      throw error
    } finally {
      this.changed()
    }
  }

  cancelDownload(id: string): boolean {
    const c = this.downloads.get(id)
    c?.abort()
    return c !== undefined
  }

  async importFolder(folder: string, name?: string): Promise<ModelRow> {
    const m = await this.models.importFolder(folder, name)
    // Prove it runs before calling it imported.
    try {
      const e = await Embedder.load({ ...this.runtimeOptions(m, 'cpu'), intraOpThreads: 1 })
      await e.dispose()
    } catch (error) {
      this.models.remove(m.id)
      throw error
    }
    this.options.log.info('Model imported', { id: m.id, from: folder })
    this.changed()
    return this.importedRow(m, this.models.active())
  }

  async verify(id: string): Promise<{ id: string; ok: boolean; problems: string[] }> {
    const r = await this.models.verify(id)
    return { id, ok: r.ok, problems: [...r.problems] }
  }

  /** Writes and checks `<id>:int8` beside an installed model (quantize/quantize-installed.ts). */
  async quantize(id: string, signal?: AbortSignal): Promise<QuantizeReport> {
    const report = await quantizeInstalled({ models: this.models, embedderOptions: (m) => this.runtimeOptions(m, 'cpu') }, id, signal)
    this.options.log.info('Model quantized to int8', { id: report.id, meanCosine: report.quality.meanCosine, minCosine: report.quality.minCosine, passed: report.quality.passed })
    this.changed()
    return report
  }

  async remove(id: string): Promise<boolean> {
    const existed = this.models.manifest(id) !== null || this.models.partialBytes(id) > 0
    if (this.models.active() === id || this.loadingId === id) await this.unload()
    this.models.remove(id)
    this.changed()
    return existed
  }

  /** How to load an installed model: its files and the settings its manifest records. */
  embedderOptions(m: Manifest, provider: ProviderPreference): EmbedderOptions {
    const dir = this.models.folder(m.id)
    return {
      onnxFile: path.join(dir, m.onnxPath),
      tokenizerFile: path.join(dir, m.tokenizerPath),
      pooling: m.pooling,
      maxLength: m.maxLength,
      matryoshkaDims: m.matryoshkaDims,
      textPrefix: m.textPrefix,
      provider,
    }
  }

  private runtimeOptions(m: Manifest, provider: ProviderPreference): EmbedderOptions {
    return { ...this.embedderOptions(m, provider), ...this.options.embedder }
  }

  /** Verifies every file, then loads the model; the previous model keeps serving until the new one is ready. */
  use(id: string, provider?: ProviderPreference): Promise<RuntimeStatus> {
    const job = this.loadChain.then(() => this.load(id, provider))
    this.loadChain = job.catch(() => undefined)
    return job
  }

  private async load(id: string, provider?: ProviderPreference): Promise<RuntimeStatus> {
    const manifest = this.models.manifest(id)
    if (!manifest) throw new EngineError('NOT_FOUND', `${id} is not installed. Download or import it first.`)
    const preference = provider ?? this.providerPreference()
    this.loadingId = id
    this.state = 'loading'
    this.error = null
    this.changed()
    try {
      const check = await this.models.verify(id)
      if (!check.ok) throw new EngineError('MODEL_INVALID', `${id} failed verification: ${check.problems.join(' ')} Download it again (or re-import it).`)
      const next = await Embedder.load({ ...this.runtimeOptions(manifest, preference), ...(await this.gpuOptions(manifest, preference)) })
      const previous = this.embedder
      this.embedder = next
      await previous?.dispose()
      this.models.setActive(id)
      fs.writeFileSync(this.runtimeFile, JSON.stringify({ ...this.runtimeSettings(), provider: preference }))
      this.state = 'ready'
      this.options.log.info('Model loaded', { id, provider: next.provider, file: path.basename(next.onnxFile), workers: next.workers, dimension: next.dimension, threads: next.threads, skipped: next.attempts.filter((a) => !a.used).map((a) => `${a.provider}: ${a.reason}`) })
      return this.status()
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error)
      this.state = this.embedder ? 'ready' : 'failed'
      this.options.log.error('Model could not be loaded', { id, error: this.error })
      throw error
    } finally {
      this.loadingId = null
      this.changed()
    }
  }

  /** Loads the remembered active model in the background (engine start). */
  restoreActive(): void {
    const id = this.models.active()
    if (id && this.models.manifest(id)) void this.use(id).catch(() => undefined)
  }

  private ready(): Embedder {
    if (this.embedder) return this.embedder
    if (this.state === 'loading') throw new EngineError('BUSY', 'The model is still loading; try again in a moment.')
    throw new EngineError('NOT_FOUND', 'No model is loaded. Download or import one on the Models page (or `taodesk models use ID`).')
  }

  /** For the miner: embeddings with the active model. */
  embed(texts: readonly string[], options: EmbedOptions = {}): Promise<EmbedResult> {
    return this.ready().embed(texts, options)
  }

  /** The miner's embedder port (native/miner/ports.ts): one row per text, exactly `dimensions` wide. */
  minerEmbedder(): { readonly name: string; embed(texts: readonly string[], dimensions: number, signal: AbortSignal): Promise<Float32Array[]> } {
    const name = (): string => `onnx:${this.models.active() ?? 'none'}@${this.embedder?.provider ?? 'unloaded'}`
    return {
      get name() {
        return name()
      },
      embed: async (texts, dimensions, signal) => (await this.embed(texts, { dimensions, signal })).vectors,
    }
  }

  async similarity(a: string, b: string): Promise<{ cosine: number; tokens: number; ms: number }> {
    const t0 = performance.now()
    const r = await this.ready().embed([a, b])
    return { cosine: cosine(r.vectors[0]!, r.vectors[1]!), tokens: r.tokens, ms: performance.now() - t0 }
  }

  async bench(count: number): Promise<BenchReport> {
    const e = this.ready()
    const manifest = this.models.manifest(this.models.active() ?? '')
    const tokenizer = WordPieceTokenizer.fromFile(e.options.tokenizerFile)
    const { texts, tokens } = sampleTexts(tokenizer, count)
    await e.embed(texts.slice(0, 4))
    const t0 = performance.now()
    // The width a validator asks for (zero-padded or Matryoshka-cut), so the timing includes the adapter.
    await e.embed(texts, { dimensions: e.dimension <= 1024 || manifest?.matryoshkaDims ? 1024 : e.dimension })
    const seconds = (performance.now() - t0) / 1000
    const textsPerSecond = count / seconds
    const estimate = VALIDATOR_BATCH / textsPerSecond
    const verdict = estimate <= VALIDATOR_TIMEOUT_S * 0.5 ? 'ok' : estimate <= VALIDATOR_TIMEOUT_S * 0.85 ? 'tight' : 'too-slow'
    const advice =
      verdict === 'ok'
        ? `A full ${VALIDATOR_BATCH}-text request should take about ${estimate.toFixed(1)} s, well inside the validators' ${VALIDATOR_TIMEOUT_S} s timeout.`
        : verdict === 'tight'
          ? `About ${estimate.toFixed(1)} s per ${VALIDATOR_BATCH}-text request: close to the ${VALIDATOR_TIMEOUT_S} s timeout once network time is added. Consider a smaller model or a GPU.`
          : `About ${estimate.toFixed(0)} s per ${VALIDATOR_BATCH}-text request: validators give up after ${VALIDATOR_TIMEOUT_S} s and would score you 0. Use a smaller model or a GPU before going live.`
    return { modelId: this.models.active() ?? 'unknown', provider: e.provider, texts: count, tokens, seconds, textsPerSecond, tokensPerSecond: tokens / seconds, estimate512Seconds: estimate, timeoutSeconds: VALIDATOR_TIMEOUT_S, verdict, advice }
  }

  async unload(): Promise<void> {
    const e = this.embedder
    this.embedder = null
    this.state = 'none'
    await e?.dispose()
  }

  handlers(): ModelHandlers {
    return {
      'models.list': () => this.list(),
      'models.status': () => this.status(),
      'models.download': ({ id }) => this.startDownload(id),
      'models.downloadFp16': ({ id }) => this.startDownload(id, 'fp16'),
      'models.cancelDownload': ({ id }) => ({ cancelled: this.cancelDownload(id) }),
      'models.import': ({ path: folder, name }) => this.importFolder(folder, name),
      'models.verify': ({ id }) => this.verify(id),
      'models.quantize': ({ id }) => this.quantize(id),
      ...this.gpu.handlers(),
      'models.remove': async ({ id }) => ({ removed: await this.remove(id) }),
      'models.use': ({ id, provider }) => this.use(id, provider),
      'models.embed': async ({ texts, dimensions }) => {
        const t0 = performance.now()
        const r = await this.embed(texts, { dimensions, signal: AbortSignal.timeout(VALIDATOR_TIMEOUT_S * 1000) })
        return { vectors: r.vectors.map((v) => Array.from(v)), dimension: r.dimension, tokens: r.tokens, truncated: r.truncated, ms: performance.now() - t0 }
      },
      'models.similarity': ({ a, b }) => this.similarity(a, b),
      'models.bench': ({ texts }) => this.bench(texts),
      'inference.settings': () => this.inferenceSettings(),
      'inference.save': (settings) => this.saveInferenceSettings(settings),
      'inference.check': ({ endpoints }) => this.checkEndpoints(endpoints),
    }
  }

  async dispose(): Promise<void> {
    this.gpu.dispose()
    for (const c of this.downloads.values()) c.abort()
    await this.unload()
  }
}

/** An installed model's row says whether its fp16 copy is there (undefined when not installed). */
function installedFp16(m: Manifest | undefined): boolean | undefined {
  return m ? hasFp16(m) : undefined
}
