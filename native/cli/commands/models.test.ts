import path from 'node:path'
import { parseArgs } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../scripts/make-test-models'
import { HubDouble } from '../../services/embedding/test-support/hub-double'
import { captureIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import { modelsCommand } from './models'

const lexical = ensureTestModel('lexical')

describe('taodesk models (CLI, against a hub double)', () => {
  let hub: HubDouble
  let env: NodeJS.ProcessEnv
  let home: { dir: string; cleanup: () => void }
  beforeAll(async () => {
    hub = new HubDouble({ repos: { 'sentence-transformers/all-MiniLM-L6-v2': lexical.dir } })
    home = makeTempHome()
    env = { HF_ENDPOINT: await hub.start(), TAODESK_HOME: home.dir }
  })
  afterAll(async () => {
    await hub.stop()
    home.cleanup()
  })

  const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io = captureIo(env)
    const parsed = parseArgs({ args: argv, options: modelsCommand.options, allowPositionals: true, strict: true })
    const code = await modelsCommand.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, io)
    return { code, out: io.out(), err: io.err() }
  }

  it('lists, downloads, verifies, uses, embeds and benchmarks', async () => {
    const list = await run('list')
    expect(list.out).toMatch(/bge-large-en-v1\.5\s+1024\s+cls/)
    expect(list.out).toMatch(/No active model/)

    const dl = await run('download', 'all-MiniLM-L6-v2')
    expect(dl.code).toBe(0)
    expect(dl.out).toMatch(/downloaded and verified/)

    expect((await run('verify', 'all-MiniLM-L6-v2')).out).toMatch(/every file matches/)

    const use = await run('use', 'all-MiniLM-L6-v2', '--provider', 'auto')
    expect(use.out).toMatch(/all-MiniLM-L6-v2 is active: cpu execution provider, 384 dimensions/)
    expect(use.out).toMatch(/CUDA \(NVIDIA GPU\): /)

    const one = await run('embed', 'hello world', '--dimensions', '1024', '--json')
    const parsed = JSON.parse(one.out) as { vector: number[]; dimension: number }
    expect(parsed.dimension).toBe(1024)
    expect(parsed.vector).toHaveLength(1024)

    const two = await run('embed', 'create a new directory', 'mkdir creates a directory with the given pathname')
    expect(Number(/cosine similarity (-?[\d.]+)/.exec(two.out)![1])).toBeGreaterThan(0.2)

    const bench = await run('bench', '--texts', '16', '--json')
    const b = JSON.parse(bench.out) as { textsPerSecond: number; estimate512Seconds: number }
    expect(b.textsPerSecond).toBeGreaterThan(0)
    expect(b.estimate512Seconds).toBeGreaterThan(0)
  })

  it('import expands ~ in the folder it is given', async () => {
    const realHome = process.env.HOME
    process.env.HOME = path.dirname(lexical.dir)
    try {
      const imported = await run('import', `~/${path.basename(lexical.dir)}`, '--name', 'from-tilde')
      expect(imported.code).toBe(0)
      expect(imported.out).toContain('local/from-tilde')
    } finally {
      process.env.HOME = realHome
    }
  })

  it('quantize writes ID:int8, reports cosine and both self-scores, and the copy can be made active', async () => {
    expect((await run('import', ensureTestModel('tiny').dir, '--name', 'tiny')).code).toBe(0)
    const q = await run('quantize', 'local/tiny', '--pairs', '16')
    expect(q.code).toBe(0)
    expect(q.out).toMatch(/local\/tiny:int8: 12 matrix weights in int8/)
    expect(q.out).toMatch(/Cosine to local\/tiny on \d+ held-out texts: mean (0\.99\d+|1\.0000) \(needs 0\.99\), min [\d.]+ \(needs 0\.95\) -> passed/)
    expect(q.out).toMatch(/Self-score local\/tiny: [\d.]+ \(top-1/)
    expect(q.out).toMatch(/Self-score local\/tiny:int8: [\d.]+ \(top-1/)
    expect((await run('list')).out).toMatch(/local\/tiny:int8 .*int8, cosine (0\.99|1\.0)/)
    expect((await run('use', 'local/tiny:int8')).out).toMatch(/local\/tiny:int8 is active: cpu/)
  })

  it('explains bad usage', async () => {
    await expect(run('frobnicate')).rejects.toThrow(/choose one of/)
    await expect(run('use', 'x', '--provider', 'quantum')).rejects.toThrow(/--provider must be one of/)
    await expect(run('download')).rejects.toThrow(/needs a model id/)
    await expect(run('download', 'no-such-model')).rejects.toThrow(/not in the model catalog/)
  })
})
