import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../../scripts/make-test-models'
import type { EngineError } from '../../../contract/errors'
import { HubClient } from '../models/hub-client'
import type { Manifest } from '../models/model-manager'
import { ModelManager, int8Id } from '../models/model-manager'
import { F, ONNX_TYPE, readInitializer, stringField, tensorMessage } from './onnx-tensor'
import { Message, copyField, readFields } from './protobuf'
import { checkInt8, quantizeInstalled } from './quantize-installed'
import { operatorCounts, quantizeModel, quantizeWeights } from './quantize'

const tiny = ensureTestModel('tiny')
const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

/** Multiplies every value of the initializers whose name ends with `suffix` by `factor` (a broken quantization). */
function corruptInitializers(file: string, suffix: string, factor: number): void {
  const top = readFields(fs.readFileSync(file))
  const graph = top.find((f) => f.field === F.model.graph)!
  const g = new Message()
  for (const f of readFields(graph.value as Uint8Array)) {
    if (f.field === F.graph.initializer && f.wire === 2 && stringField(readFields(f.value), F.tensor.name).endsWith(suffix)) {
      const t = readInitializer(f.value, path.dirname(file))
      const scaled = t.floats().map((v, i) => v * factor * (i % 2 === 0 ? 1 : -1))
      g.message(F.graph.initializer, tensorMessage(t.name, ONNX_TYPE.FLOAT, t.dims, new Uint8Array(scaled.buffer)))
    } else copyField(g, f)
  }
  const m = new Message()
  for (const f of top) {
    if (f.field === F.model.graph) m.message(F.model.graph, g)
    else copyField(m, f)
  }
  m.writeFile(file)
}

describe('int8 weights', () => {
  it('quantizes symmetric per column, and transposes Gemm weights', () => {
    // [K=2, N=3]
    const w = Float32Array.from([1, -0.5, 0, -2, 0.25, 0])
    const { q, scales } = quantizeWeights(w, 2, 3, false, true, false)
    expect(Array.from(scales)).toEqual([2 / 127, 0.5 / 127, 1].map(Math.fround))
    expect(Array.from(q)).toEqual([64, -127, 0, -127, 64, 0])
    const t = quantizeWeights(Float32Array.from([1.2, -2, -0.5, 0.3, 0, 0]), 3, 2, true, true, true)
    expect(Array.from(t.q)).toEqual([38, -63, 0, -63, 38, 0])
  })
})

describe('dynamic int8 quantization of a BERT export', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-int8-'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('rewrites every weight MatMul into the pattern onnxruntime fuses, and the result runs in onnxruntime-node', async () => {
    const dest = path.join(dir, 'model_int8.onnx')
    const before = sha(tiny.onnxFile)
    const stats = await quantizeModel(tiny.onnxFile, dest)
    expect(sha(tiny.onnxFile)).toBe(before)
    // 2 layers × (q, k, v, attention output, intermediate, output) = 12 weight MatMuls; the 4 attention MatMuls stay float.
    expect(stats.quantized).toBe(12)
    const ops = operatorCounts(dest)
    expect(ops.get('DynamicQuantizeLinear')).toBe(12)
    expect(ops.get('MatMulInteger')).toBe(12)
    expect(ops.get('MatMul')).toBe(4)
    const session = await ort.InferenceSession.create(dest, { intraOpNumThreads: 1 })
    const n = 6
    const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(101 + i * 997))
    const out = await session.run({
      input_ids: new ort.Tensor('int64', ids, [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [1, n]),
    })
    const hidden = out.last_hidden_state!.data as Float32Array
    expect(hidden.length).toBe(n * 32)
    expect(hidden.every(Number.isFinite)).toBe(true)
    await session.release()
  })

  it('refuses to overwrite the original and explains a model without weights to quantize', async () => {
    await expect(quantizeModel(tiny.onnxFile, tiny.onnxFile)).rejects.toThrow(/its own file/)
    // Quantizing twice: nothing float is left to quantize.
    await quantizeModel(tiny.onnxFile, path.join(dir, 'once.onnx'))
    await expect(quantizeModel(path.join(dir, 'once.onnx'), path.join(dir, 'twice.onnx'))).rejects.toThrow(/no float MatMul.*already be quantized/)
    await expect(quantizeModel(path.join(dir, 'once.onnx'), path.join(dir, 'big.onnx'), { minElements: 1e9 })).rejects.toThrow(/no float MatMul/)
  })
})

describe('quantizing an installed model (file beside the original, checked before use)', () => {
  let home: string
  let manager: ModelManager
  let base: Manifest
  const deps = (): Parameters<typeof quantizeInstalled>[0] => ({
    models: manager,
    embedderOptions: (m) => ({ onnxFile: path.join(manager.folder(m.id), m.onnxPath), tokenizerFile: path.join(manager.folder(m.id), m.tokenizerPath), pooling: m.pooling, maxLength: m.maxLength, intraOpThreads: 1 }),
  })
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-int8-home-'))
    manager = new ModelManager(path.join(home, 'models'), new HubClient({ endpoint: 'http://127.0.0.1:1' }))
    base = await manager.importFolder(tiny.dir, 'tiny')
  })
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }))

  it('writes <id>:int8 beside the original, leaves the original byte for byte, and passes the cosine check', async () => {
    const original = path.join(manager.folder(base.id), base.onnxPath)
    const before = sha(original)
    const report = await quantizeInstalled(deps(), base.id)
    expect(report.id).toBe('local/tiny:int8')
    expect(path.dirname(report.file)).toBe(path.dirname(original))
    expect(path.basename(report.file)).toBe('model_int8.onnx')
    expect(sha(original)).toBe(before)
    expect((await manager.verify(base.id)).ok).toBe(true)
    expect(report.quality.texts).toBeGreaterThanOrEqual(30)
    expect(report.quality.meanCosine).toBeGreaterThanOrEqual(0.99)
    expect(report.quality.minCosine).toBeLessThanOrEqual(report.quality.meanCosine)
    expect(report.quality.passed).toBe(true)
    expect(report.advice).toMatch(/taodesk models use local\/tiny:int8/)
    // Listed as installed, verified (hash + passed check), so it can be made active.
    expect(manager.installed().map((m) => m.id)).toContain('local/tiny:int8')
    expect(await manager.verify(int8Id(base.id))).toEqual({ ok: true, problems: [] })
  })

  it('refuses a broken quantization (a corrupted scale) and will not let it be made active', async () => {
    await quantizeInstalled(deps(), base.id)
    const variant = manager.manifest(int8Id(base.id))!
    corruptInitializers(path.join(manager.folder(base.id), variant.onnxPath), '_scale', 40)
    const quality = await checkInt8(deps(), variant)
    expect(quality.passed).toBe(false)
    expect(quality.meanCosine).toBeLessThan(0.99)
    const v = await manager.verify(int8Id(base.id))
    expect(v.ok).toBe(false)
    expect(v.problems.join(' ')).toMatch(/has not passed its quality check/)
  })

  it('removing the int8 copy keeps the original', async () => {
    await quantizeInstalled(deps(), base.id)
    manager.remove(int8Id(base.id))
    expect(manager.manifest(int8Id(base.id))).toBeNull()
    expect((await manager.verify(base.id)).ok).toBe(true)
    const err = (await quantizeInstalled(deps(), 'local/none').catch((e: unknown) => e)) as EngineError
    expect(err.code).toBe('NOT_FOUND')
  })
})
