import fs from 'node:fs'

/**
 * A minimal protobuf writer for ONNX ModelProto files. Messages are kept as lists of parts so
 * large weight tensors are produced lazily (one at a time) while the file is written, instead of
 * holding a whole 1.3 GB model in memory.
 */
export type Part = Uint8Array | LazyBytes

export interface LazyBytes {
  readonly length: number
  produce(): Uint8Array
}

export class Message {
  readonly parts: Part[] = []
  length = 0

  private push(part: Part): void {
    this.parts.push(part)
    this.length += part.length
  }

  private tag(field: number, wire: number): void {
    this.push(varint(BigInt(field * 8 + wire)))
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0)
    this.push(varint(BigInt.asUintN(64, BigInt(value))))
    return this
  }

  float(field: number, value: number): this {
    this.tag(field, 5)
    const b = new Uint8Array(4)
    new DataView(b.buffer).setFloat32(0, value, true)
    this.push(b)
    return this
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value))
  }

  bytes(field: number, value: Part): this {
    this.tag(field, 2)
    this.push(varint(BigInt(value.length)))
    this.push(value)
    return this
  }

  message(field: number, value: Message): this {
    this.tag(field, 2)
    this.push(varint(BigInt(value.length)))
    for (const p of value.parts) this.push(p)
    return this
  }

  /** Writes the message to a file, producing lazy parts one at a time. */
  writeFile(file: string): void {
    const fd = fs.openSync(file, 'w')
    try {
      let pending: Uint8Array[] = []
      let pendingBytes = 0
      const flush = (): void => {
        if (pending.length === 0) return
        fs.writeSync(fd, Buffer.concat(pending))
        pending = []
        pendingBytes = 0
      }
      for (const part of this.parts) {
        const bytes = part instanceof Uint8Array ? part : part.produce()
        if (bytes.length !== part.length) throw new Error(`Lazy part produced ${bytes.length} bytes, promised ${part.length}`)
        if (bytes.length > 1 << 20) {
          flush()
          fs.writeSync(fd, bytes)
        } else {
          pending.push(bytes)
          pendingBytes += bytes.length
          if (pendingBytes > 1 << 20) flush()
        }
      }
      flush()
    } finally {
      fs.closeSync(fd)
    }
  }
}

export function varint(value: bigint): Uint8Array {
  const out: number[] = []
  let v = value
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v > 0n) byte |= 0x80
    out.push(byte)
  } while (v > 0n)
  return Uint8Array.from(out)
}
