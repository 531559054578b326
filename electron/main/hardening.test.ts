/**
 * Issue 15 item 6: the desktop shell locked down as Electron recommends. The app cannot be
 * launched on the build machines, so this reads what ships: the packaging config (fuses, the
 * Windows update publisher) and the main-process code (safeStorage use, no RunAsNode children).
 */
import fs from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const config = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>

function mainProcessSources(): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = []
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) out.push({ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') })
    }
  }
  walk(path.join(ROOT, 'electron'))
  return out
}

describe('packaged app hardening (electron-builder.yml)', () => {
  it('flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; cookies encrypted; only the integrity-checked app.asar loads', () => {
    expect(config.asar).toBe(true)
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
  })

  it('names the Windows publisher, so electron-updater verifies the signature of an update', () => {
    const win = config.win as { verifyUpdateCodeSignature?: unknown; publisherName?: unknown; signtoolOptions?: { publisherName?: unknown } }
    expect(win.verifyUpdateCodeSignature).toBe(true)
    // electron-builder 26 reads it from signtoolOptions; the old top-level key is ignored.
    expect(win.publisherName).toBeUndefined()
    const names = ([] as unknown[]).concat(win.signtoolOptions?.publisherName ?? [])
    expect(names.length).toBeGreaterThan(0)
    expect(names.every((n) => typeof n === 'string' && n.trim().length > 0)).toBe(true)
  })
})

describe('main-process code', () => {
  const sources = mainProcessSources()

  it('starts no Node child through the Electron binary (RunAsNode is off): the engine is a utilityProcess', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/ELECTRON_RUN_AS_NODE|from 'node:child_process'|from 'child_process'/)
    }
    expect(sources.find((s) => s.file.endsWith('engine-host.ts'))?.text).toMatch(/utilityProcess\.fork\(/)
  })

  it('reaches safeStorage only through the vault that prefers the asynchronous API and refuses basic_text', () => {
    const users = sources.filter((s) => /\bsafeStorage\b/.test(s.text) && /from 'electron'/.test(s.text))
    expect(users.map((s) => s.file)).toEqual([path.join('electron', 'main', 'secret-vault.ts')])
    const vault = users[0]!.text
    expect(vault).toMatch(/serveSecretVault\(safeStorage,/)
    // The synchronous calls (removed in Electron 46) are not made directly anywhere in the shell.
    for (const { file, text } of sources) expect(text, file).not.toMatch(/safeStorage\.(encryptString|decryptString|isEncryptionAvailable)\(/)
  })
})
