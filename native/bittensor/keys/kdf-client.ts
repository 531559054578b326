import fs from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
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

/** Where the worker file is: next to this file under tsx/vitest, or out/main/wallet-kdf-worker.js in the bundle. */
export function kdfWorkerUrl(base: string = import.meta.url): URL {
  if (base.endsWith('.ts')) return new URL('./kdf-worker.ts', base)
  // Bundled: this code may sit in out/main/ or in a shared chunk under out/main/chunks/.
  const candidates = [new URL('./wallet-kdf-worker.js', base), new URL('../wallet-kdf-worker.js', base)]
  const found = candidates.find((u) => fs.existsSync(fileURLToPath(u)))
  if (!found) throw new Error(`The key-derivation worker is missing (looked for ${candidates.map((u) => fileURLToPath(u)).join(', ')}). Rebuild TaoDesk.`)
  return found
}

/**
 * A worker for a .ts entry (tsx, vitest) registers tsx inside the worker first: Node 20 does
 * not apply `--import tsx` hooks to a worker's entry file. The bundle starts the .js directly.
 */
function workerEntry(url: URL): [string | URL, { eval: true } | Record<string, never>] {
  if (!url.pathname.endsWith('.ts')) return [url, {}]
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  return [`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`, { eval: true }]
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
    const [entry, mode] = workerEntry(kdfWorkerUrl())
    const worker = new Worker(entry, {
      ...mode,
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
