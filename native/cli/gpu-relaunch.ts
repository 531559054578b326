/**
 * `taodesk serve` (and the other commands that run models) embed in this very process, and the
 * loader reads LD_LIBRARY_PATH only when a process starts. So when the data folder holds a
 * complete GPU runtime pack that this process was not started with, the CLI starts itself again
 * once with the pack on the loader's path (gpu/launch-env.ts) and passes its exit code on.
 */
import { spawn } from 'node:child_process'
import os from 'node:os'
import { resolveHome } from '../host'
import { GPU_RUNTIME_ENV, engineLaunchEnv } from '../services/embedding'

/** Commands that load an embedding model in this process. */
const MODEL_COMMANDS = new Set(['serve', 'miner', 'models', 'validator'])

/** The environment to start this CLI again with, or null to go on in this process. */
export function gpuRelaunchEnv(argv: readonly string[], env: NodeJS.ProcessEnv, launchEnv: typeof engineLaunchEnv = engineLaunchEnv): NodeJS.ProcessEnv | null {
  // Started with the pack already (or by a relaunch): never loop.
  if (env[GPU_RUNTIME_ENV] !== undefined || !MODEL_COMMANDS.has(argv[0] ?? '') || argv.includes('--help') || argv.includes('-h')) return null
  const next = launchEnv(resolveHome(env), env, (message) => process.stderr.write(`taodesk: ${message}\n`))
  return next === env ? null : next
}

/** Runs this CLI again with `env`; resolves to its exit code. Signals to this process are passed on. */
export function relaunch(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...argv], { env, stdio: 'inherit' })
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal)
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const s of signals) process.on(s, forward)
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`taodesk: could not start again with the GPU runtime (${error.message}).\n`)
      resolve(1)
    })
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward)
      // A child killed by a signal exits as a shell reports it (128 + the signal's number).
      resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 1) : 1))
    })
  })
}

/** For the entry points: the exit code of a relaunch with the GPU runtime, or null when not needed. */
export async function runWithGpuRuntime(argv: readonly string[]): Promise<number | null> {
  const env = gpuRelaunchEnv(argv, process.env)
  return env ? relaunch(argv, env) : null
}
