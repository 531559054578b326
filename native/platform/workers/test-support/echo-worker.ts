/** A worker for the pool's tests: echoes, measures transferred bytes, waits, or dies on request. */
import { serveRequests } from '../serve'

export type EchoRequest =
  | { readonly id: number; readonly op: 'echo'; readonly value: string }
  | { readonly id: number; readonly op: 'bytes'; readonly data: Uint8Array }
  | { readonly id: number; readonly op: 'wait'; readonly ms: number }
  | { readonly id: number; readonly op: 'fail'; readonly message: string }
  | { readonly id: number; readonly op: 'exit'; readonly code: number }

export type EchoReply = { readonly id: number; readonly ok: true; readonly value: string } | { readonly id: number; readonly ok: false; readonly message: string }

serveRequests<EchoRequest, EchoReply>('echo-worker', async (msg) => {
  if (msg.op === 'echo') return { reply: { ok: true, value: msg.value } }
  if (msg.op === 'bytes') return { reply: { ok: true, value: String(msg.data.byteLength) } }
  if (msg.op === 'wait') {
    await new Promise((resolve) => setTimeout(resolve, msg.ms))
    return { reply: { ok: true, value: 'waited' } }
  }
  if (msg.op === 'fail') return { reply: { ok: false, message: msg.message } }
  process.exit(msg.code)
})
