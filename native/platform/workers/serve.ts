/**
 * The worker side of thread.ts: answers the ready ping and pairs every answer with its
 * request's id, so a worker module only says how to handle one request.
 */
import v8 from 'node:v8'
import vm from 'node:vm'
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
  const collect = garbageCollector()
  let busy = 0
  port.on('message', (msg: Req | { readonly ping: true }) => {
    if ('ping' in msg) {
      port.postMessage(READY_ANSWER)
      return
    }
    busy++
    void Promise.resolve(handle(msg)).then((answer) => {
      port.postMessage({ ...answer.reply, id: msg.id }, answer.transfer ?? [])
      busy--
      // A large request leaves its garbage (a 10 MB body, its parsed texts) in this thread's heap,
      // which V8 collects only under allocation pressure: held for minutes, it adds to the engine's
      // memory on top of the next large request. Collected once the thread is idle instead.
      if (busy === 0 && v8.getHeapStatistics().used_heap_size > IDLE_COLLECT_BYTES) setImmediate(() => busy === 0 && collect())
    })
  })
}

/** Heap use above which an idle worker collects its garbage (a full collection of a heap this size takes a few ms). */
const IDLE_COLLECT_BYTES = 32 * 2 ** 20

/** V8's full garbage collection for this thread (exposed through a fresh context, as `--expose-gc` would). */
function garbageCollector(): () => void {
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
}
