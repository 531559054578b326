import { describe, expect, it, vi } from 'vitest'
import { clearStakeRequest, faucetShortfall, peekStakeRequest, readableUnits, requestStake, taoForAlpha } from './stake-request'

const TAO = 1_000_000_000n

describe('a stake asked for by another page', () => {
  it('buys the alpha asked for even at the limit price the form signs', () => {
    // The practice subnets swap 1:1 (stable mechanism): 1,000 alpha at 0.5 % slippage cost 1,005 TAO.
    expect(taoForAlpha(1000n * TAO, TAO, 0.5)).toBe(1005n * TAO)
    // A dynamic subnet at 0.02 TAO per alpha, 1 %: 20.2 TAO; rounded up to the rao.
    expect(taoForAlpha(1000n * TAO, 20_000_000n, 1)).toBe(20_200_000_000n)
    expect(taoForAlpha(1n, 3n * TAO, 0)).toBe(3n)
    expect(taoForAlpha(1n, 1n, 0)).toBe(1n)
  })

  it('asks the practice faucet only for what is missing, in whole TAO', () => {
    expect(faucetShortfall(2000n * TAO, 1005n * TAO)).toBe(0n)
    expect(faucetShortfall(49n * TAO, 1005n * TAO)).toBe(956n * TAO)
    expect(faucetShortfall(0n, 2500n * TAO)).toBe(2500n * TAO)
    // A round number to ask for: 1,060.41 missing asks for 1,061.
    expect(faucetShortfall(99_371_015_610n, 1_159_780_000_000n)).toBe(1061n * TAO)
    expect(readableUnits(1_060_408_984_890n)).toBe('1,060.41')
  })

  it("waits for the named wallet's form, which clears it once opened", () => {
    const r = { wallet: 'me', hotkey: '5Val', netuid: 5, alpha: 1000n * TAO }
    vi.stubGlobal('window', { location: { hash: '#/validator' } })
    requestStake(r)
    expect(window.location.hash).toBe('/wallet')
    expect(peekStakeRequest('other')).toBeNull()
    expect(peekStakeRequest('me')).toBe(r)
    clearStakeRequest(r)
    expect(peekStakeRequest('me')).toBeNull()
    vi.unstubAllGlobals()
  })
})
