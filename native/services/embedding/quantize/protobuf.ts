import fs from 'node:fs'

/**
 * A minimal protobuf reader and writer for ONNX ModelProto files (the quantizer, and the scripts
 * that build bench/test models). Messages are kept as lists of parts so
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

  fixed32(field: number, value: number): this {
    this.tag(field, 5)
    const b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, value >>> 0, true)
    this.push(b)
    return this
  }

  fixed64(field: number, value: bigint): this {
    this.tag(field, 1)
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, value, true)
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

/** One field of a protobuf message as read: a varint, a fixed32/64, or length-delimited bytes (a view, not a copy). */
export type ReadField = { readonly field: number; readonly wire: 0 | 1 | 5; readonly value: bigint } | { readonly field: number; readonly wire: 2; readonly value: Uint8Array }

/** Reads the top-level fields of a protobuf message; nested messages are read by calling it again on their bytes. */
export function readFields(buf: Uint8Array): ReadField[] {
  const out: ReadField[] = []
  let pos = 0
  const readVarint = (): bigint => {
    let result = 0n
    let shift = 0n
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint')
      const byte = buf[pos++]!
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return result
      shift += 7n
    }
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  while (pos < buf.length) {
    const key = Number(readVarint())
    const field = key >>> 3
    const wire = key & 7
    if (wire === 0) out.push({ field, wire, value: readVarint() })
    else if (wire === 1) {
      out.push({ field, wire, value: view.getBigUint64(pos, true) })
      pos += 8
    } else if (wire === 5) {
      out.push({ field, wire, value: BigInt(view.getUint32(pos, true)) })
      pos += 4
    } else if (wire === 2) {
      const len = Number(readVarint())
      if (pos + len > buf.length) throw new Error('truncated length-delimited field')
      out.push({ field, wire, value: buf.subarray(pos, pos + len) })
      pos += len
    } else throw new Error(`unsupported protobuf wire type ${wire}`)
  }
  return out
}

/** Appends a field exactly as it was read (so untouched parts of a model are copied byte for byte). */
export function copyField(m: Message, f: ReadField): void {
  if (f.wire === 2) m.bytes(f.field, f.value)
  else if (f.wire === 0) m.int(f.field, f.value)
  else if (f.wire === 5) m.fixed32(f.field, Number(f.value))
  else m.fixed64(f.field, f.value)
}

export const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b)
