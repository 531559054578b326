/**
 * Writes ONNX test models into a git-ignored cache (.cache/models/): BERT graphs with the exact
 * shapes of real embedding models (random weights, fixed seed) for speed work, and a lexical
 * static-embedding model built from ../shared/data/manpages-corpus.jsonl whose similarities mean
 * something, for quality tests. Each model is a folder laid out like a Hugging Face repo
 * (onnx/model.onnx, tokenizer.json, config.json), so the local hub double can serve it.
 *
 *   npx tsx scripts/make-test-models.ts [tiny|minilm-l6|bge-base|bge-large|lexical|all] [--out DIR]
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { WordPieceTokenizer } from '../native/services/embedding/tokenizer/wordpiece'
import type { BertShape } from './onnx/bert'
import { buildBert, buildStaticEmbedding } from './onnx/bert'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared')
export const DEFAULT_CACHE = path.join(REPO_ROOT, '.cache', 'models')
const GENERATOR_VERSION = 2
const SEED = 20240805

export type TestModelName = 'tiny' | 'minilm-l6' | 'bge-base' | 'bge-large' | 'lexical'

interface BertSpec {
  readonly kind: 'bert'
  readonly shape: BertShape
  readonly tokenizer: string
  readonly pooling: 'mean' | 'cls'
}
interface LexicalSpec {
  readonly kind: 'lexical'
  readonly dim: number
  readonly tokenizer: string
  readonly pooling: 'mean'
}

const VOCAB = 30522
export const TEST_MODELS: Record<TestModelName, BertSpec | LexicalSpec> = {
  tiny: { kind: 'bert', shape: { layers: 2, hidden: 32, heads: 4, ffn: 64, vocab: VOCAB, maxPositions: 512 }, tokenizer: 'bge-small-en-v1.5.tokenizer.json', pooling: 'cls' },
  'minilm-l6': { kind: 'bert', shape: { layers: 6, hidden: 384, heads: 12, ffn: 1536, vocab: VOCAB, maxPositions: 512 }, tokenizer: 'all-MiniLM-L6-v2.tokenizer.json', pooling: 'mean' },
  'bge-base': { kind: 'bert', shape: { layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: VOCAB, maxPositions: 512 }, tokenizer: 'bge-small-en-v1.5.tokenizer.json', pooling: 'cls' },
  'bge-large': { kind: 'bert', shape: { layers: 24, hidden: 1024, heads: 16, ffn: 4096, vocab: VOCAB, maxPositions: 512 }, tokenizer: 'bge-small-en-v1.5.tokenizer.json', pooling: 'cls' },
  lexical: { kind: 'lexical', dim: 384, tokenizer: 'bge-small-en-v1.5.tokenizer.json', pooling: 'mean' },
}

export interface TestModel {
  readonly name: TestModelName
  /** Folder laid out like a hub repo. */
  readonly dir: string
  readonly onnxFile: string
  readonly tokenizerFile: string
  readonly dimension: number
  readonly pooling: 'mean' | 'cls'
}

