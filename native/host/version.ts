import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The folder holding TaoDesk's package.json, found by walking up from this module (source or bundle). */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  for (;;) {
    const candidate = path.join(dir, 'package.json')
    if (fs.existsSync(candidate)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }
        if (pkg.name === 'taodesk') return dir
      } catch {
        // keep walking
      }
    }
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('Cannot find the TaoDesk package folder')
    dir = parent
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}
