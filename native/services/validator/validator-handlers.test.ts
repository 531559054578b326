import { describe, expect, it } from 'vitest'
import { inprocHarness } from '../../../test/support/engine-harness'

describe('validator over the engine contract', () => {
  it('answers status, config, leaderboard and history; a round that cannot start fails with a clear message', async () => {
    const h = await inprocHarness()
    try {
      const { client } = await h.connect()
      const status = await client.call('validator.status', {})
      expect(status).toMatchObject({ running: false, phase: 'idle', netuid: 5, lastWeights: null })
      const config = await client.call('validator.config.update', { sampleSize: 12, llmApiKey: 'sk-x' })
      expect(config).toMatchObject({ sampleSize: 12, llmApiKeySet: true, burnEnabled: true })
      await expect(client.call('validator.config.update', { sampleSize: 0 })).rejects.toMatchObject({ code: 'INVALID_PARAMS' })
      expect(await client.call('validator.leaderboard', {})).toEqual([])
      // (Rounds against the chain metagraph are tested on the devnet: runtime/sn5-devnet.test.ts.)
      await client.call('validator.config.update', { metagraph: 'file', targetsFile: '' })
      await expect(client.call('validator.runRound', {})).rejects.toThrow(/No targets file is set/)
      const rounds = await client.call('validator.rounds', {})
      expect(rounds[0]).toMatchObject({ status: 'failed' })
      expect(await client.call('validator.weights', {})).toEqual([])
    } finally {
      await h.close()
    }
  })
})

describe('validator config patches', () => {
  it('change only the fields sent (no defaults sneak in)', async () => {
    const { ValidatorConfigPatch } = await import('../../contract')
    expect(ValidatorConfigPatch.parse({ sampleSize: 3 })).toEqual({ sampleSize: 3 })
    const h = await inprocHarness()
    try {
      const { client } = await h.connect()
      await client.call('validator.config.update', { metagraph: 'file', targetsFile: '/x.json' })
      const after = await client.call('validator.config.update', { sampleSize: 7 })
      expect(after).toMatchObject({ metagraph: 'file', targetsFile: '/x.json', sampleSize: 7 })
    } finally {
      await h.close()
    }
  })
})
