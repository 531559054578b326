/**
 * JSON worker thread: decodes and parses large request bodies, and prints large answers, off the
 * engine's main thread. On a busy machine each pass over 10 MB is 30-100 ms; decoding, parsing
 * and printing a 10 MB request in the main thread stalled every other request for hundreds of ms.
 * Bundled as out/main/json-worker.js (electron.vite.config.ts); started by json-threads.ts.
 */
import { serveRequests } from '../workers'
import { JsonCodecError, parseJsonBytes, stringifyJson } from './codec'
import type { JsonReply, JsonRequest } from './codec'

serveRequests<JsonRequest, JsonReply>('json-worker', (msg) => {
  try {
    if (msg.op === 'parse') return { reply: { ok: true, value: parseJsonBytes(msg.bytes) } }
    const bytes = Buffer.from(stringifyJson(msg.value, msg.splice), 'utf8')
    // A Buffer this large has an ArrayBuffer of its own (not the shared pool): it moves, not copied.
    return { reply: { ok: true, bytes }, transfer: [bytes.buffer as ArrayBuffer] }
  } catch (error) {
    if (error instanceof JsonCodecError) return { reply: { ok: false, kind: error.kind, message: error.message } }
    return { reply: { ok: false, kind: 'internal', message: error instanceof Error ? error.message : String(error) } }
  }
})
