import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../platform/logging'
import { GpuRuntime } from './gpu-runtime'

describe('GPU card status (models.gpuStatus)', () => {
  it('reports the pack folder in the data folder and the onnxruntime-node version it must match', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-gpu-'))
    try {
      const smi = '0, NVIDIA A10G, 550.54.15, 23028, 8.6\n1, NVIDIA A10G, 550.54.15, 23028, 8.6'
      const gpu = new GpuRuntime({ dir: path.join(home, 'gpu-runtime'), log: createLogger(() => undefined, 'gpu'), onProgress: () => undefined, probe: { platform: 'linux', arch: 'x64', run: () => Promise.resolve({ code: 0, stdout: smi }), exists: () => false, env: {} } })
      expect(Object.keys(gpu.handlers()).sort()).toEqual(['models.gpuCancel', 'models.gpuInstall', 'models.gpuStatus'])
      const s = await gpu.status()
      expect(s.gpus.map((g) => g.index)).toEqual([0, 1])
      expect(s.packCanFix).toBe(true)
      expect(s.pack).toEqual({ installed: false, dir: path.join(home, 'gpu-runtime'), installing: false })
      expect(s.onnxruntimeVersion).toMatch(/^\d+\.\d+\.\d+$/)
      const none = new GpuRuntime({ dir: path.join(home, 'g2'), log: createLogger(() => undefined, 'gpu'), onProgress: () => undefined, probe: { platform: 'linux', arch: 'x64', run: () => Promise.resolve(null) } })
      expect((await none.status()).steps[0]).toMatch(/No NVIDIA driver found/)
      expect(none.cancel()).toBe(false)
    } finally {
      fs.rmSync(home, { recursive: true, force: true })
    }
  })
})
