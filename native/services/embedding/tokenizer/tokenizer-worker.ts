/**
 * Tokenizer worker thread: WordPiece-encodes texts off the engine's main thread. A request of
 * 4,096 texts of 512 tokens each is seconds of CPU; on the main thread it froze the axon, the RPC
 * server and the UI's engine calls for all that time.
 *
 * In: the tokenizer file (loaded once per worker and kept), the prefix, maxLength and the texts
 * (each possibly only its head, see tokenizer-pool.ts). Out: the ids of all texts in one buffer,
 * transferred back (no copy). Bundled as out/main/embedding-tokenizer-worker.js
 * (electron.vite.config.ts); started by tokenizer-pool.ts.
 */
import { serveRequests } from '../../../platform/workers'
import { encodeAll } from './encode-all'
import type { TokenizeReply, TokenizeRequest } from './encode-all'
import { WordPieceTokenizer } from './wordpiece'

const loaded = new Map<string, WordPieceTokenizer>()

serveRequests<TokenizeRequest, TokenizeReply>('tokenizer-worker', (msg) => {
  try {
    let tokenizer = loaded.get(msg.tokenizerFile)
    if (!tokenizer) {
      tokenizer = WordPieceTokenizer.fromFile(msg.tokenizerFile)
      loaded.clear()
      loaded.set(msg.tokenizerFile, tokenizer)
    }
    const packed = encodeAll(tokenizer, msg)
    return { reply: { ok: true, ...packed }, transfer: [packed.ids.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer] }
  } catch (error) {
    return { reply: { ok: false, message: error instanceof Error ? error.message : String(error) } }
  }
})
