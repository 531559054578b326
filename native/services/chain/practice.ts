import { ChainClient } from '../../bittensor/chain/chain-client'
import { devSigner } from '../../bittensor/keys/dev-signer'
import { DevnetNode, PRACTICE_NETUID } from '../../bittensor/devnet/node'
import { startDevnetServer } from '../../bittensor/devnet/ws-server'
import type { DevnetServer } from '../../bittensor/devnet/ws-server'

const TAO = 1_000_000_000n

export interface PracticeOptions {
  /** Milliseconds between blocks once seeded (default 2000; 0 = on demand, tests). */
  readonly blockTimeMs?: number
  readonly tempo?: number
  /** WebSocket port for other processes (default 9944, or any free one if taken); null = none. */
  readonly port?: number | null
  /** Register a validator and four miners with served axons and weights (default true). */
  readonly seed?: boolean
}

export interface PracticeNetwork {
  readonly node: DevnetNode
  /** ws:// URL other processes can use, or null. */
  readonly url: string | null
  close(): Promise<void>
}

/** The dev participants of the seeded practice subnet. */
export const PRACTICE_VALIDATOR = { coldkey: '//Alice', hotkey: '//Alice//validator' } as const
export const PRACTICE_MINERS = ['Bob', 'Charlie', 'Dave', 'Eve'].map((n, i) => ({ coldkey: `//${n}`, hotkey: `//${n}//miner`, ip: `203.0.113.${10 + i}`, port: 8091 }))

/**
 * Starts the practice chain inside the engine: a devnet with the real finney metadata, seeded
 * through real signed extrinsics with a validator (stake, permit, weights) and four miners
 * (served axons), and one epoch run, so the metagraph shows incentive and dividends at once.
 */
export async function startPracticeNetwork(o: PracticeOptions = {}): Promise<PracticeNetwork> {
  const node = await DevnetNode.create({ blockTimeMs: 0, tempo: o.tempo ?? 20 })
  let server: DevnetServer | undefined
  try {
    if (o.seed !== false) await seedPracticeSubnet(node)
    node.setBlockTime(o.blockTimeMs ?? 2000)
    if (o.port !== null) {
      server = await startDevnetServer(node, { port: o.port ?? 9944 }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return startDevnetServer(node, { port: 0 })
        throw error
      })
    }
  } catch (error) {
    node.dispose()
    throw error
  }
  return {
    node,
    url: server?.url ?? null,
    async close() {
      node.dispose()
      await server?.close()
    },
  }
}

async function seedPracticeSubnet(node: DevnetNode): Promise<void> {
  const client = await ChainClient.connect({ network: 'devnet', devnet: node })
  try {
    const netuid = PRACTICE_NETUID
    const vCold = await devSigner(PRACTICE_VALIDATOR.coldkey)
    const vHot = await devSigner(PRACTICE_VALIDATOR.hotkey)
    await client.register(vCold, netuid, vHot.address, 10n * TAO)
    await client.addStake(vCold, vHot.address, netuid, 1000n * TAO)
    const miners = []
    for (const m of PRACTICE_MINERS) {
      const cold = await devSigner(m.coldkey)
      const hot = await devSigner(m.hotkey)
      await client.register(cold, netuid, hot.address, 10n * TAO)
      await client.serveAxon(hot, netuid, { ip: m.ip, port: m.port })
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
