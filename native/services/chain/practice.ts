import { ChainClient } from '../../bittensor/chain/chain-client'
import { devSigner } from '../../bittensor/keys/dev-signer'
import { DevnetNode, PRACTICE_NETUID } from '../../bittensor/devnet/node'
import { startDevnetServer } from '../../bittensor/devnet/ws-server'
import type { DevnetServer } from '../../bittensor/devnet/ws-server'
import { placeLoopbackAxon } from '../../bittensor/devnet/operator-axons'
import type { DemoQuality } from './demo-embedders'
import { startDemoMiners } from './demo-miners'
import type { DemoMiners } from './demo-miners'

const TAO = 1_000_000_000n

export interface PracticeOptions {
  /** Milliseconds between blocks once seeded (default 2000; 0 = on demand, tests). */
  readonly blockTimeMs?: number
  readonly tempo?: number
  /** WebSocket port for other processes (default 9944, or any free one if taken); null = none. */
  readonly port?: number | null
  /** Register a validator and four demo miners (loopback axons that answer) with weights (default true). */
  readonly seed?: boolean
}

export interface PracticeNetwork {
  readonly node: DevnetNode
  /** ws:// URL other processes can use, or null. */
  readonly url: string | null
  /** The demo miners' axons, listening on 127.0.0.1 (none when not seeded). */
  readonly demoMiners: DemoMiners['axons']
  close(): Promise<void>
}

/** The dev participants of the seeded practice subnet. */
export const PRACTICE_VALIDATOR = { coldkey: '//Alice', hotkey: '//Alice//validator' } as const
/** Their models rank like the seeded weights (1:2:3:4), so the first epoch already looks plausible. */
export const PRACTICE_MINERS: ReadonlyArray<{ coldkey: string; hotkey: string; quality: DemoQuality }> = (
  [
    ['Bob', 'poor'],
    ['Charlie', 'average'],
    ['Dave', 'average'],
    ['Eve', 'good'],
  ] as const
).map(([n, quality]) => ({ coldkey: `//${n}`, hotkey: `//${n}//miner`, quality }))

/**
 * Starts the practice chain inside the engine: a devnet with the real finney metadata, seeded
 * through real signed extrinsics with a validator (stake, permit, weights) and four demo miners
 * whose axons answer on 127.0.0.1, and one epoch run, so the metagraph shows incentive and
 * dividends at once. Nothing here sends traffic off the machine.
 */
export async function startPracticeNetwork(o: PracticeOptions = {}): Promise<PracticeNetwork> {
  const node = await DevnetNode.create({ blockTimeMs: 0, tempo: o.tempo ?? 20 })
  let server: DevnetServer | undefined
  let demo: DemoMiners | undefined
  try {
    if (o.seed !== false) {
      const signers = await Promise.all(PRACTICE_MINERS.map(async (m) => ({ signer: await devSigner(m.hotkey), quality: m.quality })))
      demo = await startDemoMiners(signers)
      await seedPracticeSubnet(node, demo)
    }
    node.setBlockTime(o.blockTimeMs ?? 2000)
    if (o.port !== null) {
      server = await startDevnetServer(node, { port: o.port ?? 9944 }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return startDevnetServer(node, { port: 0 })
        throw error
      })
    }
  } catch (error) {
    node.dispose()
    await demo?.close()
    throw error
  }
  return {
    node,
    url: server?.url ?? null,
    demoMiners: demo?.axons ?? [],
    async close() {
      node.dispose()
      await Promise.all([server?.close(), demo?.close()])
    },
  }
}

async function seedPracticeSubnet(node: DevnetNode, demo: DemoMiners): Promise<void> {
  const client = await ChainClient.connect({ network: 'devnet', devnet: node })
  try {
    const netuid = PRACTICE_NETUID
    const vCold = await devSigner(PRACTICE_VALIDATOR.coldkey)
    const vHot = await devSigner(PRACTICE_VALIDATOR.hotkey)
    await client.register(vCold, netuid, vHot.address, 10n * TAO)
    await client.addStake(vCold, vHot.address, netuid, 1000n * TAO)
    const miners = []
    for (const [i, m] of PRACTICE_MINERS.entries()) {
      const cold = await devSigner(m.coldkey)
      const hot = await devSigner(m.hotkey)
      await client.register(cold, netuid, hot.address, 10n * TAO)
      placeLoopbackAxon(node, netuid, hot.address, { port: demo.axons[i]!.port, version: 0 })
      miners.push(hot)
    }
    // The first epoch gives the staked validator its permit; then it weighs the miners.
    node.produceBlocks(node.blocksUntilNextEpoch(netuid) + 1)
    const scores = await Promise.all(miners.map(async (m, i) => ({ uid: (await client.uidOf(netuid, m.address))!, score: i + 1 })))
    await client.setWeights(vHot, netuid, scores, 0n)
    node.produceBlocks(node.blocksUntilNextEpoch(netuid) + 1)
  } finally {
    await client.release()
  }
}
