import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { GPU_RUNTIME_ENV } from '../gpu/detect'
import { ORT_LIBRARY } from '../gpu/launch-env'

/** Execution providers TaoDesk knows how to ask onnxruntime-node for. */
export const PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const
export type Provider = (typeof PROVIDERS)[number]
export type ProviderPreference = Provider | 'auto'

export const PROVIDER_LABELS: Record<Provider, string> = {
  cuda: 'CUDA (NVIDIA GPU)',
  dml: 'DirectML (Windows GPU)',
  coreml: 'CoreML (Apple)',
  webgpu: 'WebGPU',
  cpu: 'CPU',
}

export interface ProviderCandidate {
  readonly provider: Provider
  /** Null when the provider is worth trying; otherwise why it is skipped without trying. */
  readonly skipReason: string | null
}

export interface ProbeEnvironment {
  readonly platform: NodeJS.Platform
  readonly arch: string
  /** True when an NVIDIA driver is visible. */
  readonly nvidiaGpu: boolean
  /** Folder holding onnxruntime-node's native libraries. */
  readonly ortLibDir: string | null
  readonly fileExists: (file: string) => boolean
}

export const CUDA_INSTALL_HINT =
  'Install the CUDA 12 execution-provider libraries for onnxruntime-node (needs CUDA 12 and cuDNN 9 on the system): ' +
  'in the TaoDesk folder run `cd node_modules/onnxruntime-node && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js`, then restart TaoDesk.'

/**
 * The folder onnxruntime runs from, where it looks for its provider libraries: the GPU runtime
 * pack's when this process was started with it (its copy of libonnxruntime is found first on
 * LD_LIBRARY_PATH; gpu/launch-env.ts), else onnxruntime-node's own.
 */
export function ortRuntimeDir(packageDir: string | null, env: Readonly<Record<string, string | undefined>>, fileExists: (file: string) => boolean): string | null {
  const pack = env[GPU_RUNTIME_ENV]
  const onLoaderPath = pack !== undefined && (env.LD_LIBRARY_PATH ?? '').split(':').includes(pack)
  return onLoaderPath && fileExists(path.join(pack, ORT_LIBRARY)) ? pack : packageDir
}

export function detectEnvironment(): ProbeEnvironment {
  let packageDir: string | null = null
  try {
    const require = createRequire(import.meta.url)
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'))
    packageDir = path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch)
  } catch {
    packageDir = null
  }
  const ortLibDir = ortRuntimeDir(packageDir, process.env, (f) => fs.existsSync(f))
  const nvidiaGpu = process.platform === 'linux' && (fs.existsSync('/proc/driver/nvidia/version') || fs.existsSync('/dev/nvidia0'))
  return { platform: process.platform, arch: process.arch, nvidiaGpu, ortLibDir, fileExists: (f) => fs.existsSync(f) }
}

function cudaSkipReason(env: ProbeEnvironment): string | null {
  if (env.platform !== 'linux' || env.arch !== 'x64') return 'CUDA is used on Linux x64 only (onnxruntime-node ships no CUDA build for this platform).'
  if (!env.nvidiaGpu) return 'No NVIDIA GPU driver found (/proc/driver/nvidia/version is missing).'
  if (env.ortLibDir && !env.fileExists(path.join(env.ortLibDir, 'libonnxruntime_providers_cuda.so'))) {
    return `An NVIDIA GPU is present, but the CUDA provider libraries are not installed. ${CUDA_INSTALL_HINT}`
  }
  return null
}

/**
 * The providers to try, best first, and why the others are skipped. CPU always comes last and
 * is always tried. `preference` forces one provider first (it still falls back to CPU).
 */
export function providerCandidates(preference: ProviderPreference, env: ProbeEnvironment): ProviderCandidate[] {
  const skip: Record<Provider, string | null> = {
    cuda: cudaSkipReason(env),
    dml: env.platform === 'win32' ? null : 'DirectML is available on Windows only.',
    coreml: env.platform === 'darwin' ? null : 'CoreML is available on macOS only.',
    webgpu: preference === 'webgpu' ? null : 'WebGPU is experimental in onnxruntime-node; choose it explicitly to try it.',
    cpu: null,
  }
  const order: Provider[] = preference === 'auto' || preference === 'cpu' ? ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] : [preference, ...PROVIDERS.filter((p) => p !== preference)]
  return order.map((provider) => {
    let reason = skip[provider]
    if (preference === 'cpu' && provider !== 'cpu') reason = 'CPU was chosen in the settings.'
    return { provider, skipReason: reason }
  })
}

export interface ProviderAttempt {
  readonly provider: Provider
  readonly used: boolean
  /** Why it was not used (null for the provider in use). */
  readonly reason: string | null
}
