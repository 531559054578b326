import { PassThrough } from 'node:stream'
import type { CommandIo } from '../../native/cli/command'

export interface CapturedIo extends CommandIo {
  out(): string
  err(): string
  /** Simulates Ctrl+C. */
  interrupt(): void
  /** Resolves when stdout contains `text`. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<string>
}

/** Command io that records stdout and stderr; `interrupted` defaults to one that interrupt() resolves. */
export function captureIo(env: NodeJS.ProcessEnv, stop?: Promise<void>): CapturedIo {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => (out += c.toString()))
  stderr.on('data', (c: Buffer) => (err += c.toString()))
  let interrupt = (): void => {}
  const interrupted =
    stop ??
    new Promise<void>((resolve) => {
      interrupt = resolve
    })
  return {
    stdout,
    stderr,
    env,
    interrupted,
    out: () => out,
    err: () => err,
    interrupt: () => interrupt(),
    waitForOutput(text, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now()
        const check = (): void => {
          if (typeof text === 'string' ? out.includes(text) : text.test(out)) return resolve(out)
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${String(text)}; got: ${out}${err}`))
          setTimeout(check, 20)
        }
        check()
      })
    },
  }
}
