#!/usr/bin/env node
// Installed entry point: runs the bundled CLI (npm run build produces it).
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(cli)) {
  process.stderr.write('taodesk: not built yet. Run `npm run build` in the TaoDesk folder (or use `npm run taodesk -- <args>` from a checkout).\n')
  process.exit(1)
}
const { runCli, processIo, runWithGpuRuntime } = await import(pathToFileURL(cli).href)
const argv = process.argv.slice(2)
// With a complete GPU runtime pack in the data folder, model commands run again with it on the loader's path.
const code = (await runWithGpuRuntime?.(argv)) ?? (await runCli(argv, processIo()))
setImmediate(() => process.exit(code))
