/**
 * A child process for embedder.test.ts: loads a model, starts embedding, and disposes the model
 * while sub-batches are still running in the workers (a user switching model while mining). A
 * fault here aborts the whole process (onnxruntime's `Napi::Error`), which the parent sees as a
 * signal or a non-zero exit. Prints one JSON line: how each request ended.
 * Arguments: onnxFile tokenizerFile [delayMs].
 */
import { Embedder } from '../embedder'

const [onnxFile, tokenizerFile, delay] = process.argv.slice(2)
const embedder = await Embedder.load({ onnxFile: onnxFile!, tokenizerFile: tokenizerFile!, pooling: 'cls', maxLength: 512, workers: 2, intraOpThreads: 1, batcher: { tokenBudget: 4096 } })
const long = Array.from({ length: 96 }, (_, i) => `text ${i} `.repeat(60 + (i % 7)))
const requests = Array.from({ length: 4 }, () => embedder.embed(long).then(
  () => 'done',
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
))
await new Promise((resolve) => setTimeout(resolve, Number(delay ?? 30)))
await embedder.dispose()
const outcomes = await Promise.all(requests)
// Give any late native callback of a torn-down session the chance to fault before saying "ok".
await new Promise((resolve) => setTimeout(resolve, 300))
process.stdout.write(`${JSON.stringify({ outcomes })}\n`)
