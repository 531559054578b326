import { describe, expect, it } from 'vitest'
import type { MinerStatus, WalletSummary } from '../../../../native/contract'
import { addressStatus, minerFormDefaults } from './miner-form'

const wallet = (name: string, hotkeys: string[]): WalletSummary =>
  ({ name, path: `/w/${name}`, coldkey: { address: null }, hotkeys: hotkeys.map((h) => ({ name: h, address: null })), unlockedUntil: null, remembered: false }) as unknown as WalletSummary
const saved = { wallet: '', hotkey: 'default', port: 8091, externalIp: '', serve: true }

describe('minerFormDefaults', () => {
  it("picks the user's first wallet and its hotkey on a first start (nothing to type)", () => {
    expect(minerFormDefaults(saved, [wallet('alice', ['miner1'])])).toMatchObject({ wallet: 'alice', hotkey: 'miner1' })
  })

  it('keeps the last values after Stop when the wallet still exists', () => {
    const last = { wallet: 'bob', hotkey: 'hk2', port: 9000, externalIp: '10.0.0.1', serve: false }
    expect(minerFormDefaults(last, [wallet('alice', ['default']), wallet('bob', ['hk1', 'hk2'])])).toEqual(last)
  })

  it('has no wallet when there is none yet', () => {
    expect(minerFormDefaults(saved, []).wallet).toBe('')
  })
})

describe('addressStatus never contradicts itself', () => {
  const base = { externalIp: '203.0.113.7', listen: { host: '0.0.0.0', port: 8091 } }
  it('does not say reachable while the address is not on chain', () => {
    const s = addressStatus({ ...base, served: null, reachability: { reachable: true, address: '203.0.113.7:8091', checkedAt: 0, latencyMs: 3, detail: '', advice: [] } })
    expect(s.color).toBe('yellow')
    expect(s.text).toMatch(/not published on chain/)
    expect(s.text).not.toMatch(/can reach/)
  })

  it('says validators can reach it only when published and answering', () => {
    const served: MinerStatus['served'] = { ip: '203.0.113.7', port: 8091, at: 0, action: 'served' }
    expect(addressStatus({ ...base, served, reachability: { reachable: true, address: '', checkedAt: 0, latencyMs: 4.2, detail: '', advice: [] } })).toEqual({
      color: 'green',
      text: 'Published on chain as 203.0.113.7:8091 and answering (4 ms): validators can reach this miner.',
    })
    expect(addressStatus({ ...base, served, reachability: { reachable: false, address: '', checkedAt: 0, latencyMs: 0, detail: '', advice: [] } }).color).toBe('red')
  })
})
