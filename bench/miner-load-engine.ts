/**
 * A second (third...) TaoDesk engine for bench/miner-load-pool.bench.ts, in its own process:
 * the engine's inference runtime (Embedder: tokenizer, worker threads, dynamic batching) behind
 * the engine's OpenAI-compatible local API, on 127.0.0.1. Prints its base URL, then serves
 * until its stdin closes.
 *   node --import tsx bench/miner-load-engine.ts ONNX_FILE TOKENIZER_FILE POOLING [WORKERS THREADS]
 */
import { LocalEmbeddingsApi } from '../native/services/miner/local-api'
import { Embedder } from '../native/services/embedding/runtime/embedder'
import type { Pooling } from '../native/services/embedding/runtime/pooling'

const [onnxFile, tokenizerFile, pooling, workers, threads] = process.argv.slice(2)
const model = await Embedder.load({
  onnxFile: onnxFile!,
  tokenizerFile: tokenizerFile!,
  pooling: pooling as Pooling,
  maxLength: 512,
  provider: 'cpu',
  ...(workers ? { workers: Number(workers) } : {}),
  ...(threads ? { intraOpThreads: Number(threads) } : {}),
})
const api = new LocalEmbeddingsApi({ name: 'bench-engine', embed: async (texts, dimensions, signal) => (await model.embed(texts, { dimensions, signal })).vectors }, 0)
const url = await api.listen()
process.stdout.write(`${url.replace(/\/v1\/embeddings$/, '')}\n`)
process.stdin.resume()
process.stdin.on('close', () => void Promise.all([api.close(), model.dispose()]).then(() => process.exit(0)))
