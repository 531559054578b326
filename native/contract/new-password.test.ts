import { describe, expect, it } from 'vitest'
import { COMMON_PASSWORD_PROBLEM, loadCommonPasswords, newPasswordVerdict, passwordStrength } from './index'

describe('newPasswordVerdict: the live meter agrees with what create accepts', () => {
  it('refuses "password1" while typing and never scores it as strong', async () => {
    expect(passwordStrength('password1').ok).toBe(true) // btcli's rule alone lets it through
    const common = await loadCommonPasswords()
    const v = newPasswordVerdict('password1', common)
    expect(v.ok).toBe(false)
    expect(v.score).toBeLessThanOrEqual(10)
    expect(v.problems).toContain(COMMON_PASSWORD_PROBLEM)
  })

  it('accepts an unusual password and falls back to btcli rule while the list loads', async () => {
    const common = await loadCommonPasswords()
    expect(newPasswordVerdict('Tr1cky pass!', common).ok).toBe(true)
    expect(newPasswordVerdict('password1', null).ok).toBe(true)
  })
})
