// Entry for `npm run taodesk -- <args>` in a checkout (the installed bin runs the bundle).
import { runWithGpuRuntime } from './gpu-relaunch'
import { processIo, runCli } from './main'

const argv = process.argv.slice(2)
const code = (await runWithGpuRuntime(argv)) ?? (await runCli(argv, processIo()))
// Give stdout a tick to flush, then exit even if a library left a handle open.
setImmediate(() => process.exit(code))
