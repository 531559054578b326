/**
 * What the CUDA execution provider of the installed onnxruntime-node needs on this machine, what
 * is there, and what is missing, with the exact step for each gap. onnxruntime-node's CUDA build
 * (Linux x64) needs: an NVIDIA driver new enough for CUDA 12, the CUDA 12 runtime libraries,
 * cuDNN 9, and onnxruntime's own CUDA provider libraries (not shipped in the npm package).
 * Everything but the driver can come from the GPU runtime pack (runtime-pack.ts) in the data folder.
 */
import path from 'node:path'

/** Set in an engine started with the GPU runtime pack (launch-env.ts): the pack's library folder. */
export const GPU_RUNTIME_ENV = 'TAODESK_GPU_RUNTIME'

/** The minimum Linux driver for CUDA 12.x (NVIDIA's CUDA 12 release notes, "minor version compatibility"). */
export const MIN_DRIVER = '525.60.13'

export interface RequiredLibrary {
  readonly soname: string
  readonly purpose: string
}

export const CUDA_LIBRARIES: readonly RequiredLibrary[] = [
  { soname: 'libcudart.so.12', purpose: 'CUDA 12 runtime' },
  { soname: 'libcublas.so.12', purpose: 'cuBLAS (matrix multiplication)' },
  { soname: 'libcublasLt.so.12', purpose: 'cuBLASLt (matrix multiplication)' },
  { soname: 'libcufft.so.11', purpose: 'cuFFT' },
  { soname: 'libcurand.so.10', purpose: 'cuRAND' },
  { soname: 'libcudnn.so.9', purpose: 'cuDNN 9' },
]

export const PROVIDER_LIBRARIES: readonly RequiredLibrary[] = [
  { soname: 'libonnxruntime_providers_shared.so', purpose: "onnxruntime's provider bridge" },
  { soname: 'libonnxruntime_providers_cuda.so', purpose: "onnxruntime's CUDA execution provider" },
]

export interface GpuInfo {
  readonly index: number
  readonly name: string
  readonly memoryMiB: number
  /** Compute capability ("8.9"); fp16 runs well from 7.0 (tensor cores). */
  readonly computeCapability: string | null
}

export interface LibraryCheck extends RequiredLibrary {
  /** Where it was found, or null. */
  readonly path: string | null
}

export interface GpuReport {
  readonly supported: boolean
  readonly gpus: readonly GpuInfo[]
  readonly driverVersion: string | null
  readonly driverOk: boolean
  readonly libraries: readonly LibraryCheck[]
  /** True when the runtime pack would fill every gap (the driver is fine, only libraries are missing). */
  readonly packCanFix: boolean
  /** Ready for the CUDA provider. */
  readonly ready: boolean
  /** fp16 models make sense: every GPU has tensor cores (compute capability ≥ 7.0). */
  readonly fp16: boolean
  /** What to do, in order; empty when ready. */
  readonly steps: readonly string[]
}

/** What detection reads from the machine; tests pass fakes. */
export interface GpuProbeEnvironment {
  readonly platform: NodeJS.Platform
  readonly arch: string
  /** Runs a command; null when it cannot be started (not installed). */
  readonly run: (command: string, args: readonly string[]) => Promise<{ code: number; stdout: string } | null>
  readonly exists: (file: string) => boolean
  readonly env: Readonly<Record<string, string | undefined>>
  /** onnxruntime-node's native library folder. */
  readonly ortLibDir: string | null
  /** The runtime pack's library folder in the data folder. */
  readonly packLibDir: string
}

/** Parses `nvidia-smi --query-gpu=index,name,driver_version,memory.total,compute_cap --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(stdout: string): { gpus: GpuInfo[]; driverVersion: string | null } {
  const gpus: GpuInfo[] = []
  let driverVersion: string | null = null
  for (const line of stdout.split(/\r?\n/)) {
    const cells = line.split(',').map((c) => c.trim())
    if (cells.length < 4 || !/^\d+$/.test(cells[0]!)) continue
    const [index, name, driver, memory, cap] = cells
    driverVersion ??= driver || null
    gpus.push({ index: Number(index), name: name!, memoryMiB: Number(memory) || 0, computeCapability: cap && /^\d+\.\d+$/.test(cap) ? cap : null })
  }
  return { gpus, driverVersion }
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number(x) || 0)
  const pb = b.split('.').map((x) => Number(x) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** Folders the dynamic loader searches for the CUDA libraries, the pack's own first. */
