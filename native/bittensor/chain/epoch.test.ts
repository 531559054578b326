import type { ApiPromise } from '@polkadot/api'
import { describe, expect, it } from 'vitest'
import type { EpochState } from './epoch'
import { epochIndexAt, nextEpochBlock, revealPhase, revealWindow, schedulerKind } from './epoch'

const st = (o: Partial<EpochState>): EpochState => ({ kind: 'stateful', netuid: 5, block: 0, tempo: 360, lastEpochBlock: 0, pendingEpochAt: 0, epochIndex: 0, blocksSinceLastStep: 0, ...o })
const apiWith = (items: string[]): ApiPromise => ({ query: { subtensorModule: Object.fromEntries(items.map((i) => [i, () => undefined])) } }) as unknown as ApiPromise

describe('epoch helper (network-2026 §2.6, §3.1)', () => {
  it('picks the stateful scheduler from the metadata, else the legacy rule', () => {
    expect(schedulerKind(apiWith(['subnetEpochIndex', 'lastEpochBlock', 'tempo']))).toBe('stateful')
    expect(schedulerKind(apiWith(['tempo']))).toBe('legacy')
    expect(schedulerKind({ query: {} } as unknown as ApiPromise)).toBe('legacy')
  })

  it('next epoch: LastEpochBlock + tempo, an earlier PendingEpochAt, never in the past, the safety net, none at tempo 0', () => {
    expect(nextEpochBlock(st({ block: 120, lastEpochBlock: 100, tempo: 50 }))).toBe(150)
    expect(nextEpochBlock(st({ block: 120, lastEpochBlock: 100, tempo: 50, pendingEpochAt: 130 }))).toBe(130)
    // Deferred past its slot (MaxEpochsPerBlock): it fires at the next block at the earliest.
    expect(nextEpochBlock(st({ block: 160, lastEpochBlock: 100, tempo: 50 }))).toBe(161)
    expect(nextEpochBlock(st({ block: 120, lastEpochBlock: 100, tempo: 50, blocksSinceLastStep: 50_400 }))).toBe(121)
    expect(nextEpochBlock(st({ tempo: 0 }))).toBeNull()
  })

  it('legacy runtimes keep (block + netuid + 1) % (tempo + 1)', () => {
    const legacy = st({ kind: 'legacy', block: 10_000, tempo: 360 })
    // (10000 + 5 + 1) % 361 = 259: the next epoch block is 10102, where (10102 + 6) % 361 == 0.
    expect(nextEpochBlock(legacy)).toBe(10_102)
    expect(epochIndexAt(legacy)).toBe(Math.floor(10_007 / 361))
    expect(revealWindow(legacy, 27, 1)).toEqual({ epoch: 28, first: 28 * 361 - 6, last: 28 * 361 - 6 + 360 })
  })

  it('epoch index with look-ahead: the counter, plus one from the block an epoch fires in (weights.rs:1275-1283)', () => {
    const s = st({ block: 148, lastEpochBlock: 100, tempo: 50, epochIndex: 7 })
    expect(epochIndexAt(s)).toBe(7) // block 149
    expect(epochIndexAt(s, 150)).toBe(8)
    expect(epochIndexAt(s, 199)).toBe(8)
    expect(epochIndexAt(s, 200)).toBe(9)
  })

  it('reveal windows match bittensor-drand epoch_schedule_vectors.rs (network-2026 §3.2)', () => {
    // {L=10,P=0,I=0,T=50,S=0,H=10,RP=1}: commit epoch 0, first reveal block 60.
    const a = st({ lastEpochBlock: 10, tempo: 50, block: 10 })
    expect(epochIndexAt(a)).toBe(0)
    expect(revealWindow(a, 0, 1)).toEqual({ epoch: 1, first: 60, last: 109 })
    // {L=80,P=95,I=0,T=20,S=0,H=91,RP=1}: first reveal block 95.
    expect(revealWindow(st({ lastEpochBlock: 80, pendingEpochAt: 95, tempo: 20, block: 91 }), 0, 1).first).toBe(95)
    // {L=100,I=0,T=50,H=120}: commit epoch 0.
    expect(epochIndexAt(st({ lastEpochBlock: 100, tempo: 50, block: 120 }))).toBe(0)
  })

  it('reveal phase: early before commit epoch + RP, open at it, expired after (exact equality, weights.rs:1255-1292)', () => {
    const s = st({ block: 148, lastEpochBlock: 100, tempo: 50, epochIndex: 7 })
    expect(revealPhase(s, 7, 1)).toBe('early')
    expect(revealPhase(st({ ...s, block: 149 }), 7, 1)).toBe('open') // a reveal in block 150 is tagged 8
    expect(revealPhase(s, 6, 1)).toBe('open')
    expect(revealPhase(s, 5, 1)).toBe('expired')
    expect(revealPhase(s, 5, 2)).toBe('open')
  })
})
