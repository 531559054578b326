// `npm start`: the desktop app when Electron's runtime is installed; otherwise headless mode
// (the same engine and UI, served to a browser), so build machines and servers still get a UI.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const electronVite = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')

function electronBinary() {
  try {
    const binary = require('electron')
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

const args = process.argv.slice(2)
if (electronBinary()) {
  run(process.execPath, [electronVite, 'preview', ...args])
} else {
  console.log('Electron runtime not installed (no binary in node_modules/electron), so starting headless mode instead.')
  const build = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, encoding: 'utf8' })
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout}${build.stderr}\nThe build failed; see above.\n`)
    process.exit(1)
  }
  run(process.execPath, [path.join(root, 'bin', 'taodesk.mjs'), 'serve', ...args])
}
