/**
 * Where a worker thread's entry file is. Under tsx or vitest the caller runs from its .ts
 * source, and so does the worker; in the bundle each worker is its own entry in
 * electron.vite.config.ts, out/main/<bundledName>.js.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** What `new Worker()` takes: a file URL, or a small ES module script when `eval` is set. */
export interface WorkerEntry {
  readonly script: string | URL
  readonly eval: boolean
}

/**
 * The entry of the worker whose source is `source` (relative to `from`, the caller's
 * `import.meta.url`) and whose bundle entry is named `bundledName`.
 */
export function workerEntry(bundledName: string, source: string, from: string): WorkerEntry {
  const here = fileURLToPath(from)
  if (here.endsWith('.ts')) return tsxEntry(new URL(source, from))
  // Bundled: the caller may sit in out/main/ or in a shared chunk under out/main/chunks/.
  const file = `${bundledName}.js`
  const dirs = [path.dirname(here), path.dirname(path.dirname(here))]
  for (const dir of dirs) {
    const candidate = path.join(dir, file)
    if (fs.existsSync(candidate)) return { script: pathToFileURL(candidate), eval: false }
  }
  throw new Error(`The worker script ${file} was not found (looked in ${dirs.join(' and ')}). Rebuild TaoDesk.`)
}

/**
 * Node 20 does not apply `--import tsx` hooks to a worker's entry file, so the worker registers
 * tsx itself before loading the TypeScript source. tsx is resolved here, not from the worker's
 * working directory.
 */
function tsxEntry(source: URL): WorkerEntry {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  return { script: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}) })`, eval: true }
}
