import fs from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import { afterEach, describe, expect, it } from 'vitest'
import { SECRET_PARAM_METHODS, SECRET_RESULT_METHODS, events, methods, passwordStrength } from '../../contract'
import { keyFromMnemonic, toSchnorrkelBytes, hex } from '../../bittensor/keys/keys'
import { serviceHarness } from './test-support/service-harness'

const SECRET_NAME = /mnemonic|phrase|seed|secret|private|password|word/i
const LOW = { opslimit: 3, memlimit: 1024 * 1024 }

/** Every object key reachable in a zod 4 schema. */
function fieldNames(schema: z.ZodType, seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return []
  seen.add(schema)
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def
  const out: string[] = []
  const walk = (s: unknown) => {
    if (s && typeof s === 'object' && '_zod' in s) out.push(...fieldNames(s as z.ZodType, seen))
  }
  if (def.type === 'object') {
    for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
      out.push(k)
      walk(v)
    }
  }
  for (const key of ['element', 'innerType', 'valueType', 'keyType', 'in', 'out', 'left', 'right']) walk(def[key])
  for (const o of (def.options as unknown[] | undefined) ?? []) walk(o)
  for (const o of (def.items as unknown[] | undefined) ?? []) walk(o)
  return out
}

describe('the contract keeps secrets in the engine', () => {
  it('no method result or event payload has a secret-looking field, except the single reveal method', () => {
    const offenders: string[] = []
    for (const [name, spec] of Object.entries(methods)) {
      const bad = fieldNames(spec.result).filter((f) => SECRET_NAME.test(f))
      if (bad.length > 0 && !SECRET_RESULT_METHODS.includes(name)) offenders.push(`${name} result: ${bad.join(', ')}`)
    }
    for (const [name, spec] of Object.entries(events)) {
      const bad = fieldNames(spec.payload).filter((f) => SECRET_NAME.test(f))
      if (bad.length > 0) offenders.push(`${name} event: ${bad.join(', ')}`)
    }
    expect(offenders).toEqual([])
    expect(SECRET_RESULT_METHODS).toEqual(['wallet.revealMnemonic', 'subnetApi.keys.create', 'subnetApi.keys.rotate'])
    // The walker does see fields: the allowed exception is found, so the check is not vacuous.
    expect(fieldNames(methods['wallet.revealMnemonic'].result)).toContain('words')
  })

  it('secret-looking params appear only in the listed methods', () => {
    const withSecretParams = Object.entries(methods)
      .filter(([, spec]) => fieldNames(spec.params).some((f) => SECRET_NAME.test(f)))
      .map(([name]) => name)
      .sort()
    expect(withSecretParams).toEqual([...SECRET_PARAM_METHODS].sort())
  })
})

