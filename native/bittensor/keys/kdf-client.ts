import { Worker } from 'node:worker_threads'
import { workerEntry } from '../../platform/workers'
import type { WorkerEntry } from '../../platform/workers'
import { BTCLI_KDF, KeyfileEncryptionError, outOfMemoryMessage, passwordBytes } from './encryption'
import type { KdfParams } from './encryption'
import type { KdfJob, KdfReply } from './kdf-protocol'

export interface KdfProgress {
  /** Milliseconds since hashing started. */
  readonly elapsedMs: number
  /** How long it is expected to take (the last measured run, or a first guess). */
  readonly estimatedMs: number
}

export interface KdfRunOptions {
  readonly params?: KdfParams
  readonly onProgress?: (progress: KdfProgress) => void
  readonly progressIntervalMs?: number
}

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/wallet-kdf-worker.js in the bundle. */
export function kdfWorkerEntry(): WorkerEntry {
  return workerEntry('wallet-kdf-worker', './kdf-worker.ts', import.meta.url)
}

const lastDuration = new Map<string, number>()
const paramsKey = (p: KdfParams): string => `${p.opslimit}:${p.memlimit}`
/** About 1.8 s per 128 MiB-pass on a laptop core; refined after the first real run. */
const firstGuess = (p: KdfParams): number => Math.max(200, Math.round((p.opslimit * p.memlimit) / 2 ** 27) * 230)

let queue: Promise<unknown> = Promise.resolve()

/**
 * Runs one Argon2i job in a fresh worker thread (one at a time: each needs `memlimit` bytes).
 * The password is trimmed and copied into the worker, which zeroes its copy.
 */
export async function runKdfJob(op: KdfJob['op'], password: string, data: Uint8Array, options: KdfRunOptions = {}): Promise<Uint8Array> {
  const params = options.params ?? BTCLI_KDF
  const pw = passwordBytes(password)
  const job: KdfJob = { op, password: pw, data: Uint8Array.from(data), params }
  const next = queue.then(() => runInWorker(job, options, params))
  queue = next.catch(() => undefined)
  return next
}

function runInWorker(job: KdfJob, options: KdfRunOptions, params: KdfParams): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const entry = kdfWorkerEntry()
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: job,
      // The Argon2 memory lives in WebAssembly memory, outside these V8 heap limits.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    })
    job.password.fill(0)
    let startedAt = 0
    let timer: NodeJS.Timeout | undefined
    let settled = false
    const estimatedMs = lastDuration.get(paramsKey(params)) ?? firstGuess(params)
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      if (timer) clearInterval(timer)
      fn()
      void worker.terminate()
    }
    worker.on('message', (reply: KdfReply) => {
      if (reply.type === 'started') {
        startedAt = Date.now()
        options.onProgress?.({ elapsedMs: 0, estimatedMs })
        timer = setInterval(() => options.onProgress?.({ elapsedMs: Date.now() - startedAt, estimatedMs }), options.progressIntervalMs ?? 250)
        return
      }
      if (reply.type === 'done') {
        if (startedAt > 0) lastDuration.set(paramsKey(params), Date.now() - startedAt)
        finish(() => resolve(reply.bytes))
        return
      }
      finish(() =>
        reject(reply.code === 'INTERNAL' ? new Error(`Key derivation failed: ${reply.message}`) : new KeyfileEncryptionError(reply.code, reply.message)),
      )
    })
    worker.on('error', (error: Error & { code?: string }) => {
      finish(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory/i.test(error.message)
            ? new KeyfileEncryptionError('OUT_OF_MEMORY', outOfMemoryMessage(params.memlimit))
            : new Error(`The key-derivation worker failed: ${error.message}`),
        ),
      )
    })
    worker.on('exit', (code) => {
      finish(() => reject(new KeyfileEncryptionError('OUT_OF_MEMORY', `${outOfMemoryMessage(params.memlimit)} (the worker stopped with code ${code})`)))
    })
  })
}

export const naclEncrypt = (password: string, plaintext: Uint8Array, options?: KdfRunOptions): Promise<Uint8Array> => runKdfJob('seal', password, plaintext, options)
export const naclDecrypt = (password: string, data: Uint8Array, options?: KdfRunOptions): Promise<Uint8Array> => runKdfJob('open', password, data, options)
