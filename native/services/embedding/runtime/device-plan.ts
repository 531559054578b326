/**
 * Which model file and which GPU each inference worker gets. On CUDA a half-precision copy of the
 * model (`onnx/model_fp16.onnx`, published beside `model.onnx` in many ONNX model repos) runs on
 * the tensor cores at about twice the fp32 speed with half the memory; on CPU fp16 is slower than
 * fp32, so the fp32 file stays the CPU's. On a machine with several GPUs each worker holds one
 * session on its own GPU (CUDA device_id), so every GPU works.
 */
import { gpuRunsFp16 } from '../../../contract'
import type { GpuStatus, ProviderPreference } from '../../../contract'
import type { Provider } from './providers'

export interface ModelFiles {
  /** The model as installed (fp32, or an int8 copy). */
  readonly fp32File: string
  /** A half-precision copy in the model folder, or null. */
  readonly fp16File: string | null
  /** The setting: use fp16 where the provider supports it (default on). */
  readonly preferFp16: boolean
}

/** The file each provider should load: fp16 on CUDA when there is one and the setting allows it. */
export function modelFileFor(provider: Provider, files: ModelFiles): string {
  return provider === 'cuda' && files.preferFp16 && files.fp16File !== null ? files.fp16File : files.fp32File
}

/**
 * Whether a download should bring the repo's fp16 copy too: only where CUDA will run it (a supported
 * NVIDIA GPU that is ready, or that the GPU runtime pack on the same page makes ready) with tensor
 * cores (fp16 is slower than fp32 elsewhere), and unless the user chose the CPU or turned fp16 off.
 * A CPU-only machine never spends the disk and bandwidth on it.
 */
export function wantsFp16Copy(gpu: Pick<GpuStatus, 'supported' | 'ready' | 'packCanFix' | 'fp16'>, preference: ProviderPreference, preferFp16: boolean): boolean {
  if (!preferFp16 || (preference !== 'auto' && preference !== 'cuda')) return false
  return gpuRunsFp16(gpu)
}

/** `modelFileFor` for every provider, for the worker that probes them in order. */
export function modelFilesByProvider(providers: readonly Provider[], files: ModelFiles): Partial<Record<Provider, string>> {
  return Object.fromEntries(providers.map((p) => [p, modelFileFor(p, files)]))
}

/**
 * CUDA device ids to use, one per GPU: 0..n-1 of the GPUs detection lists (nvidia-smi), or of the
 * ones CUDA_VISIBLE_DEVICES leaves visible (CUDA renumbers those from 0). Empty when none is
 * visible; [0] when detection listed none (CUDA's default device).
 */
export function cudaDeviceIds(gpuCount: number, cudaVisibleDevices: string | undefined): number[] {
  if (cudaVisibleDevices !== undefined) {
    const visible = cudaVisibleDevices.split(',').map((s) => s.trim())
    // CUDA stops at the first invalid entry ("-1" hides every GPU).
    const valid = visible.findIndex((s) => s === '' || s.startsWith('-'))
    const count = valid === -1 ? visible.length : valid
    return Array.from({ length: Math.min(count, gpuCount > 0 ? gpuCount : count) }, (_, i) => i)
  }
  return Array.from({ length: Math.max(1, gpuCount) }, (_, i) => i)
}

/**
 * The device of each worker once the first worker settled on `provider`: one worker per GPU on
 * CUDA (when the GPUs are known), otherwise `workers` workers without a device id.
 */
export function workerDevices(provider: Provider, workers: number, cudaDevices: readonly number[] | undefined): Array<number | undefined> {
  if (provider === 'cuda' && cudaDevices !== undefined && cudaDevices.length > 0) return [...cudaDevices]
  return Array.from({ length: Math.max(1, workers) }, () => undefined)
}
