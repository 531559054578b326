/**
 * Dynamic int8 quantization of an ONNX model's MatMul/Gemm weights, as onnxruntime's
 * `quantize_dynamic` does. Each float MatMul with a constant weight B [K, N] becomes
 *
 *   DynamicQuantizeLinear(A) -> A_q (uint8), A_scale, A_zp
 *   MatMulInteger(A_q, B_q (int8), A_zp, B_zp) -> int32
 *   Cast(to float) ; Mul(A_scale, B_scale) ; Mul
 *
 * which is the exact pattern onnxruntime's CPU graph optimiser fuses into its
 * `DynamicQuantizeMatMul` kernel (com.microsoft; with the following bias Add folded in:
 * onnxruntime/core/optimizer/dynamic_quantize_matmul_fusion.cc), while staying standard ONNX.
 * Weights are symmetric int8 per output column (zero point 0). `reduceRange` keeps them in
 * 7 bits, which avoids the int16 saturation of the u8×s8 kernels on x86 CPUs without VNNI.
 * Everything else in the file is copied byte for byte.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Initializer } from './onnx-tensor'
import { F, ONNX_TYPE, floatBytes, readInitializer, stringField, stringFields, tensorMessage } from './onnx-tensor'
import type { ReadField } from './protobuf'
import { Message, copyField, readFields } from './protobuf'

export interface QuantizeOptions {
  /** One scale per output column (default) instead of one for the whole matrix. */
  readonly perChannel?: boolean
  /** Weights in [-63, 63] instead of [-127, 127] (default true; see the file comment). */
  readonly reduceRange?: boolean
  /** Weights with fewer elements stay float (default 0: all, as onnxruntime's quantize_dynamic does). */
  readonly minElements?: number
  readonly signal?: AbortSignal
}

export interface QuantizeStats {
  readonly quantized: number
  readonly keptFloat: number
  readonly bytesIn: number
  readonly bytesOut: number
}

export class QuantizeError extends Error {}

interface ParsedNode {
  readonly fields: readonly ReadField[]
  readonly opType: string
  readonly domain: string
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  readonly name: string
  readonly attrs: ReadonlyMap<string, number>
}

function parseNode(raw: Uint8Array): ParsedNode {
  const fields = readFields(raw)
  const attrs = new Map<string, number>()
  for (const f of fields) {
    if (f.field !== F.node.attribute || f.wire !== 2) continue
    const a = readFields(f.value)
    const name = stringField(a, F.attr.name)
    const i = a.find((x) => x.field === F.attr.i && x.wire === 0)
    const fl = a.find((x) => x.field === F.attr.f && x.wire === 5)
    if (i) attrs.set(name, Number(BigInt.asIntN(64, i.value as bigint)))
    else if (fl) attrs.set(name, new DataView(new Uint32Array([Number(fl.value)]).buffer).getFloat32(0, true))
  }
  return {
    fields,
    opType: stringField(fields, F.node.opType),
    domain: stringField(fields, F.node.domain),
    inputs: stringFields(fields, F.node.input),
    outputs: stringFields(fields, F.node.output),
    name: stringField(fields, F.node.name),
    attrs,
  }
}

function nodeMessage(op: string, inputs: readonly string[], outputs: readonly string[], name: string, intAttrs: Record<string, number> = {}): Message {
  const m = new Message()
  for (const i of inputs) m.string(F.node.input, i)
  for (const o of outputs) m.string(F.node.output, o)
  m.string(F.node.name, name)
  m.string(F.node.opType, op)
  for (const [key, value] of Object.entries(intAttrs)) m.message(F.node.attribute, new Message().string(F.attr.name, key).int(F.attr.i, value).int(F.attr.type, 2))
  return m
}

