import { z } from 'zod'
import { event, method } from './define'

export const ProviderName = z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu'])
export type ProviderName = z.infer<typeof ProviderName>
export const ProviderPreference = z.enum(['auto', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu'])
export type ProviderPreference = z.infer<typeof ProviderPreference>

/** How close an int8 copy's embeddings came to its original's on held-out text. */
export const QuantQuality = z.object({ texts: z.number().int(), minCosine: z.number(), meanCosine: z.number(), passed: z.boolean() })
export type QuantQuality = z.infer<typeof QuantQuality>

export const ModelRow = z.object({
  id: z.string(),
  /** int8: a quantized copy of an installed model (id `<model>:int8`), files beside the original's. */
  source: z.enum(['catalog', 'import', 'int8']),
  repo: z.string().nullable(),
  description: z.string(),
  dimension: z.number().int().nullable(),
  pooling: z.enum(['mean', 'cls']),
  maxLength: z.number().int(),
  sizeBytes: z.number().nonnegative(),
  license: z.string().nullable(),
  matryoshka: z.boolean(),
  installed: z.boolean(),
  downloading: z.boolean(),
  /** Bytes of an interrupted download kept for resuming. */
  partialBytes: z.number().nonnegative(),
  active: z.boolean(),
  /** For int8 copies: the original's id and the check's result (null: not checked yet). */
  quantizedFrom: z.string().optional(),
  quality: QuantQuality.nullable().optional(),
  /** Installed catalog models: the hub's fp16 copy is installed beside it (the CUDA provider runs it). */
  fp16: z.boolean().optional(),
})
export type ModelRow = z.infer<typeof ModelRow>

export const ProviderAttemptRow = z.object({
  provider: ProviderName,
  label: z.string(),
  used: z.boolean(),
  reason: z.string().nullable(),
})
export type ProviderAttemptRow = z.infer<typeof ProviderAttemptRow>

export const RuntimeStatus = z.object({
  state: z.enum(['none', 'loading', 'ready', 'failed']),
  modelId: z.string().nullable(),
  provider: ProviderName.nullable(),
  providerPreference: ProviderPreference,
  attempts: z.array(ProviderAttemptRow),
  dimension: z.number().int().nullable(),
  /** Intra-op threads per inference worker. */
  threads: z.number().int().nullable(),
  /** Inference workers (sessions) running side by side. */
  workers: z.number().int().nullable(),
  error: z.string().nullable(),
})
export type RuntimeStatus = z.infer<typeof RuntimeStatus>

export const DownloadProgress = z.object({
  id: z.string(),
  phase: z.enum(['listing', 'downloading', 'verifying', 'done', 'failed']),
  file: z.string().nullable(),
  receivedBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
  message: z.string().optional(),
})
export type DownloadProgress = z.infer<typeof DownloadProgress>

export const VerifyReport = z.object({ id: z.string(), ok: z.boolean(), problems: z.array(z.string()) })
export type VerifyReport = z.infer<typeof VerifyReport>

export const BenchReport = z.object({
  modelId: z.string(),
  provider: ProviderName,
  texts: z.number().int(),
  tokens: z.number().int(),
  seconds: z.number(),
  textsPerSecond: z.number(),
  tokensPerSecond: z.number(),
  /** Estimated seconds for a full validator request (512 texts, SN5-like lengths). */
  estimate512Seconds: z.number(),
  timeoutSeconds: z.number(),
  verdict: z.enum(['ok', 'tight', 'too-slow']),
  advice: z.string(),
})
export type BenchReport = z.infer<typeof BenchReport>

export const QuantizeReport = z.object({
  id: z.string(),
  baseId: z.string(),
  file: z.string(),
  sizeBytes: z.number().nonnegative(),
  baseSizeBytes: z.number().nonnegative(),
  quantizedMatMuls: z.number().int(),
  keptFloat: z.number().int(),
  seconds: z.number(),
  quality: QuantQuality,
  thresholds: z.object({ meanCosine: z.number(), minCosine: z.number() }),
  advice: z.string(),
})
export type QuantizeReport = z.infer<typeof QuantizeReport>

export const GpuStatus = z.object({
  /** Linux x64 with a working NVIDIA driver and at least one GPU. */
  supported: z.boolean(),
  gpus: z.array(z.object({ index: z.number().int(), name: z.string(), memoryMiB: z.number(), computeCapability: z.string().nullable() })),
  driverVersion: z.string().nullable(),
  driverOk: z.boolean(),
  libraries: z.array(z.object({ soname: z.string(), purpose: z.string(), path: z.string().nullable() })),
  /** The runtime pack would fill every gap. */
  packCanFix: z.boolean(),
  ready: z.boolean(),
  /** Every GPU has tensor cores: fp16 models are worth it. */
  fp16: z.boolean(),
  /** What to do, in order; empty when ready. */
  steps: z.array(z.string()),
  pack: z.object({ installed: z.boolean(), dir: z.string(), installing: z.boolean() }),
  onnxruntimeVersion: z.string().nullable(),
})
export type GpuStatus = z.infer<typeof GpuStatus>

/**
 * Where an fp16 model copy is worth its download: CUDA runs it (ready now, or made ready by the GPU
 * runtime pack) on tensor cores; elsewhere fp16 is slower than fp32.
 */
export function gpuRunsFp16(gpu: Pick<GpuStatus, 'supported' | 'ready' | 'packCanFix' | 'fp16'>): boolean {
  return gpu.supported && gpu.fp16 && (gpu.ready || gpu.packCanFix)
}

export const PackProgressEvent = z.object({
  phase: z.enum(['resolving', 'downloading', 'extracting', 'done', 'failed']),
  file: z.string().nullable(),
  receivedBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
  message: z.string().optional(),
})
export type PackProgressEvent = z.infer<typeof PackProgressEvent>

const Id = z.string().min(1).max(200)

export const modelsMethods = {
  'models.list': method(z.object({}).strict(), z.object({ models: z.array(ModelRow), active: z.string().nullable() }), 'The model catalog and installed models.'),
  'models.status': method(z.object({}).strict(), RuntimeStatus, 'The loaded model, the execution provider in use and why others were not used.'),
  'models.download': method(
    z.object({ id: Id }).strict(),
    z.object({ id: Id, started: z.boolean() }),
    'Start (or resume) downloading a catalog model from the Hugging Face hub; progress arrives as models.downloadProgress events.',
  ),
  'models.downloadFp16': method(
    z.object({ id: Id }).strict(),
    z.object({ id: Id, started: z.boolean() }),
    "Fetch the hub's fp16 copy of an installed catalog model (for the CUDA provider), resumable and verified; progress arrives as models.downloadProgress events.",
  ),
  'models.cancelDownload': method(z.object({ id: Id }).strict(), z.object({ cancelled: z.boolean() }), 'Stop a download; the partial file is kept for resuming.'),
  'models.import': method(z.object({ path: z.string().min(1).max(4096), name: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/).optional() }).strict(), ModelRow, 'Import a local model folder (ONNX + tokenizer.json or vocab.txt).'),
  'models.verify': method(z.object({ id: Id }).strict(), VerifyReport, 'Re-check every file of an installed model against its hashes.'),
  'models.quantize': method(
    z.object({ id: Id }).strict(),
    QuantizeReport,
    'Write a dynamic int8 copy of an installed model beside it (`<id>:int8`, the original untouched) and check it against the original on held-out text; only a copy that passes can be made active.',
  ),
  'models.gpuStatus': method(z.object({}).strict(), GpuStatus, "What the CUDA execution provider needs on this machine (driver, CUDA 12, cuDNN 9, onnxruntime's provider libraries), what is missing and what to do."),
  'models.gpuInstall': method(
    z.object({}).strict(),
    z.object({ started: z.boolean() }),
    'Download the GPU runtime pack into the data folder (resumable, each file verified by sha256); progress arrives as models.gpuProgress events.',
  ),
  'models.gpuCancel': method(z.object({}).strict(), z.object({ cancelled: z.boolean() }), 'Stop the GPU runtime download; it resumes when started again.'),
  'models.remove': method(z.object({ id: Id }).strict(), z.object({ removed: z.boolean() }), 'Delete an installed model from disk.'),
  'models.use': method(
    z.object({ id: Id, provider: ProviderPreference.optional() }).strict(),
    RuntimeStatus,
    'Verify and load a model as the active one (optionally choosing the execution provider).',
  ),
  'models.embed': method(
    z.object({ texts: z.array(z.string().max(100_000)).min(1).max(512), dimensions: z.number().int().min(1).max(8192).optional() }).strict(),
    z.object({ vectors: z.array(z.array(z.number())), dimension: z.number().int(), tokens: z.number().int(), truncated: z.number().int(), ms: z.number() }),
    'Embed texts with the active model.',
  ),
  'models.similarity': method(
    z.object({ a: z.string().min(1).max(100_000), b: z.string().min(1).max(100_000) }).strict(),
    z.object({ cosine: z.number(), tokens: z.number().int(), ms: z.number() }),
    'Embed two texts with the active model and return their cosine similarity.',
  ),
  'models.bench': method(
    z.object({ texts: z.number().int().min(8).max(512).default(64) }).strict(),
    BenchReport,
    'A short benchmark of the active model on SN5-like texts, with the estimated time of a 512-text validator request.',
  ),
}

export const modelsEvents = {
  'models.downloadProgress': event(DownloadProgress, 'Progress of a model download.'),
  'models.gpuProgress': event(PackProgressEvent, 'Progress of the GPU runtime download.'),
  'models.changed': event(RuntimeStatus, 'The installed models or the loaded model changed.'),
}
