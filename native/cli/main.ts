import { parseArgs } from 'node:util'
import { packageVersion } from '../host'
import type { Command, CommandIo } from './command'
import { UsageError } from './command'
import { chainCommand } from './commands/chain'
import { subnetCommand } from './commands/subnet'
import { apiCommand } from './commands/api'
import { devnetCommand } from './commands/devnet'
import { logsCommand } from './commands/logs'
import { minerCommand } from './commands/miner'
import { modelsCommand } from './commands/models'
import { serveCommand } from './commands/serve'
import { updateCommand } from './commands/update'
import { validatorCommand } from './commands/validator'
import { walletCommand } from './commands/wallet'
import { describeThrown } from './error-text'

/** Every command; later domains (wallet, chain, devnet, models, miner, validator) add theirs here. */
const COMMANDS: readonly Command[] = [serveCommand, logsCommand, walletCommand, minerCommand, modelsCommand, updateCommand, chainCommand, subnetCommand, devnetCommand, validatorCommand, apiCommand]

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return `TaoDesk ${packageVersion()}: mine and validate Bittensor text-embedding subnets (OpenKaito protocol).

Usage: taodesk <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`taodesk <command> --help\` for a command's options. Most commands accept --json.
Data folder: TAODESK_HOME, or the platform's application-data folder.
`
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

// The installed entry (bin/taodesk.mjs) relaunches through it when a GPU runtime pack is there.
export { runWithGpuRuntime } from './gpu-relaunch'

export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    // A bare `taodesk` is a usage error: scripts must not take it for success.
    io.stderr.write(usage())
    return 2
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage())
    return 0
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`)
    return 0
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    io.stderr.write(`taodesk: unknown command "${name}".\nSee \`taodesk --help\` for the commands.\n`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`)
    return 0
  }
  try {
    const parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true })
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, io)
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(`taodesk ${command.name}: ${describeThrown(error)}\nSee \`taodesk ${command.name} --help\` for its options.\n`)
      return 2
    }
    io.stderr.write(`taodesk ${command.name}: ${describeThrown(error)}\n`)
    return 1
  }
}

export function processIo(): CommandIo {
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, interrupted }
}
