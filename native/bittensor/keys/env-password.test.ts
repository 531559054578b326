import { describe, expect, it } from 'vitest'
import { encodeEnvPassword, envPasswordFor, envPasswordVariable } from './env-password'

describe("btcli's BT_PW_* password variables (spec §5.3)", () => {
  it('names the variable from the absolute keyfile path as btwallet does', () => {
    expect(envPasswordVariable('/home/alice/.bittensor/wallets/default/coldkey')).toBe('BT_PW__HOME_ALICE__BITTENSOR_WALLETS_DEFAULT_COLDKEY')
  })

  it('decodes base64(password XOR name), written independently here, including Unicode', () => {
    const file = '/home/alice/.bittensor/wallets/default/coldkey'
    const name = 'BT_PW__HOME_ALICE__BITTENSOR_WALLETS_DEFAULT_COLDKEY'
    for (const password of ['Tr1cky pass!', 'Pässwörd ✓ 钱包 🔑', 'x'.repeat(200)]) {
      const bytes = Buffer.from(password, 'utf8')
      const key = Buffer.from(name, 'utf8')
      const value = Buffer.from(bytes.map((b, i) => b ^ key[i % key.length]!)).toString('base64')
      expect(encodeEnvPassword(file, password)).toBe(value)
      expect(envPasswordFor(file, { [name]: value })).toBe(password)
    }
    expect(envPasswordFor(file, {})).toBeUndefined()
    expect(envPasswordFor(file, { [name]: '' })).toBeUndefined()
    // Bytes that are not UTF-8 after the XOR are reported, not turned into a wrong password.
    const key = Buffer.from(name)
    const bad = Buffer.from([0xff, 0xfe].map((b, i) => b ^ key[i]!)).toString('base64')
    expect(() => envPasswordFor(file, { [name]: bad })).toThrow(/UTF-8/)
  })
})
