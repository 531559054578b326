/**
 * A few helpers to write WebAssembly modules byte by byte (the scoring kernels have no build step
 * and no binary blob): LEB128 numbers, vectors, sections, names and the opcodes both kernels use.
 */

export const I32 = 0x7f

export function uleb(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

export function sleb(value: number | bigint): number[] {
  let n = BigInt(value)
  const out: number[] = []
  for (;;) {
    const b = Number(n & 0x7fn)
    n >>= 7n
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b)
      return out
    }
    out.push(b | 0x80)
  }
}

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()]
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))]

export const get = (i: number): number[] => [0x20, ...uleb(i)]
export const set = (i: number): number[] => [0x21, ...uleb(i)]
export const i32c = (n: number): number[] => [0x41, ...sleb(n)]
export const f32store = [0x38, 2, 0]
export const BLOCK = [0x02, 0x40]
export const LOOP = [0x03, 0x40]
export const END = 0x0b
export const br = (d: number): number[] => [0x0c, d]
export const brIf = (d: number): number[] => [0x0d, d]
