/**
 * The worker side of thread.ts: answers the ready ping and pairs every answer with its
 * request's id, so a worker module only says how to handle one request.
 */
import type { Transferable } from 'node:worker_threads'
import { parentPort } from 'node:worker_threads'
import type { DistributiveOmit, Tagged } from './thread'
import { READY_ANSWER } from './thread'

/** A reply without its id; `transfer` lists memory that moves to the caller instead of being copied. */
export interface Answer<Reply extends Tagged> {
  readonly reply: DistributiveOmit<Reply, 'id'>
  readonly transfer?: readonly Transferable[]
}

/**
 * Handles requests until the thread ends. `handle` turns its own errors into an error reply:
 * one it throws ends the worker, which fails the request as a crash on the caller's side.
 * `name` is for the error thrown when this module is loaded outside a worker thread.
 */
export function serveRequests<Req extends Tagged, Reply extends Tagged>(name: string, handle: (request: Req) => Answer<Reply> | Promise<Answer<Reply>>): void {
  const port = parentPort
  if (!port) throw new Error(`${name} must run in a worker thread`)
  port.on('message', (msg: Req | { readonly ping: true }) => {
    if ('ping' in msg) {
      port.postMessage(READY_ANSWER)
      return
    }
    void Promise.resolve(handle(msg)).then((answer) => port.postMessage({ ...answer.reply, id: msg.id }, answer.transfer ?? []))
  })
}
