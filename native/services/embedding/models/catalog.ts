import type { Pooling } from '../runtime/pooling'

/** A well-known embedding model TaoDesk can download from the Hugging Face hub. */
export interface CatalogEntry {
  readonly id: string
  readonly repo: string
  readonly revision: string
  /** ONNX file inside the repo. */
  readonly onnxPath: string
  /** tokenizer.json (preferred) or vocab.txt inside the repo. */
  readonly tokenizerPath: string
  /** Other small files worth keeping (configs). */
  readonly extraPaths: readonly string[]
  readonly dimension: number
  readonly pooling: Pooling
  /** Tokens per text including [CLS] and [SEP]. */
  readonly maxLength: number
  /** Approximate size of the files to download, bytes. */
  readonly sizeBytes: number
  readonly license: string
  /** Widths the model was trained to be truncated to; null if none. */
  readonly matryoshkaDims: readonly number[] | null
  /** Prefix the model expects before each text (SN5 does not say which texts are queries). */
  readonly textPrefix: string
  readonly description: string
}

const MB = 1_000_000
const CONFIGS = ['config.json', 'tokenizer_config.json', 'special_tokens_map.json'] as const

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: 'all-MiniLM-L6-v2',
    repo: 'sentence-transformers/all-MiniLM-L6-v2',
    revision: 'main',
    onnxPath: 'onnx/model.onnx',
    tokenizerPath: 'tokenizer.json',
    extraPaths: [...CONFIGS, '1_Pooling/config.json'],
    dimension: 384,
    pooling: 'mean',
    maxLength: 256,
    sizeBytes: 91 * MB,
    license: 'Apache-2.0',
    matryoshkaDims: null,
    textPrefix: '',
    description: 'Small and fast (6 layers). Zero-padded to 1024 for SN5. A good first model on CPU.',
  },
  {
    id: 'bge-small-en-v1.5',
    repo: 'BAAI/bge-small-en-v1.5',
    revision: 'main',
    onnxPath: 'onnx/model.onnx',
    tokenizerPath: 'tokenizer.json',
    extraPaths: [...CONFIGS, '1_Pooling/config.json'],
    dimension: 384,
    pooling: 'cls',
    maxLength: 512,
    sizeBytes: 134 * MB,
    license: 'MIT',
    matryoshkaDims: null,
    textPrefix: '',
    description: 'Small BGE model (12 layers, 384 wide); better retrieval than MiniLM at about twice the cost.',
  },
  {
    id: 'bge-base-en-v1.5',
    repo: 'BAAI/bge-base-en-v1.5',
    revision: 'main',
    onnxPath: 'onnx/model.onnx',
    tokenizerPath: 'tokenizer.json',
    extraPaths: [...CONFIGS, '1_Pooling/config.json'],
    dimension: 768,
    pooling: 'cls',
    maxLength: 512,
    sizeBytes: 438 * MB,
    license: 'MIT',
    matryoshkaDims: null,
    textPrefix: '',
    description: 'Base BGE model (12 layers, 768 wide). Needs a GPU or a fast CPU for 512-text requests.',
  },
  {
    id: 'bge-large-en-v1.5',
    repo: 'BAAI/bge-large-en-v1.5',
    revision: 'main',
    onnxPath: 'onnx/model.onnx',
    tokenizerPath: 'tokenizer.json',
    extraPaths: [...CONFIGS, '1_Pooling/config.json'],
    dimension: 1024,
    pooling: 'cls',
    maxLength: 512,
    sizeBytes: 1340 * MB,
    license: 'MIT',
    matryoshkaDims: null,
    textPrefix: '',
    description: 'Large BGE model, native 1024 dimensions. GPU recommended.',
  },
  {
    id: 'e5-large-v2',
    repo: 'intfloat/e5-large-v2',
    revision: 'main',
    onnxPath: 'onnx/model.onnx',
    tokenizerPath: 'tokenizer.json',
    extraPaths: [...CONFIGS],
    dimension: 1024,
    pooling: 'mean',
    maxLength: 512,
    sizeBytes: 1340 * MB,
    license: 'MIT',
    matryoshkaDims: null,
    textPrefix: 'query: ',
    description: 'E5 large, native 1024 dimensions. Texts get the "query: " prefix (recommended for symmetric use). GPU recommended.',
  },
  {
    id: 'gte-large',
    repo: 'thenlper/gte-large',
    revision: 'main',
    onnxPath: 'onnx/model.onnx',
    tokenizerPath: 'tokenizer.json',
    extraPaths: [...CONFIGS],
    dimension: 1024,
    pooling: 'mean',
    maxLength: 512,
    sizeBytes: 1340 * MB,
    license: 'MIT',
    matryoshkaDims: null,
    textPrefix: '',
    description: 'GTE large, native 1024 dimensions. GPU recommended.',
  },
  {
    id: 'mxbai-embed-large-v1',
    repo: 'mixedbread-ai/mxbai-embed-large-v1',
    revision: 'main',
    onnxPath: 'onnx/model.onnx',
    tokenizerPath: 'tokenizer.json',
    extraPaths: [...CONFIGS, '1_Pooling/config.json'],
    dimension: 1024,
    pooling: 'cls',
    maxLength: 512,
    sizeBytes: 1340 * MB,
    license: 'Apache-2.0',
    matryoshkaDims: [64, 128, 256, 512, 768, 1024],
    textPrefix: '',
    description: 'mxbai large, native 1024 dimensions, trained for Matryoshka truncation. GPU recommended.',
  },
  {
    id: 'nomic-embed-text-v1.5',
    repo: 'nomic-ai/nomic-embed-text-v1.5',
    revision: 'main',
    onnxPath: 'onnx/model.onnx',
    tokenizerPath: 'tokenizer.json',
    extraPaths: [...CONFIGS],
    dimension: 768,
    pooling: 'mean',
    maxLength: 8192,
    sizeBytes: 547 * MB,
    license: 'Apache-2.0',
    matryoshkaDims: [64, 128, 256, 512, 768],
    textPrefix: 'search_query: ',
    description: 'Nomic v1.5, 768 dimensions (zero-padded to 1024), long context, Matryoshka-trained.',
  },
]

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id)
}
