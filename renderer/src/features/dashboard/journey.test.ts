import { describe, expect, it } from 'vitest'
import { journeySteps, nextStep } from './journey'
import type { JourneyFacts } from './journey'

const empty: JourneyFacts = { wallets: 0, network: 'devnet', registered: false, modelInstalled: false, minerRunning: false, validatorRunning: false }

describe('the first-run journey', () => {
  it('starts with the wallet on an empty home folder', () => {
    expect(nextStep(empty)).toMatchObject({ id: 'wallet', action: { route: 'wallet' } })
  })

  it('walks wallet, practice TAO and registration, model, start, in that order', () => {
    expect(nextStep({ ...empty, wallets: 1 })).toMatchObject({ id: 'register', title: 'Get practice TAO and register', action: { route: 'subnet' } })
    expect(nextStep({ ...empty, wallets: 1, registered: true })?.id).toBe('model')
    expect(nextStep({ ...empty, wallets: 1, registered: true, modelInstalled: true })).toMatchObject({ id: 'start', action: { route: 'miner' } })
    expect(nextStep({ ...empty, wallets: 1, registered: true, modelInstalled: true, minerRunning: true })).toBeNull()
  })

  it('says nothing is spent on the practice network and offers it elsewhere', () => {
    expect(journeySteps(empty).find((s) => s.id === 'network')?.detail).toMatch(/nothing real is spent/)
    expect(journeySteps({ ...empty, network: 'finney' }).find((s) => s.id === 'register')?.detail).toMatch(/burned/)
  })

  it('offers no step while loading', () => {
    expect(nextStep({ ...empty, wallets: null })).toBeNull()
    // A mining user whose metagraph is still loading (or whose chain does not answer) is not sent back to "register".
    expect(nextStep({ ...empty, wallets: 1, registered: null, modelInstalled: true, minerRunning: true })).toBeNull()
    expect(nextStep({ ...empty, wallets: 1, registered: true, modelInstalled: null })).toBeNull()
  })
})