/** Symmetric int8 weights with one scale per column (or one for all), transposing [N, K] Gemm weights first. */
export function quantizeWeights(values: Float32Array, rows: number, cols: number, transposed: boolean, perChannel: boolean, reduceRange: boolean): { q: Int8Array; scales: Float32Array } {
  const K = transposed ? cols : rows
  const N = transposed ? rows : cols
  const at = (k: number, n: number): number => (transposed ? values[n * cols + k]! : values[k * cols + n]!)
  const qmax = reduceRange ? 63 : 127
  const maxAbs = new Float32Array(perChannel ? N : 1)
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      const c = perChannel ? n : 0
      const v = Math.abs(at(k, n))
      if (v > maxAbs[c]!) maxAbs[c] = v
    }
  }
  const scales = maxAbs.map((m) => (m > 0 ? m / qmax : 1))
  const q = new Int8Array(K * N)
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      const s = scales[perChannel ? n : 0]!
      q[k * N + n] = Math.max(-qmax, Math.min(qmax, Math.round(at(k, n) / s)))
    }
  }
  return { q, scales }
}

/** Writes the int8 model to `dest` (a new file; the source is only read). */
export async function quantizeModel(src: string, dest: string, options: QuantizeOptions = {}): Promise<QuantizeStats> {
  const perChannel = options.perChannel ?? true
  const reduceRange = options.reduceRange ?? true
  const minElements = options.minElements ?? 0
  if (path.resolve(src) === path.resolve(dest)) throw new QuantizeError('The int8 model must be written to its own file; the original stays untouched.')
  const buf = fs.readFileSync(src)
  const modelDir = path.dirname(src)
  let top: ReadField[]
  try {
    top = readFields(buf)
  } catch (error) {
    throw new QuantizeError(`${path.basename(src)} is not a readable ONNX file (${error instanceof Error ? error.message : String(error)}).`)
  }
  const graphField = top.find((f) => f.field === F.model.graph && f.wire === 2)
  if (!graphField || graphField.wire !== 2) throw new QuantizeError(`${path.basename(src)} has no graph; it is not an ONNX model.`)
  const defaultOpset = top
    .filter((f) => f.field === F.model.opsetImport && f.wire === 2)
    .map((f) => readFields(f.value as Uint8Array))
    .find((o) => stringField(o, F.opset.domain) === '' || stringField(o, F.opset.domain) === 'ai.onnx')
  const opset = Number(defaultOpset?.find((f) => f.field === F.opset.version)?.value ?? 0)
  if (opset < 11) throw new QuantizeError(`The model uses ONNX opset ${opset}; int8 quantization needs opset 11 or newer. Re-export it with a newer opset.`)

  const graph = readFields(graphField.value)
  const inits = new Map<string, Initializer>()
  for (const f of graph) if (f.field === F.graph.initializer && f.wire === 2) {
    const t = readInitializer(f.value, modelDir)
    inits.set(t.name, t)
  }
  const nodes = graph.filter((f) => f.field === F.graph.node && f.wire === 2).map((f) => parseNode(f.value as Uint8Array))

  const newNodes: Message[] = []
  const newInits: Message[] = []
  const replacedWeights = new Set<string>()
  let quantized = 0
  let keptFloat = 0
  let counter = 0
  for (const node of nodes) {
    const weight = quantizableWeight(node, inits, minElements)
    if (!weight) {
      if (node.opType === 'MatMul' || node.opType === 'Gemm') keptFloat++
      newNodes.push(copyNode(node))
      continue
    }
    const { init, transposed, bias } = weight
    const [rows, cols] = init.dims as [number, number]
    // One matrix at a time (about 0.1 s for bge-large's largest), then let the engine's other work run.
    await new Promise((r) => setImmediate(r))
    options.signal?.throwIfAborted()
    const { q, scales } = quantizeWeights(init.floats(), rows, cols, transposed, perChannel, reduceRange)
    const N = transposed ? rows : cols
    const K = transposed ? cols : rows
    const p = `${init.name}_int8_${counter++}`
    newInits.push(tensorMessage(`${p}_quantized`, ONNX_TYPE.INT8, [K, N], new Uint8Array(q.buffer)))
    newInits.push(tensorMessage(`${p}_scale`, ONNX_TYPE.FLOAT, perChannel ? [N] : [], floatBytes(scales)))
    newInits.push(tensorMessage(`${p}_zero_point`, ONNX_TYPE.INT8, perChannel ? [N] : [], new Uint8Array(perChannel ? N : 1)))
    const a = node.inputs[0]!
    const out = node.outputs[0]!
    newNodes.push(nodeMessage('DynamicQuantizeLinear', [a], [`${p}_a_q`, `${p}_a_scale`, `${p}_a_zp`], `${p}_DynamicQuantizeLinear`))
    newNodes.push(nodeMessage('MatMulInteger', [`${p}_a_q`, `${p}_quantized`, `${p}_a_zp`, `${p}_zero_point`], [`${p}_int32`], `${p}_MatMulInteger`))
    newNodes.push(nodeMessage('Cast', [`${p}_int32`], [`${p}_float`], `${p}_Cast`, { to: ONNX_TYPE.FLOAT }))
    newNodes.push(nodeMessage('Mul', [`${p}_a_scale`, `${p}_scale`], [`${p}_multiplier`], `${p}_scale_Mul`))
    const product = bias ? `${p}_product` : out
    newNodes.push(nodeMessage('Mul', [`${p}_float`, `${p}_multiplier`], [product], `${p}_Mul`))
    if (bias) newNodes.push(nodeMessage('Add', [product, bias], [out], `${p}_bias_Add`))
    replacedWeights.add(init.name)
    quantized++
  }
  if (quantized === 0) throw new QuantizeError('The model has no float MatMul or Gemm with constant weights to quantize; it may already be quantized.')

  // Float weights still read by some other node (tied embeddings) stay.
  const stillUsed = new Set<string>()
  for (const node of nodes) if (!quantizableWeight(node, inits, minElements)) for (const i of node.inputs) stillUsed.add(i)
  const outGraph = new Message()
  for (const n of newNodes) outGraph.message(F.graph.node, n)
  for (const f of graph) {
    if (f.field === F.graph.node) continue
    if (f.field === F.graph.initializer && f.wire === 2) {
      const name = stringField(readFields(f.value), F.tensor.name)
      if (replacedWeights.has(name) && !stillUsed.has(name)) continue
    }
    copyField(outGraph, f)
  }
  for (const t of newInits) outGraph.message(F.graph.initializer, t)
  const outModel = new Message()
  for (const f of top) {
    if (f.field === F.model.graph) outModel.message(F.model.graph, outGraph)
    else copyField(outModel, f)
  }
  const tmp = `${dest}.tmp`
  outModel.writeFile(tmp)
  fs.renameSync(tmp, dest)
  return { quantized, keptFloat, bytesIn: buf.length, bytesOut: fs.statSync(dest).size }
}

