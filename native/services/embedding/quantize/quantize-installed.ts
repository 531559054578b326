import fs from 'node:fs'
import path from 'node:path'
import type { QuantizeReport } from '../../../contract'
import { EngineError } from '../../../contract/errors'
import type { Manifest, ManifestFile, ModelManager } from '../models/model-manager'
import { baseModelId, int8Id, int8OnnxPath, isInt8Id, writeManifest } from '../models/model-manager'
import { hashFile } from '../models/hub-client'
import type { EmbedderOptions } from '../runtime/embedder'
import { Embedder } from '../runtime/embedder'
import { HELD_OUT_TEXTS } from './held-out-texts'
import { INT8_THRESHOLDS, compareEmbeddings } from './quality-check'
import type { QuantizeOptions } from './quantize'
import { QuantizeError, quantizeModel } from './quantize'

export interface QuantizeDeps {
  readonly models: ModelManager
  /** How to load a model for the check (CPU, its manifest's settings). */
  readonly embedderOptions: (m: Manifest) => EmbedderOptions
  readonly quantize?: QuantizeOptions
}

/**
 * Writes `<id>:int8` beside an installed model (the original's files are only read), then checks
 * it against the original on held-out text. The variant's manifest records the result; only a
 * variant that passed can be made active (ModelManager.verify refuses the others).
 */
export async function quantizeInstalled(deps: QuantizeDeps, id: string, signal?: AbortSignal): Promise<QuantizeReport> {
  const t0 = performance.now()
  const baseId = baseModelId(id)
  const base = deps.models.manifest(baseId)
  if (!base) throw new EngineError('NOT_FOUND', `${baseId} is not installed. Download or import it first, then quantize it.`)
  const check = await deps.models.verify(baseId)
  if (!check.ok) throw new EngineError('MODEL_INVALID', `${baseId} failed verification, so it cannot be quantized: ${check.problems.join(' ')}`)
  const dir = deps.models.folder(baseId)
  const src = path.join(dir, base.onnxPath)
  const onnxPath = int8OnnxPath(base.onnxPath)
  const dest = path.join(dir, onnxPath)
  const srcBytes = fs.statSync(src).size
  // int8 weights: about a quarter of the float file, plus room for the temporary file.
  deps.models.checkSpace(dir, Math.ceil(srcBytes / 2), `Quantizing ${baseId} needs`)
  deps.models.remove(int8Id(baseId))
  let stats
  try {
    stats = await quantizeModel(src, dest, { ...deps.quantize, signal })
  } catch (error) {
    fs.rmSync(dest, { force: true })
    fs.rmSync(`${dest}.tmp`, { force: true })
    if (signal?.aborted) throw new EngineError('TIMEOUT', `Quantizing ${baseId} was cancelled; the original is unchanged.`)
    if (error instanceof QuantizeError) throw new EngineError('BAD_REQUEST', error.message)
    throw new EngineError('INTERNAL', `Quantizing ${baseId} failed: ${error instanceof Error ? error.message : String(error)}. The original is unchanged.`)
  }
  const int8File: ManifestFile = { path: onnxPath, size: stats.bytesOut, algo: 'sha256', hash: await hashFile(dest, 'sha256') }
  const variant: Manifest = { ...base, id: int8Id(baseId), onnxPath, files: [int8File, ...base.files.filter((f) => f.path !== base.onnxPath)], installedAt: Date.now(), quantizedFrom: baseId }
  writeManifest(dir, variant)
  const quality = await checkInt8(deps, variant)
  const passed = quality.passed
  return {
    id: variant.id,
    baseId,
    file: dest,
    sizeBytes: stats.bytesOut,
    baseSizeBytes: srcBytes,
    quantizedMatMuls: stats.quantized,
    keptFloat: stats.keptFloat,
    seconds: (performance.now() - t0) / 1000,
    quality,
    thresholds: { ...INT8_THRESHOLDS },
    advice: passed
      ? `${variant.id} matches ${baseId} closely (mean cosine ${quality.meanCosine.toFixed(4)}, lowest ${quality.minCosine.toFixed(4)}). Make it active with \`taodesk models use ${variant.id}\`, or press Use on the Models page.`
      : `${variant.id} drifts too far from ${baseId} (mean cosine ${quality.meanCosine.toFixed(4)}, lowest ${quality.minCosine.toFixed(4)}; needs at least ${INT8_THRESHOLDS.meanCosine} and ${INT8_THRESHOLDS.minCosine}), so it cannot be made active. Keep using ${baseId}; remove the int8 copy with \`taodesk models remove ${variant.id}\`.`,
  }
}

/** Embeds the held-out texts with both models and records the result in the variant's manifest. */
export async function checkInt8(deps: QuantizeDeps, variant: Manifest): Promise<NonNullable<Manifest['quality']>> {
  if (!isInt8Id(variant.id) || !variant.quantizedFrom) throw new EngineError('BAD_REQUEST', `${variant.id} is not an int8 copy.`)
  const base = deps.models.manifest(variant.quantizedFrom)
  if (!base) throw new EngineError('NOT_FOUND', `${variant.quantizedFrom} (the original of ${variant.id}) is not installed.`)
  const load = (m: Manifest): Promise<Embedder> => Embedder.load({ ...deps.embedderOptions(m), provider: 'cpu', workers: 1 })
  const original = await load(base)
  const quantized = await load(variant).catch(async (error: unknown) => {
    await original.dispose()
    throw error
  })
  try {
    const embedWith = (e: Embedder) => async (texts: readonly string[]) => (await e.embed(texts)).vectors
    const quality = await compareEmbeddings(embedWith(original), embedWith(quantized), HELD_OUT_TEXTS)
    writeManifest(deps.models.folder(variant.id), { ...variant, quality })
    return quality
  } finally {
    await original.dispose()
    await quantized.dispose()
  }
}
