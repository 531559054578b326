/**
 * Results worker thread: turns an embedding matrix into the response's `results` JSON (spec
 * §4.5) off the engine's main thread. Printing 256 x 1024 numbers takes tens of milliseconds;
 * on the main thread it stalled every other request, the RPC server and the UI's engine calls.
 *
 * In: a row-major Float32Array/Float64Array whose memory was transferred (no copy).
 * Out: the JSON as ASCII bytes (resultsJsonBytes) in a buffer of their own, transferred back (no copy).
 * Bundled as out/main/axon-results-worker.js (electron.vite.config.ts); started by results-pool.ts.
 */
import { serveRequests } from '../../platform/workers'
import { NonFiniteValueError, packedRows, resultsJsonBytes } from './results-json'

/** A job: `count` rows of `dims` values, row-major in `data`. */
export interface ResultsRequest {
  readonly id: number
  readonly data: Float32Array | Float64Array
  readonly count: number
  readonly dims: number
  readonly normalized: boolean
}

export type ResultsReply =
  | { readonly id: number; readonly ok: true; readonly json: Uint8Array; readonly ms: number }
  /** `row` is set when the input held a non-finite value (the model's fault, not ours). */
  | { readonly id: number; readonly ok: false; readonly message: string; readonly row: number | null }

serveRequests<ResultsRequest, ResultsReply>('results-worker', (msg) => {
  const t0 = performance.now()
  try {
    const json = resultsJsonBytes(packedRows(msg.data, msg.count, msg.dims), msg.dims, msg.normalized)
    return { reply: { ok: true, json, ms: performance.now() - t0 }, transfer: [json.buffer as ArrayBuffer] }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { reply: { ok: false, message, row: error instanceof NonFiniteValueError ? error.row : null } }
  }
})