/** Returns the model folder, generating it first when it is missing (atomic: tmp folder + rename). */
export function ensureTestModel(name: TestModelName, cacheDir = DEFAULT_CACHE): TestModel {
  const spec = TEST_MODELS[name]
  const dir = path.join(cacheDir, `${name}-v${GENERATOR_VERSION}`)
  const result: TestModel = {
    name,
    dir,
    onnxFile: path.join(dir, 'onnx', 'model.onnx'),
    tokenizerFile: path.join(dir, 'tokenizer.json'),
    dimension: spec.kind === 'bert' ? spec.shape.hidden : spec.dim,
    pooling: spec.pooling,
  }
  if (fs.existsSync(path.join(dir, 'config.json'))) return result
  fs.mkdirSync(cacheDir, { recursive: true })
  const tmp = fs.mkdtempSync(path.join(cacheDir, `.${name}-`))
  try {
    fs.mkdirSync(path.join(tmp, 'onnx'))
    const tokenizerJson = fs.readFileSync(path.join(SHARED_DIR, 'tokenizers', spec.tokenizer), 'utf8')
    fs.writeFileSync(path.join(tmp, 'tokenizer.json'), tokenizerJson)
    const graph = spec.kind === 'bert' ? buildBert(spec.shape, SEED) : buildStaticEmbedding(corpusIdf(WordPieceTokenizer.fromTokenizerJson(tokenizerJson)), spec.dim, SEED)
    graph.toModel().writeFile(path.join(tmp, 'onnx', 'model.onnx'))
    const pooling = { word_embedding_dimension: result.dimension, pooling_mode_cls_token: spec.pooling === 'cls', pooling_mode_mean_tokens: spec.pooling === 'mean' }
    fs.mkdirSync(path.join(tmp, '1_Pooling'))
    fs.writeFileSync(path.join(tmp, '1_Pooling', 'config.json'), `${JSON.stringify(pooling, null, 2)}\n`)
    const config =
      spec.kind === 'bert'
        ? { architectures: ['BertModel'], model_type: 'bert', hidden_size: spec.shape.hidden, num_hidden_layers: spec.shape.layers, num_attention_heads: spec.shape.heads, intermediate_size: spec.shape.ffn, vocab_size: spec.shape.vocab, max_position_embeddings: spec.shape.maxPositions, taodesk_test_model: `random weights, seed ${SEED}` }
        : { model_type: 'static-embedding', hidden_size: spec.dim, vocab_size: VOCAB, max_position_embeddings: 512, taodesk_test_model: 'IDF-weighted random token vectors from the man-pages corpus' }
    fs.writeFileSync(path.join(tmp, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
    // transformers.js (the benchmark's comparison) reads the tokenizer class and limits from here.
    const tokenizerConfig = { tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' }
    fs.writeFileSync(path.join(tmp, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfig, null, 2)}\n`)
    try {
      fs.renameSync(tmp, dir)
    } catch (error) {
      // Another process generated it at the same time.
      if (!fs.existsSync(path.join(dir, 'config.json'))) throw error
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  return result
}

export interface ManPage {
  readonly id: string
  readonly title: string
  readonly summary: string
  readonly text: string
}

export function readManPages(): ManPage[] {
  const file = path.join(SHARED_DIR, 'data', 'manpages-corpus.jsonl')
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ManPage)
}

/** Smoothed IDF per token id over the corpus (title, summary and text of each page as one document). */
function corpusIdf(tokenizer: WordPieceTokenizer): Float32Array {
  const docs = readManPages()
  const df = new Uint32Array(tokenizer.vocabSize)
  for (const d of docs) {
    const seen = new Set(tokenizer.tokenize(`${d.title} ${d.summary} ${d.text}`))
    for (const id of seen) df[id]! += 1
  }
  const n = docs.length
  const idf = new Float32Array(tokenizer.vocabSize)
  for (let t = 0; t < idf.length; t++) idf[t] = Math.log((n + 1) / (df[t]! + 1))
  for (const id of [tokenizer.clsId, tokenizer.sepId, tokenizer.padId]) idf[id] = 0
  return idf
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const outAt = args.indexOf('--out')
  const out = outAt >= 0 ? path.resolve(args[outAt + 1] ?? '.') : DEFAULT_CACHE
  const names = args.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1))
  const wanted = names.length === 0 || names.includes('all') ? (Object.keys(TEST_MODELS) as TestModelName[]) : (names as TestModelName[])
  for (const name of wanted) {
    if (!(name in TEST_MODELS)) {
      process.stderr.write(`Unknown test model "${name}". Choose from: ${Object.keys(TEST_MODELS).join(', ')}, all\n`)
      process.exit(2)
    }
    const t0 = performance.now()
    const m = ensureTestModel(name, out)
    const size = fs.statSync(m.onnxFile).size
    process.stdout.write(`${name}: ${m.onnxFile} (${(size / 1e6).toFixed(1)} MB, dim ${m.dimension}, ${m.pooling} pooling) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
  }
}
