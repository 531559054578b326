import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { GpuStatus, Handlers, PackProgressEvent } from '../../../contract'
import { EngineError } from '../../../contract/errors'
import type { Logger } from '../../../platform/logging'
import { freeBytes } from '../models/model-manager'
import type { GpuProbeEnvironment } from './detect'
import { detectGpu } from './detect'
import { withGpuRuntime } from './launch-env'
import { RuntimePack } from './runtime-pack'

export interface GpuRuntimeOptions {
  /** `<data folder>/gpu-runtime` */
  readonly dir: string
  readonly log: Logger
  readonly onProgress: (p: PackProgressEvent) => void
  /** Tests: a fake machine and a package-index double. */
  readonly probe?: Partial<GpuProbeEnvironment>
  readonly index?: string
}

type GpuHandlers = Pick<Handlers, 'models.gpuStatus' | 'models.gpuInstall' | 'models.gpuCancel'>

function ortPackage(): { version: string; libDir: string } | null {
  try {
    const require = createRequire(import.meta.url)
    const file = require.resolve('onnxruntime-node/package.json')
    const { version } = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }
    return { version, libDir: path.join(path.dirname(file), 'bin', 'napi-v6', process.platform, process.arch) }
  } catch {
    return null
  }
}

/**
 * The environment to start an engine process with (desktop utilityProcess, `taodesk serve`): `base`
 * plus the GPU runtime pack of `<home>/gpu-runtime` on the loader's path when it is complete.
 */
export function engineLaunchEnv(home: string, base: NodeJS.ProcessEnv, log?: (message: string) => void): NodeJS.ProcessEnv {
  const ort = ortPackage()
  const pack = new RuntimePack({ dir: path.join(home, 'gpu-runtime'), ortVersion: ort?.version ?? '0' })
  const input = { platform: process.platform, arch: process.arch, packLibDir: pack.libDir, packInstalled: ort !== null && pack.state().installed, ortLibDir: ort?.libDir ?? null, exists: (f: string) => fs.existsSync(f) }
  return withGpuRuntime(base, input, log)
}

const runCommand: GpuProbeEnvironment['run'] = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { timeout: 10_000 }, (error, stdout) => {
      const code = (error as (Error & { code?: unknown }) | null)?.code
      if (code === 'ENOENT') resolve(null)
      else resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout: String(stdout) })
    })
  })

/** The Models page's GPU card: what is missing for CUDA, and the runtime pack that fills the gap. */
export class GpuRuntime {
  private readonly pack: RuntimePack
  private install: AbortController | null = null
  private readonly ort = ortPackage()

  constructor(private readonly o: GpuRuntimeOptions) {
    this.pack = new RuntimePack({ dir: o.dir, ortVersion: this.ort?.version ?? '0', index: o.index, freeSpace: freeBytes })
  }

  async status(): Promise<GpuStatus> {
    const report = await detectGpu({
      platform: process.platform,
      arch: process.arch,
      run: runCommand,
      exists: (f) => fs.existsSync(f),
      env: process.env,
      ortLibDir: this.ort?.libDir ?? null,
      packLibDir: this.pack.libDir,
      ...this.o.probe,
    })
    return { ...report, gpus: [...report.gpus], libraries: [...report.libraries], steps: [...report.steps], pack: { installed: this.pack.state().installed, dir: this.o.dir, installing: this.install !== null }, onnxruntimeVersion: this.ort?.version ?? null }
  }

  startInstall(): { started: boolean } {
    if (this.install) return { started: false }
    if (!this.ort) throw new EngineError('INTERNAL', 'onnxruntime-node is not installed with TaoDesk; reinstall TaoDesk.')
    const controller = new AbortController()
    this.install = controller
    this.o.log.info('GPU runtime download started', { dir: this.o.dir, onnxruntime: this.ort.version })
    void this.pack
      .install((p) => this.o.onProgress(p), controller.signal)
      .then(() => this.o.log.info('GPU runtime installed', { dir: this.o.dir }))
      .catch((error: unknown) => this.o.log.warn('GPU runtime download failed', { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        this.install = null
      })
    return { started: true }
  }

  cancel(): boolean {
    this.install?.abort()
    return this.install !== null
  }

  handlers(): GpuHandlers {
    return {
      'models.gpuStatus': () => this.status(),
      'models.gpuInstall': () => this.startInstall(),
      'models.gpuCancel': () => ({ cancelled: this.cancel() }),
    }
  }

  dispose(): void {
    this.install?.abort()
  }
}
