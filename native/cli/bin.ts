// Entry for `npm run taodesk -- <args>` in a checkout (the installed bin runs the bundle).
import { processIo, runCli } from './main'

const code = await runCli(process.argv.slice(2), processIo())
// Give stdout a tick to flush, then exit even if a library left a handle open.
setImmediate(() => process.exit(code))
