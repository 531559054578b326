import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { DevnetNode, PRACTICE_NETUID } from './node'

/**
 * The practice network's epoch reads Yuma3 and liquid alpha from storage as subtensor 14bc6f9f does:
 * `Yuma3On` and `LiquidAlphaOn` (default false, pallets/subtensor/src/lib.rs:977-985), `AlphaValues`
 * (default (45875, 58982), lib.rs:989-991) and `AlphaSigmoidSteepness` (runtime/src/lib.rs:970: 1000),
 * used by `compute_bonds_sparse` (epoch/run_epoch.rs:1340-1380). The matrix is the hand-worked one of
 * yuma/liquid-alpha.test.ts: validators v0 (3 TAO) and v1 (1 TAO), miners m2 and m3; v0 weights m2,
 * v1 weights m2 and m3. Consensus is (m2: 1, m3: 0), so v1's weight to m3 is clipped away.
 */
const SUB = 'SubtensorModule'
const NETUID = PRACTICE_NETUID
const LOW = 45875 / 65535
const HIGH = 58982 / 65535

const nodes: DevnetNode[] = []
afterEach(() => {
  for (const n of nodes.splice(0)) n.dispose()
})

async function subnetWithBonds(settings: { yuma3: boolean; liquidAlpha: boolean }) {
  await cryptoWaitReady()
  const node = await DevnetNode.create({ tempo: 20, weightsRateLimit: 0 })
  nodes.push(node)
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  const alice = keyring.addFromUri('//Alice').address
  const [v0, v1, m2, m3] = ['v0', 'v1', 'm2', 'm3'].map((n) => keyring.addFromUri(`//yuma-${n}`).address) as [string, string, string, string]
  const rt = node.runtime
  node.state.set(SUB, 'StakeThreshold', [], 0n)
  for (const hot of [v0, v1, m2, m3]) rt.burnedRegister(alice, NETUID, hot, undefined)
  rt.addStake(alice, v0, NETUID, 3_000_000_000n)
  rt.addStake(alice, v1, NETUID, 1_000_000_000n)
  // One epoch gives v0 and v1 their permits (used for masking in the next one).
  node.produceBlocks(node.blocksUntilNextEpoch(NETUID) + 1)
  const uid = (hot: string): number => node.state.num(SUB, 'Uids', NETUID, hot)
  const [u0, u1, u2, u3] = [uid(v0), uid(v1), uid(m2), uid(m3)]
  rt.setWeights(v0, NETUID, [u2], [65535], 0n, false)
  rt.setWeights(v1, NETUID, [u2, u3], [65535, 65535], 0n, false)
  node.state.set(SUB, 'Yuma3On', [NETUID], settings.yuma3)
  node.state.set(SUB, 'LiquidAlphaOn', [NETUID], settings.liquidAlpha)
  // v1 held both miners fully before this epoch.
  node.state.set(SUB, 'Bonds', [NETUID, u1], [[u2, 65535], [u3, 65535]])
  node.produceBlocks(node.blocksUntilNextEpoch(NETUID) + 1)
  const bonds = (u: number) => node.state.get(SUB, 'Bonds', NETUID, u).toJSON() as Array<[number, number]>
  return { node, bonds, u0, u1, u2, u3 }
}

describe('practice network epoch: Yuma3 and liquid alpha from storage', () => {
  it('uses the chain defaults for AlphaValues and AlphaSigmoidSteepness', async () => {
    await cryptoWaitReady()
    const node = await DevnetNode.create({ tempo: 20 })
    nodes.push(node)
    expect(node.state.get(SUB, 'AlphaValues', NETUID).toJSON()).toEqual([45875, 58982])
    expect(node.state.num(SUB, 'AlphaSigmoidSteepness', NETUID)).toBe(1000)
    expect(node.state.bool(SUB, 'Yuma3On', NETUID)).toBe(false)
    expect(node.state.bool(SUB, 'LiquidAlphaOn', NETUID)).toBe(false)
  })

  it('with LiquidAlphaOn, each bond moves at its own rate and the clipped-away bond is gone', async () => {
    const { bonds, u0, u1, u2 } = await subnetWithBonds({ yuma3: true, liquidAlpha: true })
    // (v0, m2): w 1 = c 1 -> diff 0 -> alpha = low + (high - low) / (1 + e^5); bond = alpha.
    const b02 = LOW + (HIGH - LOW) / (1 + Math.exp(5))
    // (v1, m2): w .5 < b 1 -> diff_sell .5 -> alpha = (low + high) / 2; bond = 1 - alpha * .5.
    const b12 = 1 - ((LOW + HIGH) / 2) * 0.5
    expect(bonds(u0).map(([j]) => j)).toEqual([u2])
    expect(Math.abs(bonds(u0)[0]![1] - Math.floor(b02 * 65535))).toBeLessThanOrEqual(1)
    expect(bonds(u1).map(([j]) => j)).toEqual([u2])
    expect(Math.abs(bonds(u1)[0]![1] - Math.floor(b12 * 65535))).toBeLessThanOrEqual(1)
  })

  it('with Yuma3 alone, bonds decay at 1 - BondsMovingAverage / 1e6 = 0.1 and the dropped one is kept', async () => {
    const { bonds, u0, u1, u2, u3 } = await subnetWithBonds({ yuma3: true, liquidAlpha: false })
    expect(bonds(u0)).toEqual([[u2, Math.floor(0.1 * 65535)]])
    expect(bonds(u1)).toEqual([[u2, Math.floor((0.05 + 0.9) * 65535)], [u3, Math.floor(0.9 * 65535)]].sort((a, b) => a[0]! - b[0]!))
  })
})
