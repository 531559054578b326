import fs from 'node:fs'
import path from 'node:path'
import { expandHome } from '../../../bittensor/keys/wallet-fs'
import { EngineError } from '../../../contract/errors'
import type { Pooling } from '../runtime/pooling'
import type { CatalogEntry } from './catalog'
import { CATALOG } from './catalog'
import type { HubClient, HubFile } from './hub-client'
import { hashFile } from './hub-client'

export const MANIFEST = 'taodesk-model.json'
/** The int8 variant's manifest, beside the original's in the same folder. */
export const INT8_MANIFEST = 'taodesk-model.int8.json'
/** An int8 variant is addressed as `<model id>:int8`; its files live beside the original's. */
export const INT8_SUFFIX = ':int8'

export const int8Id = (id: string): string => `${baseModelId(id)}${INT8_SUFFIX}`
export const isInt8Id = (id: string): boolean => id.endsWith(INT8_SUFFIX)
export const baseModelId = (id: string): string => (isInt8Id(id) ? id.slice(0, -INT8_SUFFIX.length) : id)
/** onnx/model.onnx → onnx/model_int8.onnx */
export const int8OnnxPath = (onnxPath: string): string => onnxPath.replace(/(\.onnx)?$/, '_int8.onnx')
/**
 * onnx/model.onnx → onnx/model_fp16.onnx: the half-precision copy as ONNX model repos publish it
 * (transformers.js `DEFAULT_DTYPE_SUFFIX_MAPPING`: fp16 → '_fp16', src/utils/dtypes.js).
 */
export const fp16OnnxPath = (onnxPath: string): string => onnxPath.replace(/(\.onnx)?$/, '_fp16.onnx')
/** The manifest lists the fp16 copy among its verified files. */
export const hasFp16 = (m: Manifest): boolean => m.files.some((f) => f.path === fp16OnnxPath(m.onnxPath))
const ACTIVE_FILE = 'active.json'
const SPACE_MARGIN_MIB = 64
const SPACE_MARGIN = SPACE_MARGIN_MIB * 1024 * 1024

export interface ManifestFile {
  readonly path: string
  readonly size: number
  readonly algo: 'sha256' | 'git-sha1'
  readonly hash: string
}

/** What TaoDesk knows about an installed model; written only after every file verified. */
export interface Manifest {
  readonly id: string
  readonly source: 'hub' | 'import'
  readonly repo: string | null
  readonly revision: string | null
  readonly onnxPath: string
  readonly tokenizerPath: string
  readonly pooling: Pooling
  readonly maxLength: number
  readonly dimension: number | null
  readonly matryoshkaDims: readonly number[] | null
  readonly textPrefix: string
  readonly files: readonly ManifestFile[]
  readonly installedAt: number
  /** For an int8 variant: the model it was quantized from, and how close its embeddings came. */
  readonly quantizedFrom?: string
  readonly quality?: QuantQuality
}

/** The int8 variant's check on held-out text; it can be made active only when `passed`. */
export interface QuantQuality {
  readonly texts: number
  readonly minCosine: number
  readonly meanCosine: number
  readonly passed: boolean
}

export interface DownloadProgress {
  readonly id: string
  readonly phase: 'listing' | 'downloading' | 'verifying' | 'done' | 'failed'
  readonly file: string | null
  readonly receivedBytes: number
  readonly totalBytes: number
  readonly message?: string
}

export interface DownloadOptions {
  /** Also fetch the repo's fp16 copy of the model when it lists one (machines where CUDA will run it). */
  readonly fp16?: boolean
}

export interface VerifyResult {
  readonly ok: boolean
  readonly problems: readonly string[]
}

export function safeFolderName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '--')
}

/** Installed models on disk: hub downloads, local imports, verification and the active choice. */
export class ModelManager {
  private readonly downloads = new Map<string, Promise<Manifest>>()

  constructor(
    readonly dir: string,
    private readonly hub: HubClient,
    readonly catalog: readonly CatalogEntry[] = CATALOG,
    /** Free bytes on the disk holding `dir` (tests simulate a full disk). */
    private readonly freeSpace: (dir: string) => number | null = freeBytes,
  ) {
    fs.mkdirSync(dir, { recursive: true })
  }

  /** The model's folder, always strictly inside the models folder (ids like ".." are refused). */
  folder(id: string): string {
    const name = safeFolderName(baseModelId(id))
    const dir = path.resolve(this.dir, name)
    if (name.startsWith('.') || path.dirname(dir) !== path.resolve(this.dir)) {
      throw new EngineError('BAD_REQUEST', `"${id.slice(0, 80)}" is not a model id. Use an id from \`taodesk models list\`.`)
    }
    return dir
  }

