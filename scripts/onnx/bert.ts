import { DType, GraphBuilder } from './graph'
import { mulberry32 as rng } from '../../test/support/mulberry32'

export interface BertShape {
  readonly layers: number
  readonly hidden: number
  readonly heads: number
  readonly ffn: number
  readonly vocab: number
  readonly maxPositions: number
}

/** Uniform values with standard deviation `std` (BERT initialises with std 0.02). */
function randomFill(seed: number, std: number): (out: Float32Array) => void {
  return (out) => {
    const next = rng(seed)
    const a = std * Math.sqrt(3) * 2
    for (let i = 0; i < out.length; i++) out[i] = (next() - 0.5) * a
  }
}

const ones = (out: Float32Array): void => {
  out.fill(1)
}
const zeros = (): void => {}

/**
 * A BERT encoder with the same operators and shapes as Hugging Face's ONNX export
 * (inputs input_ids / attention_mask / token_type_ids, output last_hidden_state), random weights.
 */
export function buildBert(shape: BertShape, seed: number): GraphBuilder {
  const { layers, hidden: H, heads, ffn, vocab, maxPositions } = shape
  if (H % heads !== 0) throw new Error('hidden must be a multiple of heads')
  const dHead = H / heads
  const g = new GraphBuilder('bert')
  let s = seed
  const rand = (name: string, dims: number[]): string => g.floatTensor(name, dims, randomFill(s++, 0.02))
  const ids = g.input('input_ids', DType.INT64, ['batch', 'sequence'])
  const mask = g.input('attention_mask', DType.INT64, ['batch', 'sequence'])
  const types = g.input('token_type_ids', DType.INT64, ['batch', 'sequence'])
  g.output('last_hidden_state', DType.FLOAT, ['batch', 'sequence', H])

  const c0 = g.int64Tensor('c_zero', [], [0])
  const c1 = g.int64Tensor('c_one', [], [1])
  const axes12 = g.int64Tensor('c_axes_1_2', [2], [1, 2])
  const splitHeads = g.int64Tensor('c_split_heads', [4], [0, 0, heads, dHead])
  const mergeHeads = g.int64Tensor('c_merge_heads', [3], [0, 0, H])
  const fOne = g.floatScalar('c_f_one', 1)
  const fNeg = g.floatScalar('c_f_mask', -10000)
  const fScale = g.floatScalar('c_f_scale', Math.sqrt(dHead))
  const fSqrt2 = g.floatScalar('c_f_sqrt2', Math.SQRT2)
  const fHalf = g.floatScalar('c_f_half', 0.5)

  const layerNorm = (x: string, name: string): string =>
    g.op('LayerNormalization', [x, g.floatTensor(`${name}.weight`, [H], ones), g.floatTensor(`${name}.bias`, [H], zeros)], { axis: -1, epsilon: { float: 1e-12 } })
  const linear = (x: string, name: string, inDim: number, outDim: number): string =>
    g.op('Add', [g.op('MatMul', [x, rand(`${name}.weight`, [inDim, outDim])]), g.floatTensor(`${name}.bias`, [outDim], zeros)])

  // Embeddings.
  const word = g.op('Gather', [rand('embeddings.word_embeddings.weight', [vocab, H]), ids])
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), c1], { axis: 0 })
  const positions = g.op('Range', [c0, seqLen, c1])
  const pos = g.op('Gather', [rand('embeddings.position_embeddings.weight', [maxPositions, H]), positions])
  const typ = g.op('Gather', [rand('embeddings.token_type_embeddings.weight', [2, H]), types])
  let x = layerNorm(g.op('Add', [g.op('Add', [word, pos]), typ]), 'embeddings.LayerNorm')

  // Additive attention mask [batch, 1, 1, sequence].
  const maskF = g.op('Unsqueeze', [g.op('Cast', [mask], { to: DType.FLOAT }), axes12])
  const maskBias = g.op('Mul', [g.op('Sub', [fOne, maskF]), fNeg])

  for (let l = 0; l < layers; l++) {
    const p = `encoder.layer.${l}`
    const heads4 = (t: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [t, splitHeads])], { perm })
    const q = heads4(linear(x, `${p}.attention.self.query`, H, H), [0, 2, 1, 3])
    const k = heads4(linear(x, `${p}.attention.self.key`, H, H), [0, 2, 3, 1])
    const v = heads4(linear(x, `${p}.attention.self.value`, H, H), [0, 2, 1, 3])
    const scores = g.op('Add', [g.op('Div', [g.op('MatMul', [q, k]), fScale]), maskBias])
    const probs = g.op('Softmax', [scores], { axis: -1 })
    const ctx = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), mergeHeads])
    const attnOut = linear(ctx, `${p}.attention.output.dense`, H, H)
    const x1 = layerNorm(g.op('Add', [attnOut, x]), `${p}.attention.output.LayerNorm`)
    const inter = linear(x1, `${p}.intermediate.dense`, H, ffn)
    const gelu = g.op('Mul', [g.op('Mul', [inter, g.op('Add', [g.op('Erf', [g.op('Div', [inter, fSqrt2])]), fOne])]), fHalf])
    const out = linear(gelu, `${p}.output.dense`, ffn, H)
    x = layerNorm(g.op('Add', [out, x1]), `${p}.output.LayerNorm`)
  }
  g.identity(x, 'last_hidden_state')
  return g
}

/**
 * A static-embedding model: one vector per token (IDF weight × a random unit direction), so the
 * masked mean over a text's tokens is a random projection of its TF-IDF vector. Same inputs and
 * output as a BERT export, so it runs through the same engine path.
 */
export function buildStaticEmbedding(idf: Float32Array, dim: number, seed: number): GraphBuilder {
  const g = new GraphBuilder('static')
  const ids = g.input('input_ids', DType.INT64, ['batch', 'sequence'])
  g.input('attention_mask', DType.INT64, ['batch', 'sequence'])
  g.input('token_type_ids', DType.INT64, ['batch', 'sequence'])
  g.output('last_hidden_state', DType.FLOAT, ['batch', 'sequence', dim])
  const table = g.floatTensor('embeddings.weight', [idf.length, dim], (out) => {
    const next = rng(seed)
    for (let t = 0; t < idf.length; t++) {
      let norm = 0
      const row = out.subarray(t * dim, (t + 1) * dim)
      for (let d = 0; d < dim; d++) {
        // Approximately Gaussian (sum of uniforms) so directions are isotropic.
        const v = next() + next() + next() + next() - 2
        row[d] = v
        norm += v * v
      }
      const scale = idf[t]! / Math.sqrt(norm || 1)
      for (let d = 0; d < dim; d++) row[d]! *= scale
    }
  })
  g.identity(g.op('Gather', [table, ids]), 'last_hidden_state')
  return g
}
