import { describe, expect, it } from 'vitest'
import type { GpuProbeEnvironment } from './detect'
import { CUDA_LIBRARIES, GPU_RUNTIME_ENV, PROVIDER_LIBRARIES, compareVersions, detectGpu, parseNvidiaSmi } from './detect'

const SMI_TWO_GPUS = '0, NVIDIA GeForce RTX 4090, 550.54.15, 24564, 8.9\n1, NVIDIA GeForce RTX 4090, 550.54.15, 24564, 8.9\n'

/** A fake machine: nvidia-smi's answer and the files that exist. */
function machine(over: { smi?: { code: number; stdout: string } | null; files?: string[]; env?: Record<string, string>; platform?: NodeJS.Platform } = {}): GpuProbeEnvironment {
  const files = new Set(over.files ?? [])
  return {
    platform: over.platform ?? 'linux',
    arch: 'x64',
    run: (command) => Promise.resolve(command === 'nvidia-smi' ? (over.smi === undefined ? { code: 0, stdout: SMI_TWO_GPUS } : over.smi) : null),
    exists: (f) => files.has(f),
    env: over.env ?? {},
    ortLibDir: '/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64',
    packLibDir: '/home/u/.taodesk/gpu-runtime/lib',
  }
}

const allCuda = (dir: string): string[] => CUDA_LIBRARIES.map((l) => `${dir}/${l.soname}`)
const allProvider = (dir: string): string[] => PROVIDER_LIBRARIES.map((l) => `${dir}/${l.soname}`)

describe('GPU detection', () => {
  it('parses nvidia-smi: GPUs, memory, compute capability and the driver version', () => {
    const r = parseNvidiaSmi(SMI_TWO_GPUS)
    expect(r.driverVersion).toBe('550.54.15')
    expect(r.gpus).toEqual([
      { index: 0, name: 'NVIDIA GeForce RTX 4090', memoryMiB: 24564, computeCapability: '8.9' },
      { index: 1, name: 'NVIDIA GeForce RTX 4090', memoryMiB: 24564, computeCapability: '8.9' },
    ])
    // Older drivers do not know compute_cap: the cell is an error text.
    expect(parseNvidiaSmi('0, Tesla T4, 470.82.01, 15109, [Field "compute_cap" is not a valid field to query.]').gpus[0]!.computeCapability).toBeNull()
    expect(compareVersions('525.60.13', '525.60.2')).toBeGreaterThan(0)
    expect(compareVersions('470.82.01', '525.60.13')).toBeLessThan(0)
  })

  it('a GPU with a new driver and no CUDA install: everything missing is fixable by the pack', async () => {
    const r = await detectGpu(machine())
    expect(r.supported).toBe(true)
    expect(r.gpus).toHaveLength(2)
    expect(r.driverOk).toBe(true)
    expect(r.ready).toBe(false)
    expect(r.packCanFix).toBe(true)
    expect(r.fp16).toBe(true)
    expect(r.libraries.filter((l) => l.path === null).map((l) => l.soname)).toEqual([...CUDA_LIBRARIES, ...PROVIDER_LIBRARIES].map((l) => l.soname))
    expect(r.steps).toHaveLength(1)
    expect(r.steps[0]).toMatch(/Missing: libcudart\.so\.12 \(CUDA 12 runtime\).*libcudnn\.so\.9 \(cuDNN 9\).*Download GPU runtime/)
  })

  it('finds a system CUDA (LD_LIBRARY_PATH, /usr/local/cuda) and the pack, and is ready when all are there', async () => {
    const sys = await detectGpu(machine({ env: { LD_LIBRARY_PATH: '/opt/cudnn/lib:/opt/x' }, files: [...allCuda('/usr/local/cuda/lib64').filter((f) => !f.includes('cudnn')), '/opt/cudnn/lib/libcudnn.so.9', ...allProvider('/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64')] }))
    expect(sys.ready).toBe(true)
    expect(sys.steps).toEqual([])
    expect(sys.libraries.find((l) => l.soname === 'libcudnn.so.9')!.path).toBe('/opt/cudnn/lib/libcudnn.so.9')
    // The pack alone: found, but only an engine started with it can use it: the step is a restart.
    const packFiles = [...allCuda('/home/u/.taodesk/gpu-runtime/lib'), ...allProvider('/home/u/.taodesk/gpu-runtime/lib')]
    const pack = await detectGpu(machine({ files: packFiles }))
    expect(pack.ready).toBe(false)
    expect(pack.packCanFix).toBe(false)
    expect(pack.steps).toEqual([expect.stringMatching(/The GPU runtime is downloaded\. Restart TaoDesk .* with the runtime in \/home\/u\/\.taodesk\/gpu-runtime\/lib\./)])
    // An engine TaoDesk started with the pack (launch-env.ts): ready, nothing to do.
    const started = await detectGpu(machine({ env: { LD_LIBRARY_PATH: '/home/u/.taodesk/gpu-runtime/lib:/usr/lib', [GPU_RUNTIME_ENV]: '/home/u/.taodesk/gpu-runtime/lib' }, files: packFiles }))
    expect(started.steps).toEqual([])
    expect(started.ready).toBe(true)
    const wired = await detectGpu(machine({ env: { LD_LIBRARY_PATH: '/home/u/.taodesk/gpu-runtime/lib' }, files: [...allCuda('/home/u/.taodesk/gpu-runtime/lib'), ...allProvider('/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64')] }))
    expect(wired.ready).toBe(true)
  })

  it('an old driver: says exactly what to do, and that TaoDesk cannot do it', async () => {
    const r = await detectGpu(machine({ smi: { code: 0, stdout: '0, Tesla T4, 470.82.01, 15109, 7.5' } }))
    expect(r.driverOk).toBe(false)
    expect(r.packCanFix).toBe(false)
    expect(r.steps[0]).toMatch(/driver is 470\.82\.01; CUDA 12 needs 525\.60\.13 or newer.*cannot do this for you/)
  })

  it('no driver, a broken driver, no GPU, or another platform', async () => {
    expect((await detectGpu(machine({ smi: null }))).steps[0]).toMatch(/No NVIDIA driver found/)
    expect((await detectGpu(machine({ smi: { code: 9, stdout: '' } }))).steps[0]).toMatch(/nvidia-smi` failed \(exit code 9\)/)
    expect((await detectGpu(machine({ smi: { code: 0, stdout: '' } }))).steps[0]).toMatch(/lists no GPU.*--gpus all/)
    expect((await detectGpu(machine({ platform: 'darwin' }))).steps[0]).toMatch(/Linux x64 only/)
    const old = await detectGpu(machine({ smi: { code: 0, stdout: '0, Quadro P4000, 550.54.15, 8192, 6.1' } }))
    expect(old.fp16).toBe(false)
  })
})
