import { describe, expect, it } from 'vitest'
import { checkName } from '../services/wallet'
import { MinerStartParams } from './miner'
import { ValidatorConfig, ValidatorConfigPatch } from './validator'

const BAD = ['../x', '../../etc/passwd', 'a/b', 'a\\b', '.', '..', '.hidden', '-x', 'a..b', 'x'.repeat(65), 'with space']
const GOOD = ['default', 'my-wallet', 'w_1', 'miner.2', 'x'.repeat(64)]

describe('wallet and hotkey names in the miner and validator contracts', () => {
  it('follow the wallet module rule (checkName): path escapes are refused with a clear message', () => {
    for (const name of BAD) {
      expect(() => checkName(name, 'hotkey'), name).toThrow()
      for (const r of [MinerStartParams.safeParse({ wallet: name }), MinerStartParams.safeParse({ wallet: 'w', hotkey: name }), ValidatorConfigPatch.safeParse({ hotkey: name }), ValidatorConfig.safeParse({ wallet: name })]) {
        expect(r.success, name).toBe(false)
        expect(r.error!.issues[0]!.message).toMatch(/letters, digits, "_", "-" or "\."/)
      }
    }
    for (const name of GOOD) {
      expect(checkName(name, 'wallet')).toBe(name)
      expect(MinerStartParams.safeParse({ wallet: name, hotkey: name }).success, name).toBe(true)
      expect(ValidatorConfigPatch.safeParse({ wallet: name, hotkey: name }).success, name).toBe(true)
    }
    // The validator's "no wallet" (a temporary key) stays allowed.
    expect(ValidatorConfig.parse({ wallet: '' }).wallet).toBe('')
  })
})
