import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import path from 'node:path'

export interface ServeProcess {
  readonly url: string
  readonly origin: string
  readonly token: string
  readonly child: ChildProcess
  stop(): Promise<number | null>
}

const repoRoot = path.resolve(import.meta.dirname, '../..')

/**
 * Starts the installed entry point (`bin/taodesk.mjs serve`, the built bundle) as a real
 * process, the way a server operator runs it, and reads the URL it prints.
 */
export async function startServeProcess(home: string, extraArgs: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'taodesk.mjs'), 'serve', '--json', '--port', '0', ...extraArgs], {
    env: { ...process.env, ...env, TAODESK_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  const info = await new Promise<{ url: string; origin: string; token: string }>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      const nl = out.indexOf('\n')
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { url: string; origin: string; token: string })
    })
    child.on('exit', (code) => reject(new Error(`taodesk serve exited with ${code}: ${stderr}`)))
    setTimeout(() => reject(new Error(`taodesk serve printed no URL in 20 s: ${stderr}`)), 20_000)
  })
  return {
    ...info,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        child.once('exit', (code) => resolve(code))
        child.kill('SIGINT')
      }),
  }
}
