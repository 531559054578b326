import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { findCycles, importGraph } from '../scripts/import-graph'

const ROOT = path.resolve(import.meta.dirname, '..')

/** Lints one made-up file at `file` (relative to the repository) and returns the layer rule's messages. */
async function layerErrors(eslint: ESLint, file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'taodesk/layers').map((m) => m.message)
}

describe('engine layers', () => {
  const eslint = new ESLint({ cwd: ROOT })

  it('lint refuses an import that breaks the direction or reaches into another service', async () => {
    // The review's example: the wallet service reaching into the chain client's internals is fine
    // (bittensor is below services), but a Bittensor module may not import a service.
    expect(await layerErrors(eslint, 'native/bittensor/keys/x.ts', "import { WalletService } from '../../services/wallet'\n")).toEqual([
      expect.stringContaining('bittensor may not import services'),
    ])
    expect(await layerErrors(eslint, 'native/platform/store/x.ts', "export { MinerService } from '../../services/miner'\n")).toEqual([
      expect.stringContaining('platform may not import services'),
    ])
    expect(await layerErrors(eslint, 'native/protocols/text-embedding/x.ts', "import { HostPaths } from '../../host'\n")).toHaveLength(1)
    // Services use each other only through index.ts.
    expect(await layerErrors(eslint, 'native/services/validator/x.ts', "import { MinerService } from '../miner/miner-service'\n")).toEqual([
      expect.stringContaining('through its index.ts'),
    ])
    // ... and so do the host and the CLI.
    expect(await layerErrors(eslint, 'native/cli/commands/x.ts', "import { ValidatorTables } from '../../services/validator/validator-tables'\n")).toEqual([
      expect.stringContaining('through its index.ts'),
    ])
    // Inside bittensor: keys sit below chain.
    expect(await layerErrors(eslint, 'native/bittensor/keys/x.ts', "import { ChainClient } from '../chain/chain-client'\n")).toEqual([
      expect.stringContaining('keys may not import chain'),
    ])
    // Production code never imports test doubles; dynamic imports are checked too.
    expect(await layerErrors(eslint, 'native/services/miner/x.ts', "export const d = () => import('../embedding/test-support/hub-double')\n")).toHaveLength(1)
  })

  it('lint accepts imports that follow the layers', async () => {
    expect(await layerErrors(eslint, 'native/services/validator/x.ts', "import { MinerService } from '../miner'\nimport { weightsForChain } from '../../bittensor/chain/weights'\n")).toEqual([])
    expect(await layerErrors(eslint, 'native/bittensor/chain/x.ts', "import type { Signer } from '../keys/signer'\n")).toEqual([])
    expect(await layerErrors(eslint, 'native/cli/x.ts', "import { createEngine } from '../host'\n")).toEqual([])
    // Tests may set up whatever they need.
    expect(await layerErrors(eslint, 'native/bittensor/chain/x.test.ts', "import { createEngine } from '../../host'\n")).toEqual([])
  })

  it('has no import cycle between folders of native/', () => {
    const graph = importGraph()
    expect(graph.edges.size).toBeGreaterThan(10)
    expect(findCycles(graph)).toEqual([])
  })

  it('finds a cycle when one exists (the checker itself can fail)', () => {
    const edges = new Map([
      ['a', new Map([['b', 1]])],
      ['b', new Map([['c', 1]])],
      ['c', new Map([['a', 1]])],
    ])
    expect(findCycles({ edges })).toEqual([['a', 'b', 'c', 'a']])
  })
})
