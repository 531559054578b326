import { hexToU8a } from '@polkadot/util'
import { decodeAddress } from '@polkadot/util-crypto'
import { describe, expect, it, vi } from 'vitest'
import { sr25519Backend, sr25519Verify, sr25519VerifierReady } from './sr25519-verify'
import { EMPTY_BODY_HASH, signatureMessage } from './v10/format'
import { AXON_HOTKEY, DENDRITE_HOTKEY, SIGNED_REQUEST } from './v10/testing/vectors'

// A runtime where WebAssembly cannot be loaded: wasm-crypto's init fails.
vi.mock('@polkadot/wasm-crypto', async (original) => ({
  ...(await original<typeof import('@polkadot/wasm-crypto')>()),
  waitReady: () => Promise.reject(new Error('WebAssembly is not available')),
  isReady: () => false,
}))

describe('sr25519Verify without WASM', () => {
  it('falls back to the JS check, says so once, and still accepts and refuses correctly', async () => {
    const warnings: string[] = []
    expect(await sr25519VerifierReady((m) => warnings.push(m))).toBe('js')
    expect(await sr25519VerifierReady((m) => warnings.push(m))).toBe('js')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/could not be loaded; signatures are checked with the slower JavaScript code/)
    expect(sr25519Backend()).toBe('js')

    const { parts } = SIGNED_REQUEST
    const message = new TextEncoder().encode(signatureMessage(parts.nonce, DENDRITE_HOTKEY, AXON_HOTKEY, parts.dendrite.uuid, EMPTY_BODY_HASH))
    expect(sr25519Verify(message, hexToU8a(parts.signature), decodeAddress(DENDRITE_HOTKEY))).toBe(true)
    expect(sr25519Verify(message, hexToU8a(parts.signature), decodeAddress(AXON_HOTKEY))).toBe(false)
  })
})
