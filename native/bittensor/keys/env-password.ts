import path from 'node:path'

/**
 * btcli's password-in-environment convention (§5.3): the variable `BT_PW_` + the keyfile's
 * absolute path, upper-cased, with every `/` and `.` turned into `_`, holds
 * base64(password XOR the variable name repeated). Obfuscation, not encryption: anyone who can
 * read the environment can read the password.
 */
export function envPasswordVariable(keyfilePath: string): string {
  return `BT_PW_${path.resolve(keyfilePath).split(path.sep).join('_').replace(/\./g, '_')}`.toUpperCase()
}

function xorWithName(data: Uint8Array, name: string): Uint8Array {
  const key = new TextEncoder().encode(name)
  return data.map((b, i) => b ^ key[i % key.length]!)
}

/** The value to put in `envPasswordVariable(keyfile)` for `password` (what btcli does). */
export function encodeEnvPassword(keyfilePath: string, password: string): string {
  return Buffer.from(xorWithName(new TextEncoder().encode(password), envPasswordVariable(keyfilePath))).toString('base64')
}

/** The password btcli's environment variable holds for this keyfile, or undefined when unset. */
export function envPasswordFor(keyfilePath: string, env: NodeJS.ProcessEnv): string | undefined {
  const name = envPasswordVariable(keyfilePath)
  const value = env[name]
  if (value === undefined || value === '') return undefined
  const bytes = Buffer.from(value.trim(), 'base64')
  if (bytes.length === 0) throw new Error(`${name} is set but is not base64; btcli stores base64(password XOR variable name) there.`)
  const plain = xorWithName(bytes, name)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain)
  } catch {
    throw new Error(`${name} does not decode to a UTF-8 password; it must hold base64(password XOR variable name), as btcli writes it.`)
  } finally {
    plain.fill(0)
  }
}
