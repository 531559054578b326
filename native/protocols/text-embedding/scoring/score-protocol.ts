/** Messages between the engine and a scoring worker (score-worker.ts). */
import type { BodyScore, ScoreTask } from './infonce'

export interface ScoreRequest {
  readonly id: number
  /** The raw response body; its buffer is transferred, not copied. */
  readonly body: Uint8Array
  readonly task: ScoreTask
}

export type ScoreReply =
  | { readonly id: number; readonly ok: true; readonly result: BodyScore; readonly ms: number }
  | { readonly id: number; readonly ok: false; readonly message: string }
