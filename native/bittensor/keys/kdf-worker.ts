/**
 * Worker-thread entry: Argon2i key derivation (512 MiB, seconds) and the secretbox around it.
 * One worker per operation, so the WebAssembly heap (which cannot shrink) is released when the
 * worker exits, and the derived key never leaves this thread.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { KeyfileEncryptionError, deriveNaclKey, loadSodium, naclOpen, naclParts, naclSeal } from './encryption'
import type { KdfJob, KdfReply } from './kdf-protocol'

async function run(job: KdfJob): Promise<KdfReply> {
  const sodium = await loadSodium()
  if (job.op === 'open') naclParts(job.data) // truncated files fail before seconds of hashing
  parentPort?.postMessage({ type: 'started' } satisfies KdfReply)
  const key = deriveNaclKey(sodium, job.password, job.params)
  job.password.fill(0)
  try {
    if (job.op === 'derive') return { type: 'done', bytes: Uint8Array.from(key) }
    if (job.op === 'seal') return { type: 'done', bytes: naclSeal(sodium, job.data, key) }
    return { type: 'done', bytes: naclOpen(sodium, job.data, key) }
  } finally {
    key.fill(0)
    job.data.fill(0)
  }
}

run(workerData as KdfJob).then(
  (reply) => parentPort?.postMessage(reply, reply.type === 'done' ? [reply.bytes.buffer as ArrayBuffer] : []),
  (error: unknown) => {
    const reply: KdfReply =
      error instanceof KeyfileEncryptionError
        ? { type: 'error', code: error.code, message: error.message }
        : { type: 'error', code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }
    parentPort?.postMessage(reply)
  },
)
