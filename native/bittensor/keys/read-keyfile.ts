import fs from 'node:fs'
import { EngineError } from '../../contract/errors'

/**
 * The bytes of a keyfile, or an EngineError that says what is wrong with the path in plain
 * words: missing (NOT_FOUND, with `missing` as the advice), a folder where the file should be,
 * or a file this user may not read. `what` names the key ("The coldkey of wallet "alice"").
 */
export function readKeyfileBytes(file: string, what: string, missing: string): Buffer {
  try {
    return fs.readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new EngineError('NOT_FOUND', missing)
    if (code === 'EISDIR') {
      throw new EngineError('BAD_REQUEST', `${what} should be a file, but ${file} is a folder. Move that folder away, then restore the key from its recovery phrase (or put the keyfile back).`)
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new EngineError('BAD_REQUEST', `TaoDesk is not allowed to read ${file} (${what}). Give your user read permission on it (e.g. chmod 600).`)
    }
    throw new EngineError('BAD_REQUEST', `Cannot read ${file} (${what}): ${error instanceof Error ? error.message : String(error)}`)
  }
}
