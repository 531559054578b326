import type { ParseArgsConfig } from 'node:util'

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream
  readonly env: NodeJS.ProcessEnv
  /** Resolves when the user asks the command to stop (Ctrl+C, SIGTERM). */
  readonly interrupted: Promise<void>
}

export interface Command {
  readonly name: string
  readonly summary: string
  readonly usage: string
  readonly options: NonNullable<ParseArgsConfig['options']>
  /** Returns the process exit code. */
  run(values: Record<string, string | boolean | undefined>, positionals: readonly string[], io: CommandIo): Promise<number>
}

/** Thrown for bad invocations: printed on one line with a pointer to the command's --help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** parseArgs options for flags that no contract schema describes: the names of string-valued and of on/off flags. */
export function plainFlags(flags: { readonly string?: readonly string[]; readonly boolean?: readonly string[] }): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries([...(flags.string ?? []).map((name) => [name, { type: 'string' as const }]), ...(flags.boolean ?? []).map((name) => [name, { type: 'boolean' as const }])])
}

export function writeJson(io: CommandIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`)
}

export function parseIntOption(value: string | boolean | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`)
  return n
}
