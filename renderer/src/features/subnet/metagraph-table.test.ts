import { describe, expect, it } from 'vitest'
import type { Neuron } from '../../../../native/contract'
import { filterAndSortNeurons, nextNeuronSort, raoToTao, suggestedMaxPrice } from './metagraph-table'

function neuron(uid: number, over: Partial<Neuron> = {}): Neuron {
  return {
    uid,
    hotkey: `5Hot${uid}`,
    coldkey: `5Cold${uid}`,
    stake: 0,
    incentive: 0,
    emission: 0,
    dividends: 0,
    consensus: 0,
    validatorTrust: 0,
    validatorPermit: false,
    active: true,
    axon: { ip: '0.0.0.0', port: 0, ipType: 4, version: 0, serving: false },
    lastUpdate: 0,
    registrationBlock: 1,
    immune: false,
    ...over,
  }
}

describe('metagraph table', () => {
  const rows = [
    neuron(0, { stake: 1000, dividends: 0.9, validatorPermit: true, hotkey: '5Validator' }),
    neuron(1, { incentive: 0.3, axon: { ip: '203.0.113.10', port: 8091, ipType: 4, version: 0, serving: true } }),
    neuron(2, { incentive: 0.7 }),
    neuron(3, { incentive: 0.3 }),
  ]

  it('sorts by a column with ties by uid, and flips on a second click', () => {
    expect(filterAndSortNeurons(rows, '', { key: 'incentive', desc: true }).map((n) => n.uid)).toEqual([2, 1, 3, 0])
    expect(filterAndSortNeurons(rows, '', { key: 'incentive', desc: false }).map((n) => n.uid)).toEqual([0, 1, 3, 2])
    expect(filterAndSortNeurons(rows, '', { key: 'validatorPermit', desc: true })[0]!.uid).toBe(0)
    expect(nextNeuronSort({ key: 'incentive', desc: true }, 'incentive')).toEqual({ key: 'incentive', desc: false })
    expect(nextNeuronSort({ key: 'incentive', desc: true }, 'uid')).toEqual({ key: 'uid', desc: false })
    expect(nextNeuronSort({ key: 'uid', desc: false }, 'stake')).toEqual({ key: 'stake', desc: true })
  })

  it('searches by exact uid, hotkey or coldkey part, and axon address', () => {
    expect(filterAndSortNeurons(rows, '2', { key: 'uid', desc: false }).map((n) => n.uid)).toEqual([2])
    expect(filterAndSortNeurons(rows, 'validator', { key: 'uid', desc: false }).map((n) => n.uid)).toEqual([0])
    expect(filterAndSortNeurons(rows, '5cold3', { key: 'uid', desc: false }).map((n) => n.uid)).toEqual([3])
    expect(filterAndSortNeurons(rows, '203.0.113', { key: 'uid', desc: false }).map((n) => n.uid)).toEqual([1])
    expect(filterAndSortNeurons(rows, 'nothing', { key: 'uid', desc: false })).toEqual([])
  })

  it('does not mutate the input and handles 256+ rows', () => {
    const many = Array.from({ length: 300 }, (_, i) => neuron(i, { stake: (i * 7919) % 301 }))
    const sorted = filterAndSortNeurons(many, '', { key: 'stake', desc: true })
    expect(sorted).toHaveLength(300)
    expect(many[0]!.uid).toBe(0)
    for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1]!.stake).toBeGreaterThanOrEqual(sorted[i]!.stake)
  })

  it('formats TAO and suggests a price cap 20% above the price', () => {
    expect(raoToTao('1500000000')).toBe('1.5')
    expect(raoToTao('100000000')).toBe('0.1')
    expect(raoToTao('0')).toBe('0')
    expect(raoToTao('123456789', 9)).toBe('0.123456789')
    expect(suggestedMaxPrice('100000000')).toBe('0.12')
    expect(suggestedMaxPrice('125970000')).toBe('0.1512')
  })
})