describe('wallet service (reduced KDF cost)', () => {
  let h: ReturnType<typeof serviceHarness>
  afterEach(() => h.close())

  it('create -> reveal once -> confirm; no result, event or log line other than the reveal carries a secret', async () => {
    h = serviceHarness(LOW)
    const created = await h.service.create({ name: 'alice', hotkey: 'miner', words: 24, password: 'Tr1cky pass!' })
    const listed = h.service.list()
    const revealed = h.service.revealMnemonic(created.revealToken)
    expect(revealed.phrases.map((p) => [p.role, p.name, p.words.length])).toEqual([['coldkey', 'alice', 24], ['hotkey', 'miner', 24]])
    expect(() => h.service.revealMnemonic(created.revealToken)).toThrow(/already shown/)

    const cold = keyFromMnemonic(revealed.phrases[0]!.words.join(' '))
    const hot = keyFromMnemonic(revealed.phrases[1]!.words.join(' '))
    expect(cold.mnemonic).toBeDefined()
    expect(created.wallet.coldkey.publicKey).toBe(hex(cold.publicKey))
    expect(created.wallet.hotkeys[0]!.publicKey).toBe(hex(hot.publicKey))
    const secrets = [cold, hot].flatMap((k) => [k.mnemonic!, k.mnemonic!.split(' ').slice(0, 3).join(' '), hex(k.seed!).slice(2), hex(toSchnorrkelBytes(k.secretKey)).slice(2), hex(k.secretKey).slice(2)])
    const unlocked = await h.service.unlock({ name: 'alice', password: 'Tr1cky pass!', minutes: 5 })
    const everything = JSON.stringify({ created, listed, unlocked, events: h.events, logs: h.logs, activity: h.service.activity(undefined, 100) })
    for (const s of secrets) expect(everything.includes(s)).toBe(false)

    const wrong = h.service.confirmBackup(created.revealToken, revealed.checks.map((c) => ({ ...c, word: 'zoo' })))
    expect(wrong.confirmed).toBe(false)
    const answers = revealed.checks.map((c) => ({ ...c, word: revealed.phrases.find((p) => p.role === c.role)!.words[c.position - 1]! }))
    expect(revealed.checks).toHaveLength(6)
    expect(h.service.confirmBackup(created.revealToken, answers)).toEqual({ confirmed: true, wrong: [] })
    expect(h.service.activity('alice', 10).map((a) => a.kind)).toEqual(['backup-confirmed', 'unlocked', 'created'])
  })

  it('refuses weak passwords, duplicate names and unsafe names; regen restores a known address', async () => {
    h = serviceHarness(LOW)
    await expect(h.service.create({ name: 'a', hotkey: 'default', words: 12, password: 'abc' })).rejects.toThrow(/at least 6 characters/)
    await expect(h.service.create({ name: '../evil', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })).rejects.toThrow(/cannot be a wallet name/)
    await h.service.create({ name: 'a', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })
    await expect(h.service.create({ name: 'a', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })).rejects.toThrow(/already exists/)
    const dev = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk'
    const w = await h.service.regen({ name: 'restored', role: 'coldkey', hotkey: 'default', mnemonic: dev, password: 'Tr1cky pass!', overwrite: false })
    expect(w.coldkey.address).toBe('5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV')
    await expect(h.service.regen({ name: 'restored', role: 'coldkey', hotkey: 'default', mnemonic: dev, password: 'Tr1cky pass!', overwrite: false })).rejects.toThrow(/already has a coldkey/)
    const withHot = await h.service.regen({ name: 'restored', role: 'hotkey', hotkey: 'h2', mnemonic: dev, overwrite: false })
    expect(withHot.hotkeys.map((x) => x.name)).toEqual(['h2'])
    const added = await h.service.newHotkey({ name: 'restored', hotkey: 'h3', words: 12, password: 'An0ther pw!' })
    expect(added.wallet.hotkeys.find((x) => x.name === 'h3')).toMatchObject({ format: 'nacl' })
  })

  it('lists damaged, truncated and Fernet keyfiles with a problem instead of failing; unlock reports them', async () => {
    h = serviceHarness(LOW)
    await h.service.create({ name: 'ok', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })
    const dir = path.join(h.walletsDir, 'ok')
    fs.writeFileSync(path.join(h.walletsDir, 'ok', 'hotkeys', 'broken'), '{"secretPhrase": "bottom dri')
    fs.mkdirSync(path.join(h.walletsDir, 'old', 'hotkeys'), { recursive: true })
    fs.writeFileSync(path.join(h.walletsDir, 'old', 'coldkey'), 'gAAAAABkZ3...')
    const list = h.service.list()
    expect(list.wallets.map((w) => w.name)).toEqual(['ok', 'old'])
    expect(list.wallets[0]!.hotkeys.find((x) => x.name === 'broken')!.problem).toMatch(/truncated/)
    expect(list.wallets[1]!.coldkey).toMatchObject({ format: 'fernet', problem: expect.stringMatching(/Fernet/) })
    await expect(h.service.unlock({ name: 'old', password: 'x', minutes: 1 })).rejects.toThrow(/old bittensor SDK/)
    const cold = fs.readFileSync(path.join(dir, 'coldkey'))
    fs.writeFileSync(path.join(dir, 'coldkey'), cold.subarray(0, 30))
    await expect(h.service.unlock({ name: 'ok', password: 'Tr1cky pass!', minutes: 1 })).rejects.toThrow(/truncated/)
  })

  it('a coldkey that is a folder is a clear BAD_REQUEST, not INTERNAL (issue 15)', async () => {
    h = serviceHarness(LOW)
    fs.mkdirSync(path.join(h.walletsDir, 'dir', 'coldkey'), { recursive: true })
    const error = await h.service.unlock({ name: 'dir', password: 'x', minutes: 1 }).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/The coldkey of wallet "dir" should be a file, but .*coldkey is a folder\. Move that folder away/) as unknown })
    expect(h.service.list().wallets.find((w) => w.name === 'dir')!.coldkey.problem).toMatch(/EISDIR|folder/)
  })

  it('unlock expires and wipes the key', async () => {
    h = serviceHarness(LOW)
    await h.service.create({ name: 'w', hotkey: 'default', words: 12, password: 'Tr1cky pass!' })
    await h.service.unlock({ name: 'w', password: 'Tr1cky pass!', minutes: 1 })
    const signer = h.service.coldkeySigner('w')
    expect(h.service.lockAll()).toEqual(['w'])
    expect(() => signer.sign(new Uint8Array([1]))).toThrow(/locked/)
    expect(() => h.service.coldkeySigner('w')).toThrow(/locked/)
    expect(h.events.some((e) => e.name === 'wallet.lockChanged' && (e.payload as { unlockedUntil: unknown }).unlockedUntil === null)).toBe(true)
  })
})

describe('password strength (btcli rule: >= 6 characters and passwords-crate score >= 20)', () => {
  it("matches the passwords crate's own test vectors", () => {
    expect(passwordStrength('kq4zpz13').score).toBe(62)
    expect(passwordStrength('abc123').score).toBe(24)
    expect(passwordStrength('ZYX[$BCkQB中文}%A_3456]  H(\rg').score).toBe(100)
  })
  it('applies the rule', () => {
    expect(passwordStrength('abc12').ok).toBe(false)
    // Hand-computed with the crate's formula: 40 - 2 - 4 - 4 - 40 * (6 / 6 / 5) = 22 (the crate is lenient).
    expect(passwordStrength('aaaaaa')).toMatchObject({ score: 22, ok: true })
    expect(passwordStrength('').problems).toHaveLength(2)
    expect(passwordStrength('Tr1cky pass!').ok).toBe(true)
  })
})
