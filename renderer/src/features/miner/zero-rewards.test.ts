import { describe, expect, it } from 'vitest'
import type { MetagraphResult } from '../../../../native/contract'
import { zeroRewardsReason } from './zero-rewards'

type N = MetagraphResult['neurons'][number]
const neuron = (hotkey: string, stake: number, permit: boolean, vtrust = 0): N => ({ uid: 0, hotkey, coldkey: 'c', stake, incentive: 0, emission: 0, dividends: 0, consensus: 0, validatorTrust: vtrust, validatorPermit: permit, active: true }) as unknown as N
const base = { registered: true, incentive: 0, nextEpochInBlocks: 7, ownValidatorHotkey: null }

describe('zeroRewardsReason', () => {
  it('explains a validator below the consensus threshold in plain words', () => {
    const metagraph = { neurons: [neuron('mine', 100, true), neuron('demo', 1000, true)] }
    const text = zeroRewardsReason({ ...base, metagraph, ownValidatorHotkey: 'mine' })!
    expect(text).toMatch(/holds 9% of the validators' stake/)
    expect(text).toMatch(/consensus threshold/)
    expect(text).toMatch(/next in 7 blocks/)
  })

  it('names a subnet without permitted validators', () => {
    expect(zeroRewardsReason({ ...base, metagraph: { neurons: [neuron('m', 0, false)] } })).toMatch(/no validator on this subnet has a validator permit/)
  })

  it('says nothing while the miner earns, and asks an unregistered one to register', () => {
    expect(zeroRewardsReason({ ...base, incentive: 0.2, metagraph: { neurons: [] } })).toBeNull()
    expect(zeroRewardsReason({ ...base, registered: false, metagraph: null })).toMatch(/not registered/)
  })

  it('on the practice network, says the demo validator weighs only its own miners and points to running one', () => {
    const metagraph = { neurons: [neuron('demo', 1000, true, 1)] }
    expect(zeroRewardsReason({ ...base, metagraph, practice: true })).toMatch(/demo validator weighs only the demo miners .* run a validator of your own/)
    expect(zeroRewardsReason({ ...base, metagraph })).not.toMatch(/demo validator/)
    expect(zeroRewardsReason({ ...base, metagraph, practice: true, ownValidatorHotkey: 'demo' })).not.toMatch(/demo validator/)
  })
})
