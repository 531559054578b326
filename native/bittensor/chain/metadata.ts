import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const METADATA_FILE = 'finney-spec424.scale'

/**
 * Where the shipped chain resources live: `TAODESK_RESOURCES`, Electron's resourcesPath, or the
 * repository's `resources/` folder found by walking up from this module (tsx and the bundle).
 */
export function chainResourceCandidates(): string[] {
  const out: string[] = []
  const env = process.env.TAODESK_RESOURCES?.trim()
  if (env) out.push(path.join(env, 'chain', METADATA_FILE))
  const rp = (process as { resourcesPath?: string }).resourcesPath
  if (rp) out.push(path.join(rp, 'chain', METADATA_FILE), path.join(rp, 'resources', 'chain', METADATA_FILE))
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    out.push(path.join(dir, 'resources', 'chain', METADATA_FILE))
    dir = path.dirname(dir)
  }
  return out
}

let cached: Uint8Array | undefined

/** The real finney metadata bytes (the "meta" magic + V16 body) that decorate the practice devnet. */
export function loadFinneyMetadata(): Uint8Array {
  if (cached) return cached
  for (const file of chainResourceCandidates()) {
    if (fs.existsSync(file)) {
      const bytes = new Uint8Array(fs.readFileSync(file))
      if (bytes[0] !== 0x6d || bytes[1] !== 0x65 || bytes[2] !== 0x74 || bytes[3] !== 0x61) {
        throw new Error(`${file} is not SCALE runtime metadata (missing the "meta" magic). Reinstall TaoDesk.`)
      }
      cached = bytes
      return bytes
    }
  }
  throw new Error(`The chain metadata file ${METADATA_FILE} is missing from TaoDesk's resources. Reinstall TaoDesk.`)
}
