/**
 * The GPU runtime pack: the CUDA 12 runtime, cuBLAS, cuFFT, cuRAND, cuDNN 9 and onnxruntime's
 * CUDA provider libraries, downloaded into TaoDesk's data folder so a machine with an NVIDIA
 * driver needs no system-wide CUDA install. The libraries come from NVIDIA's and onnxruntime's
 * redistributable Python wheels on PyPI, whose JSON API publishes each file's size and sha256:
 * every wheel is downloaded resumably (HTTP Range), verified against that sha256, and only then
 * are the listed shared libraries extracted into `<data>/gpu-runtime/lib`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { EngineError } from '../../../contract/errors'
import type { ExpectedFile, FileProgress } from '../models/verified-download'
import { describeError, downloadVerified } from '../models/verified-download'
import { extractZipEntry, readZipEntries } from './zip'

export const DEFAULT_PACKAGE_INDEX = 'https://pypi.org'

export interface PackComponent {
  /** PyPI project. */
  readonly name: string
  /** Exact version, or null for the newest release. */
  readonly version: string | null
  /** Wheel members to extract (matched against the basename). */
  readonly members: RegExp
}

/** What the CUDA provider of onnxruntime-node `ortVersion` needs, by wheel. */
export function packComponents(ortVersion: string): PackComponent[] {
  return [
    { name: 'nvidia-cuda-runtime-cu12', version: null, members: /^libcudart\.so\.12$/ },
    { name: 'nvidia-cublas-cu12', version: null, members: /^libcublas(Lt)?\.so\.12$/ },
    { name: 'nvidia-cufft-cu12', version: null, members: /^libcufft\.so\.11$/ },
    { name: 'nvidia-curand-cu12', version: null, members: /^libcurand\.so\.10$/ },
    { name: 'nvidia-cudnn-cu12', version: null, members: /^libcudnn.*\.so\.9$/ },
    // The provider libraries of the same onnxruntime release as the installed onnxruntime-node.
    { name: 'onnxruntime-gpu', version: ortVersion, members: /^libonnxruntime_providers_(cuda|shared)\.so$/ },
  ]
}

export interface PackFile extends ExpectedFile {
  readonly url: string
  readonly component: PackComponent
}

interface PypiRelease {
  info?: { version?: string }
  urls?: { filename: string; url: string; size: number; packagetype: string; digests?: { sha256?: string } }[]
}

export interface PackProgress {
  readonly phase: 'resolving' | 'downloading' | 'extracting' | 'done' | 'failed'
  readonly file: string | null
  readonly receivedBytes: number
  readonly totalBytes: number
  readonly message?: string
}

export interface RuntimePackOptions {
  /** `<data folder>/gpu-runtime` */
  readonly dir: string
  readonly ortVersion: string
  /** PyPI or a mirror (PIP_INDEX-like); tests use a local double. */
  readonly index?: string
  readonly fetch?: typeof fetch
  readonly freeSpace?: (dir: string) => number | null
}

export interface PackState {
  readonly installed: boolean
  readonly ortVersion: string | null
  readonly libraries: readonly string[]
}

/** Downloads, verifies and unpacks the GPU runtime; resumes partial downloads when run again. */
export class RuntimePack {
  constructor(private readonly o: RuntimePackOptions) {}

  get libDir(): string {
    return path.join(this.o.dir, 'lib')
  }

  state(): PackState {
    try {
      const s = JSON.parse(fs.readFileSync(path.join(this.o.dir, 'pack.json'), 'utf8')) as { ortVersion: string; libraries: string[] }
      const present = s.libraries.every((l) => fs.existsSync(path.join(this.libDir, l)))
      return { installed: present && s.ortVersion === this.o.ortVersion, ortVersion: s.ortVersion, libraries: s.libraries }
    } catch {
      return { installed: false, ortVersion: null, libraries: [] }
    }
  }

