/**
 * The similarity matrix S = Q·Aᵀ (P×P dot products of D-wide rows) is the whole cost of scoring:
 * 256×256×1024 multiply-adds per answer. Plain JS manages ~0.6 GMAC/s; this tiny WebAssembly
 * SIMD kernel (f32x4, two accumulators) is several times faster. The module is assembled here,
 * byte by byte, so there is no build step and no binary blob in the repo. If the runtime lacks
 * WebAssembly SIMD, a register-blocked JS kernel gives the same results.
 *
 * Accumulation is float32, as PyTorch does it in the reference validator.
 */

const I32 = 0x7f
const V128 = 0x7b

function uleb(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

function sleb(n: number): number[] {
  const out: number[] = []
  for (;;) {
    const b = n & 0x7f
    n >>= 7
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b)
      return out
    }
    out.push(b | 0x80)
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()]
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))]

// Opcodes.
const get = (i: number) => [0x20, ...uleb(i)]
const set = (i: number) => [0x21, ...uleb(i)]
const i32c = (n: number) => [0x41, ...sleb(n)]
const ADD = 0x6a
const MUL = 0x6c
const EQ = 0x46
const SIMD = 0xfd
const v128load = (offset: number) => [SIMD, 0x00, 4, ...uleb(offset)]
const F32X4_ADD = [SIMD, ...uleb(0xe4)]
const F32X4_MUL = [SIMD, ...uleb(0xe6)]
const lane = (l: number) => [SIMD, 0x1f, l]
const F32_ADD = 0x92
const f32store = [0x38, 2, 0]
const BLOCK = [0x02, 0x40]
const LOOP = [0x03, 0x40]
const END = 0x0b
const br = (d: number) => [0x0c, d]
const brIf = (d: number) => [0x0d, d]
const v128zero = [SIMD, 0x0c, ...new Array<number>(16).fill(0)]

/**
 * dots(q, a, out, p, d): out[i·p + j] = Σ_c q[i·d + c]·a[j·d + c], all f32, byte addresses,
 * d a multiple of 8.
 */
function moduleBytes(): Uint8Array {
  const [Q, A, OUT, P, D, I, J, C, QROW, AROW, DB, ACC0, ACC1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
  const body: number[] = [
    // dbytes = d * 4
    ...get(D), ...i32c(4), MUL, ...set(DB),
    ...i32c(0), ...set(I),
    ...BLOCK, ...LOOP,
    ...get(I), ...get(P), EQ, ...brIf(1),
    // qrow = q + i*dbytes
    ...get(Q), ...get(I), ...get(DB), MUL, ADD, ...set(QROW),
    ...i32c(0), ...set(J),
    ...BLOCK, ...LOOP,
    ...get(J), ...get(P), EQ, ...brIf(1),
    ...get(A), ...get(J), ...get(DB), MUL, ADD, ...set(AROW),
    ...v128zero, ...set(ACC0),
    ...v128zero, ...set(ACC1),
    ...i32c(0), ...set(C),
    ...BLOCK, ...LOOP,
    ...get(C), ...get(DB), EQ, ...brIf(1),
    // acc0 += q[c..c+4] * a[c..c+4]
    ...get(ACC0),
    ...get(QROW), ...get(C), ADD, ...v128load(0),
    ...get(AROW), ...get(C), ADD, ...v128load(0),
    ...F32X4_MUL, ...F32X4_ADD, ...set(ACC0),
    // acc1 += q[c+4..c+8] * a[c+4..c+8]
    ...get(ACC1),
    ...get(QROW), ...get(C), ADD, ...v128load(16),
    ...get(AROW), ...get(C), ADD, ...v128load(16),
    ...F32X4_MUL, ...F32X4_ADD, ...set(ACC1),
    ...get(C), ...i32c(32), ADD, ...set(C),
    ...br(0),
    END, END,
    // out[(i*p + j)] = horizontal sum of acc0 + acc1
    ...get(OUT), ...get(I), ...get(P), MUL, ...get(J), ADD, ...i32c(4), MUL, ADD,
    ...get(ACC0), ...get(ACC1), ...F32X4_ADD, ...set(ACC0),
    ...get(ACC0), ...lane(0), ...get(ACC0), ...lane(1), F32_ADD,
    ...get(ACC0), ...lane(2), ...get(ACC0), ...lane(3), F32_ADD, F32_ADD,
    ...f32store,
    ...get(J), ...i32c(1), ADD, ...set(J),
    ...br(0),
    END, END,
    ...get(I), ...i32c(1), ADD, ...set(I),
    ...br(0),
    END, END,
    END,
  ]
  const locals = vec([
    [...uleb(6), I32],
    [...uleb(2), V128],
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
  const dPad = Math.ceil(dim / 8) * 8
  const qBytes = p * dPad * 4
  const need = 2 * qBytes + p * p * 4
  const have = k.memory.buffer.byteLength
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536))
  const f32 = new Float32Array(k.memory.buffer)
  const qBase = 0
  const aBase = qBytes / 4
  const outBase = (2 * qBytes) / 4
  if (dPad !== dim) f32.fill(0, 0, outBase)
  for (let i = 0; i < p; i++) {
    f32.set(data.subarray(qIdx[i] * dim, qIdx[i] * dim + dim), qBase + i * dPad)
    f32.set(data.subarray(aIdx[i] * dim, aIdx[i] * dim + dim), aBase + i * dPad)
  }
  k.dots(0, qBytes, 2 * qBytes, p, dPad)
  return f32.slice(outBase, outBase + p * p)
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
