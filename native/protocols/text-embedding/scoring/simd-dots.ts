/**
 * The similarity matrix S = Q·Aᵀ (P×P dot products of D-wide rows) is the whole cost of scoring:
 * 256×256×1024 multiply-adds per answer. Plain JS manages ~0.6 GMAC/s; this tiny WebAssembly
 * SIMD kernel (f32x4, 2×2 register blocking) is several times faster. The module is assembled here,
 * byte by byte, so there is no build step and no binary blob in the repo. If the runtime lacks
 * WebAssembly SIMD, a register-blocked JS kernel gives the same results.
 *
 * Accumulation is float32, as PyTorch does it in the reference validator.
 */

import { BLOCK, END, I32, LOOP, br, brIf, f32store, get, i32c, name, section, set, uleb, vec } from './wasm-bytes'

const V128 = 0x7b


// Opcodes.
const ADD = 0x6a
const MUL = 0x6c
const EQ = 0x46
const SIMD = 0xfd
const v128load = (offset: number) => [SIMD, 0x00, 4, ...uleb(offset)]
const F32X4_ADD = [SIMD, ...uleb(0xe4)]
const F32X4_MUL = [SIMD, ...uleb(0xe6)]
const lane = (l: number) => [SIMD, 0x1f, l]
const F32_ADD = 0x92
const v128zero = [SIMD, 0x0c, ...new Array<number>(16).fill(0)]

/**
 * dots(q, a, out, p, d): out[i·p + j] = Σ_c q[i·d + c]·a[j·d + c], all f32, byte addresses,
 * p even and d a multiple of 4. A 2×2 register block: each step loads two question vectors and
 * two chunk vectors and feeds four independent f32x4 accumulators.
 */
function moduleBytes(): Uint8Array {
  const [Q, A, OUT, P, D, I, J, C, Q0, Q1, A0, A1, DB, ACC00, ACC01, ACC10, ACC11, X0, X1, Y0, Y1] = Array.from({ length: 21 }, (_, k) => k)
  const madd = (acc: number, x: number, y: number) => [...get(acc), ...get(x), ...get(y), ...F32X4_MUL, ...F32X4_ADD, ...set(acc)]
  const hsum = (acc: number) => [...get(acc), ...lane(0), ...get(acc), ...lane(1), F32_ADD, ...get(acc), ...lane(2), ...get(acc), ...lane(3), F32_ADD, F32_ADD]
  // address of out[(row)·p + col] where row/col are expressions given as byte arrays
  const outAddr = (row: number[], col: number[]) => [...get(OUT), ...row, ...get(P), MUL, ...col, ADD, ...i32c(4), MUL, ADD]
  const body: number[] = [
    ...get(D), ...i32c(4), MUL, ...set(DB),
    ...i32c(0), ...set(I),
    ...BLOCK, ...LOOP,
    ...get(I), ...get(P), EQ, ...brIf(1),
    ...get(Q), ...get(I), ...get(DB), MUL, ADD, ...set(Q0),
    ...get(Q0), ...get(DB), ADD, ...set(Q1),
    ...i32c(0), ...set(J),
    ...BLOCK, ...LOOP,
    ...get(J), ...get(P), EQ, ...brIf(1),
    ...get(A), ...get(J), ...get(DB), MUL, ADD, ...set(A0),
    ...get(A0), ...get(DB), ADD, ...set(A1),
    ...v128zero, ...set(ACC00), ...v128zero, ...set(ACC01), ...v128zero, ...set(ACC10), ...v128zero, ...set(ACC11),
    ...i32c(0), ...set(C),
    ...BLOCK, ...LOOP,
    ...get(C), ...get(DB), EQ, ...brIf(1),
    ...get(Q0), ...get(C), ADD, ...v128load(0), ...set(X0),
    ...get(Q1), ...get(C), ADD, ...v128load(0), ...set(X1),
    ...get(A0), ...get(C), ADD, ...v128load(0), ...set(Y0),
    ...get(A1), ...get(C), ADD, ...v128load(0), ...set(Y1),
    ...madd(ACC00, X0, Y0), ...madd(ACC01, X0, Y1), ...madd(ACC10, X1, Y0), ...madd(ACC11, X1, Y1),
    ...get(C), ...i32c(16), ADD, ...set(C),
    ...br(0),
    END, END,
    ...outAddr(get(I), get(J)), ...hsum(ACC00), ...f32store,
    ...outAddr(get(I), [...get(J), ...i32c(1), ADD]), ...hsum(ACC01), ...f32store,
    ...outAddr([...get(I), ...i32c(1), ADD], get(J)), ...hsum(ACC10), ...f32store,
    ...outAddr([...get(I), ...i32c(1), ADD], [...get(J), ...i32c(1), ADD]), ...hsum(ACC11), ...f32store,
    ...get(J), ...i32c(2), ADD, ...set(J),
    ...br(0),
    END, END,
    ...get(I), ...i32c(2), ADD, ...set(I),
    ...br(0),
    END, END,
    END,
  ]
  const locals = vec([
    [...uleb(8), I32],
    [...uleb(8), V128],
  ])
  const code = [...locals, ...body]
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('mem'), 0x02, 0], [...name('dots'), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]
  return Uint8Array.from(bytes)
}

