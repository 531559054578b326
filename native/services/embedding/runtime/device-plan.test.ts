import { describe, expect, it } from 'vitest'
import { cudaDeviceIds, modelFileFor, modelFilesByProvider, wantsFp16Copy, workerDevices } from './device-plan'

const files = { fp32File: '/m/onnx/model.onnx', fp16File: '/m/onnx/model_fp16.onnx', preferFp16: true }

describe('fp16 model choice', () => {
  it('CUDA runs the fp16 copy when there is one and the setting allows it; every other provider the installed file', () => {
    expect(modelFileFor('cuda', files)).toBe('/m/onnx/model_fp16.onnx')
    for (const p of ['cpu', 'dml', 'coreml', 'webgpu'] as const) expect(modelFileFor(p, files)).toBe('/m/onnx/model.onnx')
    expect(modelFileFor('cuda', { ...files, preferFp16: false })).toBe('/m/onnx/model.onnx')
    expect(modelFileFor('cuda', { ...files, fp16File: null })).toBe('/m/onnx/model.onnx')
  })

  it('per provider, for the worker that tries them in order (a CUDA failure falls back to CPU with fp32)', () => {
    expect(modelFilesByProvider(['cuda', 'cpu'], files)).toEqual({ cuda: '/m/onnx/model_fp16.onnx', cpu: '/m/onnx/model.onnx' })
  })
})

describe('one session per GPU', () => {
  it('CUDA device ids: one per listed GPU, or per GPU CUDA_VISIBLE_DEVICES leaves visible (renumbered from 0)', () => {
    expect(cudaDeviceIds(4, undefined)).toEqual([0, 1, 2, 3])
    expect(cudaDeviceIds(1, undefined)).toEqual([0])
    expect(cudaDeviceIds(0, undefined)).toEqual([0])
    expect(cudaDeviceIds(4, '2,3')).toEqual([0, 1])
    expect(cudaDeviceIds(4, 'GPU-5d1f,GPU-77aa,GPU-0c3e')).toEqual([0, 1, 2])
    expect(cudaDeviceIds(4, '-1')).toEqual([])
    expect(cudaDeviceIds(4, '')).toEqual([])
    expect(cudaDeviceIds(4, '1,-1,2')).toEqual([0])
  })

  it('workers: one per GPU on CUDA, the CPU count without device ids elsewhere', () => {
    expect(workerDevices('cuda', 1, [0, 1, 2])).toEqual([0, 1, 2])
    expect(workerDevices('cuda', 1, [0])).toEqual([0])
    expect(workerDevices('cuda', 1, undefined)).toEqual([undefined])
    expect(workerDevices('cuda', 1, [])).toEqual([undefined])
    expect(workerDevices('cpu', 2, [0, 1])).toEqual([undefined, undefined])
    expect(workerDevices('dml', 1, [0, 1])).toEqual([undefined])
  })
})

describe('fp16 copy downloads (wantsFp16Copy)', () => {
  const ready = { supported: true, ready: true, packCanFix: false, fp16: true }
  it('only where CUDA will run it with tensor cores, unless the user chose the CPU or turned fp16 off', () => {
    expect(wantsFp16Copy(ready, 'auto', true)).toBe(true)
    expect(wantsFp16Copy(ready, 'cuda', true)).toBe(true)
    // Not ready yet, but the GPU runtime pack on the same page makes it so.
    expect(wantsFp16Copy({ ...ready, ready: false, packCanFix: true }, 'auto', true)).toBe(true)
    expect(wantsFp16Copy({ ...ready, ready: false, packCanFix: false }, 'auto', true)).toBe(false)
    expect(wantsFp16Copy({ ...ready, supported: false }, 'auto', true)).toBe(false)
    // No tensor cores: fp16 would not pay.
    expect(wantsFp16Copy({ ...ready, fp16: false }, 'auto', true)).toBe(false)
    expect(wantsFp16Copy(ready, 'cpu', true)).toBe(false)
    expect(wantsFp16Copy(ready, 'dml', true)).toBe(false)
    expect(wantsFp16Copy(ready, 'auto', false)).toBe(false)
  })
})
