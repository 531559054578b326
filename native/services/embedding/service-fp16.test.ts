import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../scripts/make-test-models'
import { createLogger } from '../../platform/logging'
import type { GpuProbeEnvironment } from './gpu/detect'
import { hasFp16 } from './models/model-manager'
import { EmbeddingService } from './service'
import { FP16_PATH, repoWithFp16 } from './test-support/fp16-repo'
import { HubDouble } from './test-support/hub-double'

const tiny = ensureTestModel('tiny')
const ID = 'bge-small-en-v1.5'
const FP16 = FP16_PATH

/** nvidia-smi on a machine with one tensor-core GPU and no CUDA install (the runtime pack can fix it). */
const GPU_MACHINE: Partial<GpuProbeEnvironment> = { platform: 'linux', arch: 'x64', run: (cmd) => Promise.resolve(cmd === 'nvidia-smi' ? { code: 0, stdout: '0, NVIDIA GeForce RTX 4090, 550.54.15, 24564, 8.9\n' } : null), exists: () => false, env: {} }
/** No nvidia-smi at all. */
const CPU_MACHINE: Partial<GpuProbeEnvironment> = { platform: 'linux', arch: 'x64', run: () => Promise.resolve(null), exists: () => false, env: {} }

describe('model downloads bring the fp16 copy only where CUDA will run it (issue 18 item 2)', () => {
  let hub: HubDouble
  let endpoint: string
  let home: string
  // The repo lists onnx/model_fp16.onnx beside onnx/model.onnx (fp16-repo.ts), listed as the hub lists it (hub-double.ts).
  const repo = repoWithFp16(tiny.dir, tiny.onnxFile)
  beforeAll(async () => {
    hub = new HubDouble({ repos: { 'BAAI/bge-small-en-v1.5': repo.dir } })
    endpoint = await hub.start()
  })
  afterAll(async () => {
    await hub.stop()
    repo.cleanup()
  })
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-fp16-svc-'))
  })
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }))

  const service = (gpuProbe: Partial<GpuProbeEnvironment>): EmbeddingService =>
    new EmbeddingService({ home, log: createLogger(() => undefined, 'test'), fire: () => undefined, hubEndpoint: endpoint, gpuProbe })

  it('a machine with a tensor-core GPU gets the fp16 copy, and the Models page row says so', async () => {
    const s = service(GPU_MACHINE)
    const m = await s.download(ID)
    expect(hasFp16(m)).toBe(true)
    expect(fs.existsSync(path.join(s.models.folder(ID), FP16))).toBe(true)
    expect(s.list().models.find((r) => r.id === ID)).toMatchObject({ installed: true, fp16: true })
    expect(await s.models.verify(ID)).toEqual({ ok: true, problems: [] })
  })

  it('a CPU-only machine does not download it; the copy can be fetched later', async () => {
    const s = service(CPU_MACHINE)
    const m = await s.download(ID)
    expect(hasFp16(m)).toBe(false)
    expect(fs.existsSync(path.join(s.models.folder(ID), FP16))).toBe(false)
    expect(s.list().models.find((r) => r.id === ID)).toMatchObject({ installed: true, fp16: false })
    // Not installed models say nothing about fp16.
    expect(s.list().models.find((r) => r.id === 'bge-base-en-v1.5')!.fp16).toBeUndefined()
    // The user chose the CPU, or turned fp16 off: no copy even with a GPU.
    expect(await service(GPU_MACHINE).fp16Wanted()).toBe(true)
    fs.writeFileSync(path.join(home, 'models', 'runtime.json'), JSON.stringify({ provider: 'cpu' }))
    expect(await service(GPU_MACHINE).fp16Wanted()).toBe(false)
    // Fetching it later (models.downloadFp16) keeps the model installed and adds the verified copy.
    const later = await s.downloadFp16(ID)
    expect(hasFp16(later)).toBe(true)
    expect(s.list().models.find((r) => r.id === ID)!.fp16).toBe(true)
  })
})