function copyNode(node: ParsedNode): Message {
  const m = new Message()
  for (const f of node.fields) copyField(m, f)
  return m
}

/** The constant 2-D float weight of a MatMul (or a plain Gemm), if it is worth quantizing. */
function quantizableWeight(node: ParsedNode, inits: ReadonlyMap<string, Initializer>, minElements: number): { init: Initializer; transposed: boolean; bias: string | null } | null {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return null
  const isGemm = node.opType === 'Gemm'
  if (node.opType !== 'MatMul' && !isGemm) return null
  const init = inits.get(node.inputs[1] ?? '')
  if (!init || init.dataType !== ONNX_TYPE.FLOAT || init.dims.length !== 2) return null
  if (init.dims[0]! * init.dims[1]! < minElements) return null
  if (inits.has(node.inputs[0] ?? '')) return null
  if (!isGemm) return { init, transposed: false, bias: null }
  const attr = (k: string, d: number): number => node.attrs.get(k) ?? d
  if (attr('alpha', 1) !== 1 || attr('beta', 1) !== 1 || attr('transA', 0) !== 0) return null
  return { init, transposed: attr('transB', 0) === 1, bias: node.inputs[2] || null }
}

/** Counts of each operator in a model (tests and the report use it to show what changed). */
export function operatorCounts(file: string): Map<string, number> {
  const top = readFields(fs.readFileSync(file))
  const graphField = top.find((f) => f.field === F.model.graph && f.wire === 2)
  const counts = new Map<string, number>()
  if (!graphField || graphField.wire !== 2) return counts
  for (const f of readFields(graphField.value)) {
    if (f.field !== F.graph.node || f.wire !== 2) continue
    const op = stringField(readFields(f.value), F.node.opType)
    counts.set(op, (counts.get(op) ?? 0) + 1)
  }
  return counts
}

