import type { BenchReport, DownloadProgress, ModelRow } from '../../../../native/contract'

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}

export function progressPercent(p: DownloadProgress | undefined): number {
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
