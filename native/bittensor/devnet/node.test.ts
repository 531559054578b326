import { afterEach, describe, expect, it, vi } from 'vitest'
import { DevnetNode, REAL_BLOCK_TIME_MS } from './node'

const nodes: DevnetNode[] = []
afterEach(() => {
  for (const n of nodes.splice(0)) n.dispose()
  vi.restoreAllMocks()
})

async function node(options: Parameters<typeof DevnetNode.create>[0]): Promise<DevnetNode> {
  const n = await DevnetNode.create(options)
  nodes.push(n)
  return n
}

describe('practice devnet clock', () => {
  it('derives block timestamps from its blocks, not from the wall clock, so runs are reproducible', async () => {
    const genesisTimestampMs = 1_700_000_000_000
    const a = await node({ genesisTimestampMs, tempo: 10 })
    a.produceBlocks(7)
    // The same chain built "later" (another wall-clock time) gives the same blocks.
    vi.spyOn(Date, 'now').mockReturnValue(genesisTimestampMs + 987_654_321)
    const b = await node({ genesisTimestampMs, tempo: 10 })
    b.produceBlocks(7)
    expect(b.genesisHash).toBe(a.genesisHash)
    expect(b.head.hash).toBe(a.head.hash)
    const info = a.call('devnet_info', []) as { timestampMs: number; best: number }
    expect(info).toMatchObject({ best: 7, timestampMs: genesisTimestampMs + 7 * REAL_BLOCK_TIME_MS })
  })

  it('advances timestamps by the configured block time once blocks come on a timer', async () => {
    const n = await node({ genesisTimestampMs: 1_000_000, blockTimeMs: 0 })
    n.produceBlocks(2)
    n.setBlockTime(60_000)
    n.stop() // no timer in the test: produce by hand with the 60 s slot
    n.produceBlock()
    expect((n.call('devnet_info', []) as { timestampMs: number }).timestampMs).toBe(1_000_000 + 2 * REAL_BLOCK_TIME_MS + 60_000)
    // A timestamp is also readable the way clients read it: Timestamp.Now storage.
    expect(n.state.num('Timestamp', 'Now')).toBe(1_000_000 + 2 * REAL_BLOCK_TIME_MS + 60_000)
  })
})
