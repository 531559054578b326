import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A fresh TAODESK_HOME for one test, removed afterwards. */
export function makeTempHome(prefix = 'taodesk-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
