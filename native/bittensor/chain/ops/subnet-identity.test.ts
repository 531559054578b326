import { compactToU8a, u8aConcat } from '@polkadot/util'
import { describe, expect, it } from 'vitest'
import { decodeSubnetIdentity, identityText } from './subnet-identity'

const field = (bytes: Uint8Array | string): Uint8Array => {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
  return u8aConcat(compactToU8a(b.length), b)
}

describe('SubnetIdentityV3 decoding (network-2026.md §1.2: eight compact-prefixed Vec<u8>)', () => {
  it('reads the eight fields in SCALE order', () => {
    const bytes = u8aConcat(...['Hone', 'manifold-inc/hone', 'c@x', 'https://u', 'disc', 'desc', 'https://logo', 'extra'].map(field))
    expect(decodeSubnetIdentity(bytes)).toEqual({ name: 'Hone', githubRepo: 'manifold-inc/hone', contact: 'c@x', url: 'https://u', discord: 'disc', description: 'desc', logoUrl: 'https://logo', additional: 'extra' })
  })

  it('is null for truncated bytes or a field longer than subtensor allows', () => {
    const ok = u8aConcat(...Array.from({ length: 8 }, () => field('a')))
    expect(decodeSubnetIdentity(ok.subarray(0, ok.length - 1))).toBeNull()
    expect(decodeSubnetIdentity(u8aConcat(field('x'.repeat(1025)), ...Array.from({ length: 7 }, () => field(''))))).toBeNull()
  })

  it('turns owner bytes into safe text: invalid UTF-8 replaced, controls and bidi overrides dropped, trimmed', () => {
    expect(identityText(new Uint8Array([0x48, 0xff, 0x69]))).toBe('H\uFFFDi')
    expect(identityText(new TextEncoder().encode('  Ho\u202Ene\u0007\n'))).toBe('Hone')
    expect(identityText(new TextEncoder().encode('line1\nline2'))).toBe('line1\nline2')
  })
})
