import type { WordPieceTokenizer } from './wordpiece'

/** One tokenizer job: the same in a worker (tokenizer-worker.ts) and in the fallback in this thread. */
export interface TokenizeJob {
  readonly tokenizerFile: string
  /** Prepended to every text (e5 "query: "). */
  readonly prefix: string
  /** Tokens per text including [CLS] and [SEP]. */
  readonly maxLength: number
  readonly texts: readonly string[]
}

export interface TokenizeRequest extends TokenizeJob {
  readonly id: number
}

/** Every text's ids, back to back in `ids`; text i has `lengths[i]` of them. */
export interface PackedEncodings {
  readonly ids: Int32Array
  readonly lengths: Int32Array
  /** Per text: 1 when it had more tokens than maxLength allowed. */
  readonly truncated: Uint8Array
}

export type TokenizeReply = { readonly id: number } & ({ readonly ok: true } & PackedEncodings | { readonly ok: false; readonly message: string })

/** Encodes every text of the job into one packed buffer (so one transfer carries them all). */
export function encodeAll(tokenizer: WordPieceTokenizer, job: Omit<TokenizeJob, 'tokenizerFile'>): PackedEncodings {
  const encodings = job.texts.map((text) => tokenizer.encode(job.prefix === '' ? text : job.prefix + text, job.maxLength))
  const lengths = Int32Array.from(encodings, (e) => e.ids.length)
  const ids = new Int32Array(lengths.reduce((n, l) => n + l, 0))
  const truncated = Uint8Array.from(encodings, (e) => (e.truncated ? 1 : 0))
  let at = 0
  for (const e of encodings) {
    ids.set(e.ids, at)
    at += e.ids.length
  }
  return { ids, lengths, truncated }
}