  manifest(id: string): Manifest | null {
    const file = path.join(this.folder(id), isInt8Id(id) ? INT8_MANIFEST : MANIFEST)
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest
    } catch {
      return null
    }
  }

  installed(): Manifest[] {
    const out: Manifest[] = []
    for (const name of fs.readdirSync(this.dir)) {
      for (const manifestName of [MANIFEST, INT8_MANIFEST]) {
        const file = path.join(this.dir, name, manifestName)
        if (!fs.existsSync(file)) continue
        try {
          out.push(JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest)
        } catch {
          // A damaged manifest: the model shows as not installed and can be downloaded again.
        }
      }
    }
    return out
  }

  isDownloading(id: string): boolean {
    return this.downloads.has(id)
  }

  active(): string | null {
    try {
      const { id } = JSON.parse(fs.readFileSync(path.join(this.dir, ACTIVE_FILE), 'utf8')) as { id?: string }
      return typeof id === 'string' ? id : null
    } catch {
      return null
    }
  }

  setActive(id: string | null): void {
    const file = path.join(this.dir, ACTIVE_FILE)
    if (id === null) fs.rmSync(file, { force: true })
    else fs.writeFileSync(file, JSON.stringify({ id }))
  }

  /** Downloads a catalog model (files verified against the hub's hashes); resumes partial files. */
  download(id: string, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal, options: DownloadOptions = {}): Promise<Manifest> {
    const entry = this.catalog.find((e) => e.id === id)
    if (!entry) return Promise.reject(new EngineError('NOT_FOUND', `"${id}" is not in the model catalog. Run \`taodesk models list\` to see the choices.`))
    return this.track(id, () => this.runDownload(entry, onProgress, signal, (report) => this.downloadFiles(entry, report, options, signal)))
  }

  /**
   * Adds the hub's fp16 copy to an installed catalog model (a GPU set up after the download), with
   * the same resume and verification; the model stays installed and usable meanwhile.
   */
  downloadFp16(id: string, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<Manifest> {
    const entry = this.catalog.find((e) => e.id === id)
    const manifest = this.manifest(id)
    if (!entry || !manifest || manifest.source !== 'hub') {
      return Promise.reject(new EngineError('NOT_FOUND', `${id} is not an installed catalog model. Download it first (\`taodesk models download ${id}\`).`))
    }
    return this.track(id, () => this.runDownload(entry, onProgress, signal, (report) => this.addFp16(entry, manifest, report, signal)))
  }

  /** One download per model at a time; a second request joins the running one. */
  private track(id: string, start: () => Promise<Manifest>): Promise<Manifest> {
    const running = this.downloads.get(id)
    if (running) return running
    const job = start().finally(() => this.downloads.delete(id))
    this.downloads.set(id, job)
    return job
  }

  /**
   * Every failure, in any phase (listing, the free-space check, downloading, verifying), ends
   * with a 'failed' progress event carrying what happened and what to do: the page shows it on
   * the model's row. A cancel in any phase ends the same way.
   */
  private async runDownload(entry: CatalogEntry, onProgress: (p: DownloadProgress) => void, signal: AbortSignal | undefined, work: (report: (p: DownloadProgress) => void) => Promise<Manifest>): Promise<Manifest> {
    let last: DownloadProgress = { id: entry.id, phase: 'listing', file: null, receivedBytes: 0, totalBytes: entry.sizeBytes }
    const report = (p: DownloadProgress): void => {
      last = p
      onProgress(p)
    }
    try {
      return await work(report)
    } catch (error) {
      const cancelled = signal?.aborted === true
      const message = cancelled ? 'Download cancelled; it resumes where it stopped when started again.' : downloadAdvice(error)
      onProgress({ id: entry.id, phase: 'failed', file: null, receivedBytes: last.receivedBytes, totalBytes: last.totalBytes, message })
      if (cancelled) throw new EngineError('TIMEOUT', `The download of ${entry.id} was cancelled. Start it again to resume.`)
      throw error instanceof EngineError ? error : new EngineError('DOWNLOAD_FAILED', message)
    }
  }

  private async downloadFiles(entry: CatalogEntry, onProgress: (p: DownloadProgress) => void, options: DownloadOptions, signal?: AbortSignal): Promise<Manifest> {
    const dir = this.folder(entry.id)
    const byPath = await this.listRepo(entry, onProgress, signal)
    const need = (p: string): HubFile => {
      const f = byPath.get(p)
      if (!f) throw new EngineError('DOWNLOAD_FAILED', `${entry.repo} has no file ${p} on the hub; the catalog entry may be out of date.`)
      return f
    }
    const files: HubFile[] = [need(entry.onnxPath), ...externalData(byPath, entry.onnxPath), need(entry.tokenizerPath)]
    for (const p of entry.extraPaths) {
      const f = byPath.get(p)
      if (f) files.push(f)
    }
    const fp16 = byPath.get(fp16OnnxPath(entry.onnxPath))
    if (options.fp16 === true && fp16) files.push(fp16, ...externalData(byPath, fp16.path))
    // The manifest goes once there is room to download: a model is installed only with every file verified.
    const manifestFiles = await this.fetchFiles(entry, files, onProgress, signal, () => fs.rmSync(path.join(dir, MANIFEST), { force: true }))
    const manifest: Manifest = {
      id: entry.id,
      source: 'hub',
      repo: entry.repo,
      revision: entry.revision,
      onnxPath: entry.onnxPath,
      tokenizerPath: entry.tokenizerPath,
      pooling: entry.pooling,
      maxLength: entry.maxLength,
      dimension: entry.dimension,
      matryoshkaDims: entry.matryoshkaDims,
      textPrefix: entry.textPrefix,
      files: manifestFiles,
      installedAt: Date.now(),
    }
    writeManifest(dir, manifest)
    onProgress({ id: entry.id, phase: 'done', file: null, receivedBytes: sumSizes(files), totalBytes: sumSizes(files) })
    return manifest
  }

  private async addFp16(entry: CatalogEntry, manifest: Manifest, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<Manifest> {
    const byPath = await this.listRepo(entry, onProgress, signal)
    const fp16 = byPath.get(fp16OnnxPath(manifest.onnxPath))
    if (!fp16) throw new EngineError('NOT_FOUND', `${entry.repo} publishes no fp16 copy (${fp16OnnxPath(manifest.onnxPath)}); the GPU runs the installed model as it is.`)
    const files = [fp16, ...externalData(byPath, fp16.path)]
    const added = await this.fetchFiles(entry, files, onProgress, signal)
    const kept = manifest.files.filter((f) => !added.some((a) => a.path === f.path))
    const updated: Manifest = { ...manifest, files: [...kept, ...added] }
    writeManifest(this.folder(entry.id), updated)
    onProgress({ id: entry.id, phase: 'done', file: null, receivedBytes: sumSizes(files), totalBytes: sumSizes(files) })
    return updated
  }

  /** GET the repo's tree: every file with its size and hash, by path. */
  private async listRepo(entry: CatalogEntry, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<Map<string, HubFile>> {
    onProgress({ id: entry.id, phase: 'listing', file: null, receivedBytes: 0, totalBytes: entry.sizeBytes })
    const listed = await this.hub.listFiles(entry.repo, entry.revision, signal)
    return new Map(listed.map((f) => [f.path, f]))
  }

  /** Downloads (or re-verifies, when already complete) each file after a free-space check; resumes partial files. */
  private async fetchFiles(entry: CatalogEntry, files: readonly HubFile[], onProgress: (p: DownloadProgress) => void, signal?: AbortSignal, beforeWriting?: () => void): Promise<ManifestFile[]> {
    const dir = this.folder(entry.id)
    const stopIfCancelled = (): void => signal?.throwIfAborted()
    const total = sumSizes(files)
    const partSize = (f: HubFile): number => {
      const part = path.join(dir, `${f.path}.part`)
      return fs.existsSync(part) ? Math.min(fs.statSync(part).size, f.size) : 0
    }
    const done = (f: HubFile): boolean => fs.existsSync(path.join(dir, f.path)) && fs.statSync(path.join(dir, f.path)).size === f.size
    const remaining = files.filter((f) => !done(f)).reduce((n, f) => n + f.size - partSize(f), 0)
    fs.mkdirSync(dir, { recursive: true })
    this.checkSpace(dir, remaining, `${entry.id} needs ${remaining < total ? 'another' : ''}`.trimEnd())
    stopIfCancelled()
    beforeWriting?.()
    let finished = 0
    const manifestFiles: ManifestFile[] = []
    for (const f of files) {
      const dest = path.join(dir, f.path)
      if (done(f)) {
        // Already here from an earlier run: verify instead of downloading again.
        onProgress({ id: entry.id, phase: 'verifying', file: f.path, receivedBytes: finished, totalBytes: total })
        if ((await hashFile(dest, f.hash.algo)) !== f.hash.value) fs.rmSync(dest)
        stopIfCancelled()
      }
      if (!fs.existsSync(dest)) {
        await this.hub.download(entry.repo, entry.revision, f, dest, (p) => onProgress({ id: entry.id, phase: 'downloading', file: f.path, receivedBytes: finished + p.receivedBytes, totalBytes: total }), signal)
      }
      finished += f.size
      manifestFiles.push({ path: f.path, size: f.size, algo: f.hash.algo, hash: f.hash.value })
    }
    stopIfCancelled()
    return manifestFiles
  }

  /** Copies a local model folder (ONNX + tokenizer.json or vocab.txt) into the model store. */
  async importFolder(source: string, name?: string): Promise<Manifest> {
    // Paths typed in a terminal or the UI's field may start with ~ (no shell expands them there).
    const src = path.resolve(expandHome(source))
    if (!fs.existsSync(src) || !fs.statSync(src).isDirectory()) throw new EngineError('NOT_FOUND', `${src} is not a folder. Point to the folder that holds the model's .onnx file and tokenizer.`)
    const onnx = ['onnx/model.onnx', 'model.onnx'].find((p) => fs.existsSync(path.join(src, p))) ?? findFirst(src, '.onnx')
    if (!onnx) throw new EngineError('BAD_REQUEST', `No .onnx file in ${src}. Export the model to ONNX first (for example with optimum-cli export onnx).`)
    const tokenizer = ['tokenizer.json', 'vocab.txt'].find((p) => fs.existsSync(path.join(src, p)))
    if (!tokenizer) throw new EngineError('BAD_REQUEST', `No tokenizer.json or vocab.txt in ${src}. Copy the tokenizer files next to the model.`)
    const id = `local/${name ?? path.basename(src)}`
    const dir = this.folder(id)
    if (fs.existsSync(path.join(dir, MANIFEST))) throw new EngineError('ALREADY_EXISTS', `A model named ${id} is already imported. Choose another name or remove it first.`)
    const readJson = (p: string): Record<string, unknown> | null => {
      try {
        return JSON.parse(fs.readFileSync(path.join(src, p), 'utf8')) as Record<string, unknown>
      } catch {
        return null
      }
    }
    const poolingCfg = readJson('1_Pooling/config.json')
    const config = readJson('config.json')
    const tokCfg = readJson('tokenizer_config.json')
    const pooling: Pooling = poolingCfg?.pooling_mode_cls_token === true ? 'cls' : 'mean'
    const tokMax = typeof tokCfg?.model_max_length === 'number' && tokCfg.model_max_length < 100_000 ? tokCfg.model_max_length : null
    const posMax = typeof config?.max_position_embeddings === 'number' ? config.max_position_embeddings : null
    const maxLength = Math.min(8192, tokMax ?? posMax ?? 512)
    const dimRaw = poolingCfg?.word_embedding_dimension ?? config?.hidden_size
    const copy = [onnx, tokenizer, ...[`${onnx}_data`, `${onnx}.data`, 'config.json', 'tokenizer_config.json', 'special_tokens_map.json', '1_Pooling/config.json'].filter((p) => fs.existsSync(path.join(src, p)))]
    const needed = copy.reduce((n, p) => n + fs.statSync(path.join(src, p)).size, 0)
    fs.mkdirSync(dir, { recursive: true })
    this.checkSpace(dir, needed, 'Importing needs')
    const files: ManifestFile[] = []
    try {
      for (const p of copy) {
        fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true })
        fs.copyFileSync(path.join(src, p), path.join(dir, p))
        files.push({ path: p, size: fs.statSync(path.join(dir, p)).size, algo: 'sha256', hash: await hashFile(path.join(dir, p), 'sha256') })
      }
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true })
      throw new EngineError('INTERNAL', `Copying the model failed: ${error instanceof Error ? error.message : String(error)}`)
    }
    const manifest: Manifest = {
      id,
      source: 'import',
      repo: null,
      revision: null,
      onnxPath: onnx,
      tokenizerPath: tokenizer,
      pooling,
      maxLength,
      dimension: typeof dimRaw === 'number' ? dimRaw : null,
      matryoshkaDims: null,
      textPrefix: '',
      files,
      installedAt: Date.now(),
    }
    writeManifest(dir, manifest)
    return manifest
  }

  /** Re-hashes every file of an installed model against its manifest. */
  async verify(id: string): Promise<VerifyResult> {
    const manifest = this.manifest(id)
    if (!manifest) return { ok: false, problems: [`${id} is not installed (or its manifest is damaged). Download or import it again.`] }
    const dir = this.folder(id)
    const problems: string[] = []
    if (manifest.quantizedFrom !== undefined && manifest.quality?.passed !== true) {
      problems.push(`${id} has not passed its quality check against ${manifest.quantizedFrom}; run \`taodesk models quantize ${manifest.quantizedFrom}\` again or keep using the original.`)
    }
    for (const f of manifest.files) {
      const file = path.join(dir, f.path)
      if (!fs.existsSync(file)) {
        problems.push(`${f.path} is missing.`)
        continue
      }
      const size = fs.statSync(file).size
      if (size !== f.size) {
        problems.push(`${f.path} is ${size < f.size ? 'truncated' : 'too long'}: ${size} bytes instead of ${f.size}.`)
        continue
      }
      const hash = await hashFile(file, f.algo)
      if (hash !== f.hash) problems.push(`${f.path} does not match its ${f.algo} hash (expected ${f.hash.slice(0, 12)}…, found ${hash.slice(0, 12)}…): the file changed or is damaged.`)
    }
    return { ok: problems.length === 0, problems }
  }

  /** Refuses work that would leave less than SPACE_MARGIN free, and says so (margin included). */
  checkSpace(dir: string, needed: number, what: string): void {
    const free = this.freeSpace(dir)
    if (free !== null && needed + SPACE_MARGIN > free) {
      throw new EngineError(
        'NO_SPACE',
        `${what} ${formatBytes(needed)} of disk space plus a ${SPACE_MARGIN_MIB} MiB safety margin (kept free so the engine's database and logs can still be written), but only ${formatBytes(free)} is free in ${this.dir}. Free some space and try again.`,
      )
    }
  }

  remove(id: string): void {
    if (this.downloads.has(id)) throw new EngineError('BUSY', `${id} is downloading; cancel the download first.`)
    const dir = this.folder(id)
    if (isInt8Id(id)) {
      // Only the variant's own file and manifest; the original beside it stays.
      const m = this.manifest(id)
      if (m) fs.rmSync(path.join(dir, m.onnxPath), { force: true })
      fs.rmSync(path.join(dir, INT8_MANIFEST), { force: true })
      if (this.active() === id) this.setActive(null)
      return
    }
    // Only ever delete what is a model folder: one with a manifest or partial download files.
    if (!fs.existsSync(dir)) return
    const entries = fs.readdirSync(dir, { recursive: true }).map(String)
    if (!entries.includes(MANIFEST) && !entries.some((e) => e.endsWith('.part'))) {
      throw new EngineError('BAD_REQUEST', `${dir} does not look like a TaoDesk model folder; not deleting it.`)
    }
    fs.rmSync(dir, { recursive: true, force: true })
    if (this.active() === id || this.active() === int8Id(id)) this.setActive(null)
  }

  /** Bytes of partial downloads already on disk (shown as "resumable"). */
  partialBytes(id: string): number {
    const dir = this.folder(id)
    if (!fs.existsSync(dir)) return 0
    let n = 0
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name)
        if (e.isDirectory()) walk(p)
        else if (e.name.endsWith('.part')) n += fs.statSync(p).size
      }
    }
    walk(dir)
    return n
  }
}

