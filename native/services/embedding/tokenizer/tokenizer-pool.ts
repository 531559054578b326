/**
 * Tokenizer worker threads (tokenizer-worker.ts) so the engine's main thread never runs
 * WordPiece: 4,096 texts of 512 tokens are seconds of CPU, and they stalled every other request.
 *
 * Per job the main thread sends each text's head (encodingHead: what encode() reads of a text
 * that fills maxLength), so a 10 MB text costs a copy of kilobytes; the rare text whose head
 * does not fill maxLength (mostly blanks) is sent again whole. Texts go in jobs of bounded size,
 * spread over the workers; the ids come back in one transferred buffer per job.
 *
 * If the workers cannot start at all (a broken install), jobs run in this thread, one per
 * macrotask, and `onWarning` says so once.
 */
import { createThreadPool, workerEntry } from '../../../platform/workers'
import type { PoolChoices, ThreadPool, WorkerEntry } from '../../../platform/workers'
import { encodeAll } from './encode-all'
import type { PackedEncodings, TokenizeJob, TokenizeReply, TokenizeRequest } from './encode-all'
import { WordPieceTokenizer, encodingHead } from './wordpiece'

/** Where the worker entry lives: the .ts source under tsx/vitest, out/main/embedding-tokenizer-worker.js in the bundle. */
export function tokenizerWorkerEntry(): WorkerEntry {
  return workerEntry('embedding-tokenizer-worker', './tokenizer-worker.ts', import.meta.url)
}

export class TokenizerWorkerFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TokenizerWorkerFailure'
  }
}

export interface Tokenized {
  readonly ids: Int32Array[]
  readonly tokens: number
  readonly truncated: number
}

/** Worker threads default to one per core, at most 2. */
export interface TokenizerPoolOptions extends PoolChoices {
  readonly tokenizerFile: string
  readonly prefix?: string
  readonly maxLength: number
}

/** Characters of text heads per job: a job's copy to a worker stays well under a millisecond's worth. */
const JOB_CHARS = 1 << 20

export class TokenizerPool {
  private readonly pool: ThreadPool<TokenizeJob, PackedEncodings, TokenizeRequest, TokenizeReply>
  private inThreadTokenizer: WordPieceTokenizer | null = null

  constructor(private readonly options: TokenizerPoolOptions) {
    this.pool = createThreadPool(options, {
      maxWorkers: 2,
      entry: tokenizerWorkerEntry,
      encode: (job) => ({ message: job }),
      decode: (reply) => {
        if (reply.ok) return reply
        throw new TokenizerWorkerFailure(`Tokenizing failed in the worker: ${reply.message}`)
      },
      inThread: (job) => encodeAll((this.inThreadTokenizer ??= WordPieceTokenizer.fromFile(job.tokenizerFile)), job),
      failure: (message) => new TokenizerWorkerFailure(message),
      messages: {
        closed: 'The tokenizer is closed.',
        closing: 'The tokenizer was closed.',
        stopped: (reason) => `The tokenizer worker stopped while tokenizing: ${reason}`,
        unavailable: (reason) => `Tokenizer worker threads could not start (${reason}); tokenizing in the engine's main thread instead.`,
      },
    })
  }

  /** Jobs finished by a worker and in this thread (fallback): for tests and diagnostics. */
  get done(): { readonly worker: number; readonly inThread: number } {
    return this.pool.done
  }

  /** Starts the workers now, not on the first request. */
  warm(): void {
    this.pool.warm()
  }

  /** [CLS] ids [SEP] of every text, each at most maxLength long, in input order. */
  async tokenize(texts: readonly string[]): Promise<Tokenized> {
    const heads = texts.map((t) => encodingHead(t, this.options.maxLength))
    const ids = await this.encode(heads)
    const short = heads.flatMap((h, i) => (h.length < texts[i]!.length && !ids[i]!.truncated ? [i] : []))
    if (short.length > 0) {
      const whole = await this.encode(short.map((i) => texts[i]!))
      short.forEach((i, k) => (ids[i] = whole[k]!))
    }
    return { ids: ids.map((e) => e.ids), tokens: ids.reduce((n, e) => n + e.ids.length, 0), truncated: ids.filter((e) => e.truncated).length }
  }

  close(): Promise<void> {
    return this.pool.close()
  }

  private async encode(texts: readonly string[]): Promise<{ ids: Int32Array; truncated: boolean }[]> {
    const jobs: string[][] = []
    let chars = Infinity
    for (const t of texts) {
      if (chars + t.length > JOB_CHARS) {
        jobs.push([])
        chars = 0
      }
      jobs[jobs.length - 1]!.push(t)
      chars += t.length
    }
    const { tokenizerFile, maxLength } = this.options
    const prefix = this.options.prefix ?? ''
    const packed = await Promise.all(jobs.map((batch) => this.pool.run({ tokenizerFile, prefix, maxLength, texts: batch })))
    return packed.flatMap(unpack)
  }
}

function unpack(p: PackedEncodings): { ids: Int32Array; truncated: boolean }[] {
  let at = 0
  return Array.from(p.lengths, (length, i) => {
    const ids = p.ids.subarray(at, at + length)
    at += length
    return { ids, truncated: p.truncated[i] === 1 }
  })
}
