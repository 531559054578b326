/**
 * Makes a downloaded GPU runtime pack used without manual steps: the process that runs
 * onnxruntime (the desktop engine, `taodesk serve`) is started with the pack on the loader's path.
 *
 * Why a copy of libonnxruntime goes into the pack: onnxruntime loads its CUDA provider
 * (libonnxruntime_providers_shared.so, libonnxruntime_providers_cuda.so) by full path from the
 * folder of libonnxruntime.so itself (provider_bridge_ort.cc: `Env::Default().GetRuntimePath() +
 * filename`, the folder dladdr reports for the library). onnxruntime-node's binding finds
 * libonnxruntime.so.1 through its RUNPATH `$ORIGIN/`, which the loader searches after
 * LD_LIBRARY_PATH. So with `<pack>/lib` first on LD_LIBRARY_PATH and a copy of the installed
 * libonnxruntime.so.1 there, onnxruntime runs from the pack folder and finds the providers and
 * the CUDA libraries beside it, and nothing is written into the app's install folder (which may be
 * read-only or replaced by an update). The loader reads LD_LIBRARY_PATH only when a process
 * starts, hence a launch setting and not something the engine can switch on while running.
 */
import fs from 'node:fs'
import path from 'node:path'
import { CUDA_LIBRARIES, GPU_RUNTIME_ENV, PROVIDER_LIBRARIES } from './detect'

export const ORT_LIBRARY = 'libonnxruntime.so.1'

export interface LaunchEnvInput {
  readonly platform: NodeJS.Platform
  readonly arch: string
  /** `<data folder>/gpu-runtime/lib` */
  readonly packLibDir: string
  /** pack.json says installed for the installed onnxruntime-node version. */
  readonly packInstalled: boolean
  /** onnxruntime-node's native library folder (the source of the libonnxruntime copy). */
  readonly ortLibDir: string | null
  readonly env: Readonly<Record<string, string | undefined>>
  readonly exists: (file: string) => boolean
}

export type LaunchPlan =
  | { readonly use: true; readonly env: Record<string, string>; readonly copy: { readonly from: string; readonly to: string } }
  | { readonly use: false; readonly reason: string }

/** What to add to a launched engine's environment so it runs onnxruntime with the pack; pure, for tests. */
export function gpuLaunchPlan(input: LaunchEnvInput): LaunchPlan {
  // The pack holds Linux x64 wheels only (onnxruntime-node has no CUDA build elsewhere).
  if (input.platform !== 'linux' || input.arch !== 'x64') return { use: false, reason: 'The GPU runtime pack is for Linux x64 only.' }
  if (!input.packInstalled) return { use: false, reason: 'No complete GPU runtime pack in the data folder.' }
  const missing = [...CUDA_LIBRARIES, ...PROVIDER_LIBRARIES].map((l) => l.soname).filter((s) => !input.exists(path.join(input.packLibDir, s)))
  if (missing.length > 0) return { use: false, reason: `The GPU runtime pack is incomplete (missing ${missing.join(', ')}); download it again from the Models page.` }
  const source = input.ortLibDir ? path.join(input.ortLibDir, ORT_LIBRARY) : null
  if (!source || !input.exists(source)) return { use: false, reason: `onnxruntime-node's ${ORT_LIBRARY} was not found; reinstall TaoDesk.` }
  const current = (input.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '' && d !== input.packLibDir)
  return {
    use: true,
    env: { LD_LIBRARY_PATH: [input.packLibDir, ...current].join(':'), [GPU_RUNTIME_ENV]: input.packLibDir },
    copy: { from: source, to: path.join(input.packLibDir, ORT_LIBRARY) },
  }
}

/** Copies `from` to `to` unless an identical-looking copy (size and mtime) is already there; atomic. */
export function syncCopy(from: string, to: string): void {
  const src = fs.statSync(from)
  try {
    const dst = fs.statSync(to)
    if (dst.size === src.size && Math.abs(dst.mtimeMs - src.mtimeMs) < 1) return
  } catch {
    // Not copied yet.
  }
  const tmp = `${to}.${process.pid}.tmp`
  fs.copyFileSync(from, tmp)
  fs.utimesSync(tmp, src.atimeMs / 1000, src.mtimeMs / 1000)
  fs.renameSync(tmp, to)
}

/**
 * The environment for a process that will run onnxruntime: `base` plus the pack's loader path
 * when the pack is complete (copying libonnxruntime into it first), else `base` unchanged.
 */
export function withGpuRuntime(base: NodeJS.ProcessEnv, input: Omit<LaunchEnvInput, 'env'>, log: (message: string) => void = () => undefined): NodeJS.ProcessEnv {
  const plan = gpuLaunchPlan({ ...input, env: base })
  if (!plan.use) return base
  try {
    syncCopy(plan.copy.from, plan.copy.to)
  } catch (error) {
    log(`GPU runtime not used: could not copy ${ORT_LIBRARY} into ${input.packLibDir} (${error instanceof Error ? error.message : String(error)}); the engine runs on the CPU.`)
    return base
  }
  return { ...base, ...plan.env }
}
