/**
 * Summarises an outcome that repeats round after round: the first occurrence is logged in full,
 * the repeats are only counted, and one line ("… N more times in a row: <reason>") is written
 * when the outcome changes or the loop stops. A validator whose weights wait for the rate limit
 * would otherwise write the same line every round.
 */
import { outcomeKey } from '../../contract/validator'

export type LogLine = (message: string, fields: Record<string, unknown>) => void

export class RepeatedOutcomeLog {
  private last: { key: string; reason: string; repeats: number } | undefined

  /** `what` names the outcome in the summary line, e.g. "Weights not set". */
  constructor(
    private readonly what: string,
    private readonly write: LogLine,
  ) {}

  note(reason: string, fields: Record<string, unknown>): void {
    const key = outcomeKey(reason)
    if (this.last?.key === key) {
      this.last.repeats++
      this.last.reason = reason
      return
    }
    this.flush()
    this.last = { key, reason, repeats: 0 }
    this.write(this.what, fields)
  }

  /** Writes the summary of the repeats so far, if any; the next outcome is logged in full. */
  flush(): void {
    if (this.last && this.last.repeats > 0) this.write(`${this.what} ${this.last.repeats} more ${this.last.repeats === 1 ? 'time' : 'times'} in a row: ${this.last.reason}`, { repeats: this.last.repeats })
    this.last = undefined
  }
}
