import type { LazyBytes } from '../../native/services/embedding/quantize/protobuf'
import { Message } from '../../native/services/embedding/quantize/protobuf'

/** ONNX TensorProto.DataType values used here. */
export const DType = { FLOAT: 1, INT64: 7 } as const

const ATTR = { FLOAT: 1, INT: 2, INTS: 7 } as const

export type AttrValue = number | number[] | { float: number }

/** Builds an ONNX graph node by node; serialises to a ModelProto (IR 8, opset 17). */
export class GraphBuilder {
  private readonly nodes: Message[] = []
  private readonly initializers: Message[] = []
  private readonly inputs: Message[] = []
  private readonly outputs: Message[] = []
  private counter = 0

  constructor(private readonly name: string) {}

  fresh(hint: string): string {
    return `${hint}_${this.counter++}`
  }

  input(name: string, dtype: number, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, dtype, dims))
    return name
  }

  output(name: string, dtype: number, dims: (number | string)[]): void {
    this.outputs.push(valueInfo(name, dtype, dims))
  }

  /** A float tensor initializer whose bytes are produced only when the file is written. */
  floatTensor(name: string, dims: number[], fill: (out: Float32Array) => void): string {
    const count = dims.reduce((a, b) => a * b, 1)
    const lazy: LazyBytes = {
      length: count * 4,
      produce() {
        const data = new Float32Array(count)
        fill(data)
        return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      },
    }
    this.initializers.push(tensorHeader(name, DType.FLOAT, dims).bytes(9, lazy))
    return name
  }

  int64Tensor(name: string, dims: number[], values: number[]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)))
    this.initializers.push(tensorHeader(name, DType.INT64, dims).bytes(9, new Uint8Array(data.buffer)))
    return name
  }

  floatScalar(name: string, value: number): string {
    const data = new Float32Array([value])
    this.initializers.push(tensorHeader(name, DType.FLOAT, []).bytes(9, new Uint8Array(data.buffer)))
    return name
  }

  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputCount = 1): string[] {
    const outs = Array.from({ length: outputCount }, () => this.fresh(op.toLowerCase()))
    const m = new Message()
    for (const i of inputs) m.string(1, i)
    for (const o of outs) m.string(2, o)
    m.string(3, this.fresh(`n_${op}`))
    m.string(4, op)
    for (const [key, value] of Object.entries(attrs)) {
      const a = new Message().string(1, key)
      if (Array.isArray(value)) {
        for (const v of value) a.int(8, v)
        a.int(20, ATTR.INTS)
      } else if (typeof value === 'object') {
        a.float(2, value.float).int(20, ATTR.FLOAT)
      } else {
        a.int(3, value).int(20, ATTR.INT)
      }
      m.message(5, a)
    }
    this.nodes.push(m)
    return outs
  }

  /** One-output node helper. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.node(op, inputs, attrs, 1)[0]!
  }

  /** Renames a value by routing it through Identity to the given graph output name. */
  identity(input: string, outputName: string): void {
    const m = new Message().string(1, input).string(2, outputName).string(3, this.fresh('n_Identity')).string(4, 'Identity')
    this.nodes.push(m)
  }

  toModel(producer = 'taodesk-make-test-models'): Message {
    const g = new Message()
    for (const n of this.nodes) g.message(1, n)
    g.string(2, this.name)
    for (const t of this.initializers) g.message(5, t)
    for (const i of this.inputs) g.message(11, i)
    for (const o of this.outputs) g.message(12, o)
    const model = new Message().int(1, 8).string(2, producer).string(3, '1')
    model.message(7, g)
    model.message(8, new Message().string(1, '').int(2, 17))
    return model
  }
}

function tensorHeader(name: string, dtype: number, dims: number[]): Message {
  const t = new Message()
  for (const d of dims) t.int(1, d)
  t.int(2, dtype)
  t.string(8, name)
  return t
}

function valueInfo(name: string, dtype: number, dims: (number | string)[]): Message {
  const shape = new Message()
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d))
  const tensorType = new Message().int(1, dtype).message(2, shape)
  const type = new Message().message(1, tensorType)
  return new Message().string(1, name).message(2, type)
}