  /** The wheel of each component for Linux x64, with the size and sha256 the index publishes. */
  async resolve(signal?: AbortSignal): Promise<PackFile[]> {
    const index = (this.o.index ?? DEFAULT_PACKAGE_INDEX).replace(/\/+$/, '')
    const out: PackFile[] = []
    for (const component of packComponents(this.o.ortVersion)) {
      const url = `${index}/pypi/${component.name}/${component.version ? `${component.version}/` : ''}json`
      let body: PypiRelease
      try {
        const res = await (this.o.fetch ?? fetch)(url, { signal, headers: { accept: 'application/json', 'user-agent': 'taodesk' } })
        if (res.status === 404) throw new EngineError('NOT_FOUND', `${index} has no ${component.name}${component.version ? ` ${component.version}` : ''}; the GPU runtime for onnxruntime ${this.o.ortVersion} is not published there.`)
        if (!res.ok) throw new EngineError('DOWNLOAD_FAILED', `${index} answered HTTP ${res.status} for ${component.name}. Try again later.`)
        body = (await res.json()) as PypiRelease
      } catch (error) {
        if (error instanceof EngineError || signal?.aborted) throw error
        throw new EngineError('DOWNLOAD_FAILED', `Could not reach ${index} (${describeError(error)}). Check the internet connection, then press Download GPU runtime again.`)
      }
      const wheel = (body.urls ?? [])
        .filter((u) => u.packagetype === 'bdist_wheel' && /manylinux.*x86_64\.whl$/.test(u.filename) && u.digests?.sha256)
        .sort((a, b) => b.filename.localeCompare(a.filename))[0]
      if (!wheel) throw new EngineError('NOT_FOUND', `${component.name} ${body.info?.version ?? ''} has no Linux x64 wheel with a sha256 on ${index}.`)
      out.push({ path: wheel.filename, size: wheel.size, hash: { algo: 'sha256', value: wheel.digests!.sha256! }, url: wheel.url, component })
    }
    return out
  }

  async install(onProgress: (p: PackProgress) => void, signal?: AbortSignal): Promise<PackState> {
    let received = 0
    let total = 0
    try {
      onProgress({ phase: 'resolving', file: null, receivedBytes: 0, totalBytes: 0 })
      const files = await this.resolve(signal)
      total = files.reduce((n, f) => n + f.size, 0)
      const downloads = path.join(this.o.dir, 'downloads')
      fs.mkdirSync(downloads, { recursive: true })
      const free = (this.o.freeSpace ?? (() => null))(this.o.dir)
      // The wheels, and their libraries unpacked (about 2× compressed).
      if (free !== null && free < total * 3) {
        throw new EngineError('NO_SPACE', `The GPU runtime needs about ${(total * 3 / 1e9).toFixed(1)} GB while it installs (${(total / 1e9).toFixed(1)} GB to download), but only ${(free / 1e9).toFixed(1)} GB is free in ${this.o.dir}. Free some space and try again.`)
      }
      const libraries: string[] = []
      for (const f of files) {
        const wheel = path.join(downloads, f.path)
        const base = received
        if (!fs.existsSync(wheel)) {
          await downloadVerified(f.url, f, wheel, (p: FileProgress) => onProgress({ phase: 'downloading', file: f.path, receivedBytes: base + p.receivedBytes, totalBytes: total }), { fetch: this.o.fetch, signal })
        }
        received += f.size
        onProgress({ phase: 'extracting', file: f.path, receivedBytes: received, totalBytes: total })
        const members = readZipEntries(wheel).filter((e) => f.component.members.test(path.posix.basename(e.name)))
        if (members.length === 0) throw new EngineError('DOWNLOAD_FAILED', `${f.path} holds none of the expected libraries; the package layout may have changed.`)
        for (const m of members) {
          signal?.throwIfAborted()
          const name = path.posix.basename(m.name)
          await extractZipEntry(wheel, m, path.join(this.libDir, name))
          libraries.push(name)
        }
        // Unpacked: the wheel is no longer needed.
        fs.rmSync(wheel, { force: true })
      }
      fs.writeFileSync(path.join(this.o.dir, 'pack.json'), `${JSON.stringify({ ortVersion: this.o.ortVersion, libraries, installedAt: Date.now() }, null, 2)}\n`)
      onProgress({ phase: 'done', file: null, receivedBytes: total, totalBytes: total })
      return this.state()
    } catch (error) {
      const message = signal?.aborted ? 'Stopped; the download resumes where it stopped when started again.' : error instanceof EngineError ? error.message : `Installing the GPU runtime failed: ${describeError(error)}.`
      onProgress({ phase: 'failed', file: null, receivedBytes: received, totalBytes: total, message })
      if (signal?.aborted) throw new EngineError('TIMEOUT', message)
      throw error instanceof EngineError ? error : new EngineError('DOWNLOAD_FAILED', message)
    }
  }
}
