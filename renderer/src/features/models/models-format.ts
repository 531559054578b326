import { gpuRunsFp16 } from '../../../../native/contract'
import type { BenchReport, DownloadProgress, GpuStatus, ModelRow, QuantQuality, QuantizeReport, SelfScoreModel } from '../../../../native/contract'

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}

export function progressPercent(p: Pick<DownloadProgress, 'receivedBytes' | 'totalBytes'> | undefined): number {
  if (!p || p.totalBytes <= 0) return 0
  return Math.min(100, (p.receivedBytes / p.totalBytes) * 100)
}

export const VERDICT_COLOR: Record<BenchReport['verdict'], string> = { ok: 'green', tight: 'yellow', 'too-slow': 'red' }

/** Share of the validators' timeout a full request would use (capped for a progress bar). */
export function timeoutShare(b: BenchReport): number {
  return Math.min(100, (b.estimate512Seconds / b.timeoutSeconds) * 100)
}

export type RowStatus = 'active' | 'installed' | 'downloading' | 'partial' | 'available'

export function rowStatus(m: ModelRow, progress: DownloadProgress | undefined): RowStatus {
  if (m.downloading || (progress && progress.phase !== 'done' && progress.phase !== 'failed')) return 'downloading'
  if (m.active) return 'active'
  if (m.installed) return 'installed'
  if (m.partialBytes > 0) return 'partial'
  return 'available'
}

/** Cosine similarity in words, for the try-it box. */
export function describeCosine(c: number): string {
  if (c >= 0.999) return 'identical meaning (or identical text)'
  if (c >= 0.8) return 'very similar'
  if (c >= 0.5) return 'related'
  if (c >= 0.2) return 'loosely related'
  return 'unrelated'
}

/** An int8 copy's check in a few words, for its row. */
export function describeQuality(q: QuantQuality | null | undefined): { label: string; color: string } {
  if (!q) return { label: 'int8, not checked', color: 'yellow' }
  return q.passed ? { label: `int8 · cosine ${q.meanCosine.toFixed(4)}`, color: 'teal' } : { label: 'int8 · failed its check', color: 'red' }
}

/** Whether an int8 copy may be made active (the engine refuses the others too). */
export const canUse = (m: ModelRow): boolean => m.source !== 'int8' || m.quality?.passed === true

/** Quantize is offered for installed originals that have no int8 copy yet. */
export function canQuantize(m: ModelRow, rows: readonly ModelRow[]): boolean {
  return m.installed && m.source !== 'int8' && !rows.some((r) => r.quantizedFrom === m.id)
}

/** An installed catalog model without the hub's fp16 copy, on a machine where CUDA would run one: offer to fetch it. */
export function canFetchFp16(m: ModelRow, gpu: Pick<GpuStatus, 'supported' | 'ready' | 'packCanFix' | 'fp16'> | undefined): boolean {
  if (!gpu || !m.installed || m.source !== 'catalog' || m.fp16 !== false) return false
  return gpuRunsFp16(gpu)
}

/** The quantize result as lines for the page: the cosine check, then both self-scores side by side. */
export function quantizeSummary(r: QuantizeReport, scores: readonly SelfScoreModel[] | null): string[] {
  const score = (id: string): string => {
    if (!scores) return 'scoring…'
    const m = scores.find((s) => s.modelId === id)
    return m?.score != null ? `${m.score.toFixed(3)} (top-1 ${((m.top1 ?? 0) * 100).toFixed(1)} %)` : `not scored${m?.error ? ` (${m.error})` : ''}`
  }
  return [
    `${r.quantizedMatMuls} weight matrices in int8: ${formatBytes(r.sizeBytes)} instead of ${formatBytes(r.baseSizeBytes)}, written beside the original in ${r.seconds.toFixed(1)} s.`,
    `Cosine to ${r.baseId} on ${r.quality.texts} held-out texts: mean ${r.quality.meanCosine.toFixed(4)} (needs ${r.thresholds.meanCosine}), lowest ${r.quality.minCosine.toFixed(4)} (needs ${r.thresholds.minCosine}).`,
    `Self-score: ${r.baseId} ${score(r.baseId)}; ${r.id} ${score(r.id)}.`,
    r.advice,
  ]
}