/** The slice of the WebAssembly API used here (the node tsconfig has no DOM/wasm lib types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => unknown
  Instance: new (module: unknown, imports: object) => { exports: Record<string, unknown> }
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

interface Kernel {
  readonly memory: WasmMemory
  readonly dots: (q: number, a: number, out: number, p: number, d: number) => void
}

let kernel: Kernel | null | undefined

function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel
  try {
    const bytes = moduleBytes()
    if (!wasm || !wasm.validate(bytes)) {
      kernel = null
      return kernel
    }
    const instance = new wasm.Instance(new wasm.Module(bytes), {})
    kernel = { memory: instance.exports.mem as WasmMemory, dots: instance.exports.dots as Kernel['dots'] }
  } catch {
    kernel = null
  }
  return kernel
}

/** True when the WebAssembly SIMD kernel is in use (reported by the bench). */
export function simdAvailable(): boolean {
  return loadKernel() !== null
}

/**
 * S[i·p + j] = row qIdx[i] · row aIdx[j] of `data` (rows of width `dim`).
 * `forceJs` exists for tests that compare both paths.
 */
export function similarityMatrix(data: Float32Array, dim: number, qIdx: readonly number[], aIdx: readonly number[], forceJs = false): Float32Array {
  const p = qIdx.length
  const k = forceJs ? null : loadKernel()
  if (!k) return jsDots(data, dim, qIdx, aIdx)
  const pp = p + (p % 2) // the kernel works on 2×2 blocks: pad with one zero row
  const dPad = Math.ceil(dim / 4) * 4
  const qBytes = pp * dPad * 4
  const need = 2 * qBytes + pp * pp * 4
  const have = k.memory.buffer.byteLength
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536))
  const f32 = new Float32Array(k.memory.buffer)
  const aBase = qBytes / 4
  const outBase = (2 * qBytes) / 4
  f32.fill(0, 0, outBase)
  for (let i = 0; i < p; i++) {
    f32.set(data.subarray(qIdx[i] * dim, qIdx[i] * dim + dim), i * dPad)
    f32.set(data.subarray(aIdx[i] * dim, aIdx[i] * dim + dim), aBase + i * dPad)
  }
  k.dots(0, qBytes, 2 * qBytes, pp, dPad)
  if (pp === p) return f32.slice(outBase, outBase + p * p)
  const out = new Float32Array(p * p)
  for (let i = 0; i < p; i++) out.set(f32.subarray(outBase + i * pp, outBase + i * pp + p), i * p)
  return out
}

function jsDots(data: Float32Array, dim: number, qIdx: readonly number[], aIdx: readonly number[]): Float32Array {
  const p = qIdx.length
  const out = new Float32Array(p * p)
  for (let i = 0; i < p; i++) {
    const q = qIdx[i] * dim
    let j = 0
    for (; j + 1 < p; j += 2) {
      const a0 = aIdx[j] * dim
      const a1 = aIdx[j + 1] * dim
      let s0 = 0
      let s1 = 0
      for (let c = 0; c < dim; c++) {
        const x = data[q + c]
        s0 += x * data[a0 + c]
        s1 += x * data[a1 + c]
      }
      out[i * p + j] = s0
      out[i * p + j + 1] = s1
    }
    for (; j < p; j++) {
      const a0 = aIdx[j] * dim
      let s = 0
      for (let c = 0; c < dim; c++) s += data[q + c] * data[a0 + c]
      out[i * p + j] = s
    }
  }
  return out
}
