import { describe, expect, it } from 'vitest'
import type { MetagraphResult, WalletSummary } from '../../../../native/contract'
import { validatorNeeds } from './validator-needs'

const wallet = { name: 'me', path: '/w/me', coldkey: { address: '5Cold' }, hotkeys: [{ name: 'default', address: '5Miner' }], unlockedUntil: null, remembered: false } as unknown as WalletSummary
const withValidator = { ...wallet, hotkeys: [...wallet.hotkeys, { name: 'validator', address: '5Val' }] } as unknown as WalletSummary
type N = MetagraphResult['neurons'][number]
const neuron = (hotkey: string, uid: number, stake: number, validatorPermit: boolean) => ({ hotkey, uid, stake, validatorPermit }) as unknown as N
const config = { wallet: 'me', hotkey: 'default', netuid: 5 }

describe('validatorNeeds', () => {
  it("never lets the validator sign with the miner's hotkey out of the box, and offers a hotkey of its own", () => {
    const needs = validatorNeeds({ config, wallets: [wallet], minerHotkey: '5Miner', metagraph: { neurons: [] }, minerMinStake: 1000 })
    expect(needs).toHaveLength(1)
    expect(needs[0]).toMatchObject({ id: 'own-hotkey', ok: false, action: { kind: 'new-hotkey', hotkey: 'validator' } })
    expect(validatorNeeds({ config, wallets: [withValidator], minerHotkey: '5Miner', metagraph: { neurons: [] }, minerMinStake: 1000 })[0]!.action).toMatchObject({ kind: 'use-hotkey', hotkey: 'validator' })
  })

  it('then asks for registration, a permit and the stake miners ask for, each with its button', () => {
    const c = { ...config, hotkey: 'validator' }
    expect(validatorNeeds({ config: c, wallets: [withValidator], minerHotkey: '5Miner', metagraph: { neurons: [] }, minerMinStake: 1000 }).at(-1)).toMatchObject({ id: 'register', ok: false, action: { route: 'subnet' } })
    const needs = validatorNeeds({ config: c, wallets: [withValidator], minerHotkey: '5Miner', metagraph: { neurons: [neuron('5Val', 3, 0, false)] }, minerMinStake: 1000 })
    expect(needs.map((n) => [n.id, n.ok])).toEqual([['own-hotkey', true], ['register', true], ['permit', false], ['stake', false]])
    expect(needs[3]!.text).toMatch(/at least 1,000 stake; this hotkey has 0/)
    expect(needs[3]!.action).toMatchObject({ kind: 'route', route: 'wallet', label: 'Stake 1,000 more' })
  })

  it('asks for a wallet first, offering the existing one', () => {
    expect(validatorNeeds({ config: { ...config, wallet: '' }, wallets: [wallet], minerHotkey: null, metagraph: null, minerMinStake: 1000 })[0]!.action).toMatchObject({ kind: 'use-wallet', wallet: 'me' })
  })
})
