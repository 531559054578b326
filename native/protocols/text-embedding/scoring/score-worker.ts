/**
 * Scoring worker thread: parses, validates and scores miner answers (InfoNCE with the
 * WebAssembly SIMD kernel) so that the engine's main thread never blocks on them. Bundled as
 * out/main/validator-score-worker.js (electron.vite.config.ts); started by score-pool.ts.
 */
import { parentPort } from 'node:worker_threads'
import { scoreBody } from './score-body'
import type { ScoreReply, ScoreRequest } from './score-protocol'

const port = parentPort
if (!port) throw new Error('score-worker must run in a worker thread')

port.on('message', (msg: ScoreRequest | { ping: true }) => {
  if ('ping' in msg) {
    port.postMessage({ ready: true })
    return
  }
  const t0 = performance.now()
  let reply: ScoreReply
  try {
    reply = { id: msg.id, ok: true, result: scoreBody(msg.body, msg.task), ms: performance.now() - t0 }
  } catch (error) {
    reply = { id: msg.id, ok: false, message: error instanceof Error ? error.message : String(error) }
  }
  port.postMessage(reply)
})