export function librarySearchPath(env: GpuProbeEnvironment): string[] {
  const fromEnv = (env.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)
  const cudaHome = env.env.CUDA_HOME ?? env.env.CUDA_PATH
  return [
    env.packLibDir,
    ...fromEnv,
    ...(cudaHome ? [path.join(cudaHome, 'lib64')] : []),
    '/usr/local/cuda/lib64',
    '/usr/local/cuda-12/lib64',
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
  ]
}

export async function detectGpu(env: GpuProbeEnvironment): Promise<GpuReport> {
  const unsupported = (step: string): GpuReport => ({ supported: false, gpus: [], driverVersion: null, driverOk: false, libraries: [], packCanFix: false, ready: false, fp16: false, steps: [step] })
  if (env.platform !== 'linux' || env.arch !== 'x64') {
    return unsupported('onnxruntime-node has a CUDA build for Linux x64 only. On Windows, choose DirectML; on macOS, CoreML.')
  }
  const smi = await env.run('nvidia-smi', ['--query-gpu=index,name,driver_version,memory.total,compute_cap', '--format=csv,noheader,nounits'])
  if (!smi) return unsupported('No NVIDIA driver found (`nvidia-smi` is not installed). If this machine has an NVIDIA GPU, install its driver (Ubuntu: `sudo ubuntu-drivers install`), reboot, and open this page again.')
  if (smi.code !== 0) return unsupported(`\`nvidia-smi\` failed (exit code ${smi.code}): the NVIDIA driver is installed but not working. Reboot, or reinstall the driver, then open this page again.`)
  const { gpus, driverVersion } = parseNvidiaSmi(smi.stdout)
  if (gpus.length === 0) return unsupported('`nvidia-smi` lists no GPU. Check that the GPU is visible to this machine (in a container: run it with --gpus all).')
  const driverOk = driverVersion !== null && compareVersions(driverVersion, MIN_DRIVER) >= 0
  const search = librarySearchPath(env)
  const find = (soname: string, dirs: readonly string[]): string | null => dirs.map((d) => path.join(d, soname)).find((f) => env.exists(f)) ?? null
  const providerDirs = [...(env.ortLibDir ? [env.ortLibDir] : []), env.packLibDir]
  const libraries: LibraryCheck[] = [...CUDA_LIBRARIES.map((l) => ({ ...l, path: find(l.soname, search) })), ...PROVIDER_LIBRARIES.map((l) => ({ ...l, path: find(l.soname, providerDirs) }))]
  const missing = libraries.filter((l) => l.path === null)
  const steps: string[] = []
  if (!driverOk) {
    steps.push(`The NVIDIA driver is ${driverVersion ?? 'of unknown version'}; CUDA 12 needs ${MIN_DRIVER} or newer. Update it (Ubuntu: \`sudo apt install nvidia-driver-550\`, then reboot); TaoDesk cannot do this for you.`)
  }
  if (missing.length > 0) {
    steps.push(`Missing: ${missing.map((l) => `${l.soname} (${l.purpose})`).join(', ')}. Press "Download GPU runtime" to put them in TaoDesk's data folder (no system-wide CUDA install needed), then reload the model.`)
  }
  // Libraries found only in the pack are usable once the loader and onnxruntime can see them: the
  // loader reads LD_LIBRARY_PATH at process start, and onnxruntime loads its providers from its own
  // folder. TaoDesk starts the engine that way by itself when the pack is complete (launch-env.ts).
  const inPack = (l: LibraryCheck): boolean => l.path !== null && path.dirname(l.path) === env.packLibDir
  const loaderSeesPack = (env.env.LD_LIBRARY_PATH ?? '').split(':').includes(env.packLibDir)
  const ortRunsFromPack = loaderSeesPack && env.env[GPU_RUNTIME_ENV] === env.packLibDir
  const cudaFromPack = libraries.slice(0, CUDA_LIBRARIES.length).some(inPack)
  const providersOnlyInPack = libraries.slice(CUDA_LIBRARIES.length).some(inPack)
  if (missing.length === 0 && ((cudaFromPack && !loaderSeesPack) || (providersOnlyInPack && !ortRunsFromPack))) {
    steps.push(`The GPU runtime is downloaded. Restart TaoDesk (quit the app, or stop and start \`taodesk serve\`): it then starts the engine with the runtime in ${env.packLibDir}.`)
  }
  return {
    supported: true,
    gpus,
    driverVersion,
    driverOk,
    libraries,
    packCanFix: driverOk && missing.length > 0,
    ready: driverOk && steps.length === 0,
    fp16: gpus.every((g) => g.computeCapability !== null && compareVersions(g.computeCapability, '7.0') >= 0),
    steps,
  }
}
