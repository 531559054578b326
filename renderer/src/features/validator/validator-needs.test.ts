import { describe, expect, it } from 'vitest'
import type { MetagraphResult, WalletSummary } from '../../../../native/contract'
import { validatorNeeds } from './validator-needs'
import type { ValidatorNeedsFacts } from './validator-needs'

const wallet = { name: 'me', path: '/w/me', coldkey: { address: '5Cold' }, hotkeys: [{ name: 'default', address: '5Miner' }], unlockedUntil: null, remembered: false } as unknown as WalletSummary
const withValidator = { ...wallet, hotkeys: [...wallet.hotkeys, { name: 'validator', address: '5Val' }] } as unknown as WalletSummary
type N = MetagraphResult['neurons'][number]
const neuron = (hotkey: string, uid: number, stake: number, validatorPermit: boolean, incentive = 0) => ({ hotkey, uid, stake, validatorPermit, incentive, active: true }) as unknown as N
const config = { wallet: 'me', hotkey: 'default', netuid: 5 }
const subnet = { blocksUntilNextEpoch: 7, maxAllowedValidators: 16, kappa: 32767 }
const facts = (f: Partial<ValidatorNeedsFacts>): ValidatorNeedsFacts => ({ config, wallets: [wallet], minerHotkey: '5Miner', metagraph: { neurons: [] }, minerMinStake: 1000, subnet, ...f })
const validator = { config: { ...config, hotkey: 'validator' }, wallets: [withValidator] }
/** The practice subnet: the demo validator (1,000 stake) and the user's miner, which no other validator weighs yet. */
const practice = (mine: N) => facts({ ...validator, metagraph: { neurons: [neuron('5Demo', 0, 1000, true), neuron('5Miner', 1, 100, true), mine] } })

describe('validatorNeeds', () => {
  it("never lets the validator sign with the miner's hotkey out of the box, and offers a hotkey of its own", () => {
    const needs = validatorNeeds(facts({}))
    expect(needs).toHaveLength(1)
    expect(needs[0]).toMatchObject({ id: 'own-hotkey', ok: false, action: { kind: 'new-hotkey', hotkey: 'validator' } })
    expect(validatorNeeds(facts({ wallets: [withValidator] }))[0]!.action).toMatchObject({ kind: 'use-hotkey', hotkey: 'validator' })
  })

  it('then asks for registration, a permit and the stake miners ask for; the stake buttons open the stake form filled in', () => {
    expect(validatorNeeds(facts(validator)).at(-1)).toMatchObject({ id: 'register', ok: false, action: { route: 'subnet' } })
    const needs = validatorNeeds(facts({ ...validator, metagraph: { neurons: [neuron('5Val', 3, 0, false)] } }))
    expect(needs.map((n) => [n.id, n.ok])).toEqual([['own-hotkey', true], ['register', true], ['permit', false], ['stake', false]])
    expect(needs[3]!.text).toMatch(/at least 1,000 stake; this hotkey has 0/)
    const stake = { kind: 'stake', wallet: 'me', hotkey: '5Val', netuid: 5, alpha: 1000 }
    expect(needs[3]!.action).toEqual({ ...stake, label: 'Stake 1,000 more' })
    // One stake covers the permit too: one button, on the stake need.
    expect(needs[2]!.action).toBeNull()
    expect(needs[2]!.text).toMatch(/Stake TAO on this hotkey \(the stake button\), then wait for the next epoch/)
  })

  it('once staked, the permit is a plain wait for the next epoch, with no button', () => {
    const permit = validatorNeeds(facts({ ...validator, metagraph: { neurons: [neuron('5Val', 3, 1000, false)] } })).find((n) => n.id === 'permit')!
    expect(permit).toMatchObject({ ok: false, action: null })
    expect(permit.text).toMatch(/^Permit at the next epoch, in about 7 blocks/)
    const soon = validatorNeeds(facts({ ...validator, subnet: { ...subnet, blocksUntilNextEpoch: 0 }, metagraph: { neurons: [neuron('5Val', 3, 1000, false)] } })).find((n) => n.id === 'permit')!
    expect(soon.text).toMatch(/^Permit at the next epoch, within a block or two/)
    // Outranked by a full set of validators: staking more is still the way.
    const crowd = Array.from({ length: 16 }, (_, i) => neuron(`5V${i}`, 10 + i, 5000, true))
    expect(validatorNeeds(facts({ ...validator, metagraph: { neurons: [...crowd, neuron('5Val', 3, 1000, false)] } })).find((n) => n.id === 'permit')!.action).toMatchObject({ kind: 'stake' })
  })

  it("asks for the majority of the stake while no other validator weighs the user's miner, and stakes for both at once", () => {
    const needs = validatorNeeds(practice(neuron('5Val', 3, 0, false)))
    const consensus = needs.find((n) => n.id === 'miner-consensus')!
    expect(consensus.ok).toBe(false)
    expect(consensus.text).toMatch(/Your miner \(uid 1\) earns only from what validators holding more than 50 % .* The others hold 1,100/)
    // 1,100 × 1.1 (emission while waiting), over the 1,000 the miners ask for.
    expect(needs.find((n) => n.id === 'stake')!.action).toMatchObject({ kind: 'stake', alpha: 1210, label: 'Stake 1,210 more' })
    expect(consensus.action).toBeNull()
    // Once the miners' 1,000 are there, the majority keeps the button.
    expect(validatorNeeds(practice(neuron('5Val', 3, 1000, true))).find((n) => n.id === 'miner-consensus')!.action).toMatchObject({ kind: 'stake', alpha: 210, label: 'Stake 210 more' })
    // With the majority, all is ok once the permit came.
    expect(validatorNeeds(practice(neuron('5Val', 3, 1210, true))).every((n) => n.ok)).toBe(true)
    // Another validator's weights already pay the miner: no majority needed.
    const paid = facts({ ...validator, metagraph: { neurons: [neuron('5Demo', 0, 1000, true), neuron('5Miner', 1, 100, true, 0.2), neuron('5Val', 3, 1000, true)] } })
    expect(validatorNeeds(paid).every((n) => n.ok)).toBe(true)
  })

  it('asks for a wallet first, offering the existing one', () => {
    expect(validatorNeeds(facts({ config: { ...config, wallet: '' }, minerHotkey: null, metagraph: null }))[0]!.action).toMatchObject({ kind: 'use-wallet', wallet: 'me' })
  })
})
