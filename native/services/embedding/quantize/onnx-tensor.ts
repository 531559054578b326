import fs from 'node:fs'
import path from 'node:path'
import type { ReadField } from './protobuf'
import { Message, readFields, utf8 } from './protobuf'

/** ONNX TensorProto.DataType values the quantizer reads or writes. */
export const ONNX_TYPE = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const

/** ONNX field numbers (onnx.proto) the quantizer touches; everything else is copied as read. */
export const F = {
  model: { opsetImport: 8, graph: 7 },
  opset: { domain: 1, version: 2 },
  graph: { node: 1, initializer: 5, output: 12 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 },
  attr: { name: 1, f: 2, i: 3, type: 20 },
  tensor: { dims: 1, dataType: 2, floatData: 4, name: 8, rawData: 9, externalData: 13, dataLocation: 14 },
  valueInfo: { name: 1 },
} as const

/** An initializer as read: its header, and its float data on demand. */
export interface Initializer {
  readonly name: string
  readonly dims: readonly number[]
  readonly dataType: number
  readonly raw: Uint8Array
  /** The values as float32 (FLOAT tensors only; inline or in an external data file). */
  floats(): Float32Array
}

/** Repeated int64 fields may be written packed or one per tag; both are valid protobuf. */
export function repeatedInts(fields: readonly ReadField[], field: number): number[] {
  const out: number[] = []
  for (const f of fields) {
    if (f.field !== field) continue
    if (f.wire === 0) out.push(Number(BigInt.asIntN(64, f.value)))
    else if (f.wire === 2) for (const v of readPackedVarints(f.value)) out.push(v)
  }
  return out
}

function readPackedVarints(buf: Uint8Array): number[] {
  const out: number[] = []
  let v = 0n
  let shift = 0n
  for (const byte of buf) {
    v |= BigInt(byte & 0x7f) << shift
    if ((byte & 0x80) === 0) {
      out.push(Number(BigInt.asIntN(64, v)))
      v = 0n
      shift = 0n
    } else shift += 7n
  }
  return out
}

export function stringField(fields: readonly ReadField[], field: number): string {
  const f = fields.find((x) => x.field === field && x.wire === 2)
  return f && f.wire === 2 ? utf8(f.value) : ''
}

export function stringFields(fields: readonly ReadField[], field: number): string[] {
  return fields.filter((x) => x.field === field && x.wire === 2).map((x) => utf8(x.value as Uint8Array))
}

export function readInitializer(raw: Uint8Array, modelDir: string): Initializer {
  const fields = readFields(raw)
  const name = stringField(fields, F.tensor.name)
  const dims = repeatedInts(fields, F.tensor.dims)
  const dataType = Number(fields.find((f) => f.field === F.tensor.dataType)?.value ?? 0)
  return {
    name,
    dims,
    dataType,
    raw,
    floats(): Float32Array {
      if (dataType !== ONNX_TYPE.FLOAT) throw new Error(`${name} is not a float tensor`)
      const count = dims.reduce((a, b) => a * b, 1)
      const bytes = tensorBytes(fields, modelDir, name)
      if (bytes.length !== count * 4) throw new Error(`${name}: ${bytes.length} bytes of data for ${count} floats`)
      // Copy: the protobuf view may be unaligned for a Float32Array.
      const out = new Float32Array(count)
      new Uint8Array(out.buffer).set(bytes)
      return out
    },
  }
}

function tensorBytes(fields: readonly ReadField[], modelDir: string, name: string): Uint8Array {
  const rawData = fields.find((f) => f.field === F.tensor.rawData && f.wire === 2)
  if (rawData && rawData.wire === 2) return rawData.value
  const external = Number(fields.find((f) => f.field === F.tensor.dataLocation)?.value ?? 0) === 1
  if (external) {
    const entries = new Map<string, string>()
    for (const f of fields) {
      if (f.field !== F.tensor.externalData || f.wire !== 2) continue
      const kv = readFields(f.value)
      entries.set(stringField(kv, 1), stringField(kv, 2))
    }
    const location = entries.get('location')
    if (!location) throw new Error(`${name}: external data without a location`)
    const file = path.resolve(modelDir, location)
    if (path.dirname(file) !== path.resolve(modelDir) && !file.startsWith(path.resolve(modelDir) + path.sep)) throw new Error(`${name}: external data outside the model folder`)
    const offset = Number(entries.get('offset') ?? 0)
    const length = Number(entries.get('length') ?? fs.statSync(file).size - offset)
    const out = Buffer.alloc(length)
    const fd = fs.openSync(file, 'r')
    try {
      fs.readSync(fd, out, 0, length, offset)
    } finally {
      fs.closeSync(fd)
    }
    return out
  }
  // float_data: packed fixed32 (or, rarely, one per tag).
  const parts: Uint8Array[] = []
  for (const f of fields) {
    if (f.field !== F.tensor.floatData) continue
    if (f.wire === 2) parts.push(f.value)
    else if (f.wire === 5) {
      const b = new Uint8Array(4)
      new DataView(b.buffer).setUint32(0, Number(f.value), true)
      parts.push(b)
    }
  }
  return Buffer.concat(parts)
}

/** A new initializer with raw little-endian data. */
export function tensorMessage(name: string, dataType: number, dims: readonly number[], data: Uint8Array): Message {
  const t = new Message()
  for (const d of dims) t.int(F.tensor.dims, d)
  t.int(F.tensor.dataType, dataType)
  t.string(F.tensor.name, name)
  t.bytes(F.tensor.rawData, data)
  return t
}

export function floatBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
}
