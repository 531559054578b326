import { describe, expect, it } from 'vitest'
import { guiText } from './gui-text'

describe('guiText: engine messages as the app shows them', () => {
  it('names the app field instead of a terminal flag', () => {
    const out = guiText("Could not detect this machine's public IPv4 address (no answer). Set it yourself with --external-ip.")
    expect(out).not.toContain('--external-ip')
    expect(out).toContain('Public IP field of the Miner page')
  })

  it('removes a doubled full stop but keeps an ellipsis', () => {
    expect(guiText('Stake below minimum (0.00 < 1000).. Stake more.')).toBe('Stake below minimum (0.00 < 1000). Stake more.')
    expect(guiText('Checking...')).toBe('Checking...')
  })
})
