/**
 * Scoring worker thread: parses, validates and scores miner answers (InfoNCE with the
 * WebAssembly SIMD kernel) so that the engine's main thread never blocks on them. Bundled as
 * out/main/validator-score-worker.js (electron.vite.config.ts); started by score-pool.ts.
 */
import { serveRequests } from '../../../platform/workers'
import { scoreBody } from './score-body'
import type { ScoreReply, ScoreRequest } from './score-protocol'

serveRequests<ScoreRequest, ScoreReply>('score-worker', (msg) => {
  const t0 = performance.now()
  try {
    return { reply: { ok: true, result: scoreBody(msg.body, msg.task), ms: performance.now() - t0 } }
  } catch (error) {
    return { reply: { ok: false, message: error instanceof Error ? error.message : String(error) } }
  }
})