export function writeManifest(dir: string, manifest: Manifest): void {
  const name = isInt8Id(manifest.id) ? INT8_MANIFEST : MANIFEST
  const tmp = path.join(dir, `${name}.tmp`)
  fs.writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`)
  fs.renameSync(tmp, path.join(dir, name))
}

/** An ONNX file's external weights (`model.onnx_data` or `model.onnx.data`) when the repo lists them. */
function externalData(byPath: ReadonlyMap<string, HubFile>, onnxPath: string): HubFile[] {
  const f = byPath.get(`${onnxPath}_data`) ?? byPath.get(`${onnxPath}.data`)
  return f ? [f] : []
}

const sumSizes = (files: readonly HubFile[]): number => files.reduce((n, f) => n + f.size, 0)

function findFirst(dir: string, ext: string): string | undefined {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith(ext)) return e.name
  }
  return undefined
}

/** What went wrong in a download, with what to do about it (hub errors already carry advice). */
function downloadAdvice(error: unknown): string {
  if (error instanceof EngineError) return error.message
  const text = error instanceof Error ? error.message : String(error)
  return `The download stopped: ${text}. Check the internet connection and the free disk space, then press Download again: it resumes where it stopped.`
}

export function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir)
    return Number(s.bavail) * Number(s.bsize)
  } catch {
    return null
  }
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}
