import { afterEach, describe, expect, it, vi } from 'vitest'
import { RpcClient, callTimeoutMs } from './client'
import { LIMITS } from './protocol'
import { createInprocPair } from './transports/inproc'

afterEach(() => {
  vi.useRealTimers()
})

/** A client whose engine receives calls and never answers. */
function silentEngine(): RpcClient {
  const [clientEnd] = createInprocPair()
  return new RpcClient(clientEnd)
}

describe('RpcClient timeouts', () => {
  it('gives a validator round (and other long methods) far more than the short default', () => {
    expect(callTimeoutMs('app.info')).toBe(LIMITS.callTimeoutMs)
    for (const method of ['validator.runRound', 'models.download', 'models.import', 'chain.register', 'wallet.submit'] as const) {
      expect(callTimeoutMs(method)).toBeGreaterThanOrEqual(60 * 60_000)
    }
  })

  it('keeps waiting for a round that lasts minutes while a short call still times out at 30 s', async () => {
    vi.useFakeTimers()
    const client = silentEngine()
    let roundError: unknown
    void client.call('validator.runRound', {}).catch((e: unknown) => (roundError = e))
    const info = client.call('app.info', {})
    const infoFailed = expect(info).rejects.toThrow(/did not answer app\.info within 30 s/)
    await vi.advanceTimersByTimeAsync(LIMITS.callTimeoutMs + 1)
    await infoFailed
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(roundError).toBeUndefined()
    client.dispose()
  })
})

describe('callTimeoutMs', () => {
  it('gives key creation and unlocking (Argon2, slow on a busy machine) the long limit', () => {
    for (const m of ['wallet.create', 'wallet.regen', 'wallet.unlock', 'wallet.newHotkey'] as const) expect(callTimeoutMs(m), m).toBeGreaterThan(10 * 60_000)
    expect(callTimeoutMs('wallet.list')).toBeLessThanOrEqual(60_000)
  })
})
