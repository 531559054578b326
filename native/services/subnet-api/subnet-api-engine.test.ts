/**
 * The subnet API through the engine contract: keys created, listed, rotated and revoked over RPC
 * (secret returned once, only the prefix listed), the server turned on with a port, requests
 * routed to the miner the validator's last round ranked (asked through the validator's dendrite),
 * usage per key and day with its CSV, and the CLI reading the same store.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureIo } from '../../../test/support/capture-io'
import { freePort } from '../../../test/support/free-port'
import { makeTempHome } from '../../../test/support/temp-home'
import { runCli } from '../../cli/main'
import { createEngine } from '../../host'
import type { Engine } from '../../host'
import { lexicalEmbed, startTestAxon } from '../validator/testing/test-axon'
import type { TestAxon } from '../validator/testing/test-axon'

const MANPAGES = path.resolve(import.meta.dirname, '../../../../shared/data/manpages-corpus.jsonl')

describe('subnet API in the engine', () => {
  const home = makeTempHome()
  let engine: Engine
  let axon: TestAxon

  beforeAll(async () => {
    await cryptoWaitReady()
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
    const miner = keyring.addFromUri('//ApiMiner').address
    const validator = keyring.addFromUri('//ApiValidator')
    axon = await startTestAxon(miner, lexicalEmbed)
    const targets = path.join(home.dir, 'targets.json')
    fs.writeFileSync(targets, JSON.stringify([{ hotkey: miner, ip: '127.0.0.1', port: axon.port }]))
    engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, validatorRuntime: { signer: async () => validator } })
    await engine.connectInproc('test').call('validator.config.update', { metagraph: 'file', targetsFile: targets, dataSource: 'local', corpusPath: MANPAGES, llmBaseUrl: '', burnEnabled: false, wire: 'v10' })
  })

  afterAll(async () => {
    await engine?.dispose()
    await axon?.close()
    home.cleanup()
  })

  it('creates, lists, rotates and revokes keys over RPC; serves the ranked miner; meters usage per key and day', async () => {
    const rpc = engine.connectInproc('test')
    expect(await rpc.call('subnetApi.status', {})).toMatchObject({ listening: false, config: { enabled: false, bindAddress: '127.0.0.1' } })

    const port = await freePort()
    const on = await rpc.call('subnetApi.configure', { enabled: true, port, defaultRatePerMinute: 5 })
    expect(on).toMatchObject({ listening: true, baseUrl: `http://127.0.0.1:${port}/v1`, error: null })
    const url = `${on.baseUrl}/embeddings`
    const embed = (secret: string | null, input: string | string[]) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) }, body: JSON.stringify({ model: on.model, input }) })

    const created = await rpc.call('subnetApi.keys.create', { name: 'acme' })
    expect(created.secret).toMatch(/^tdk_/)
    expect(created.key).toMatchObject({ name: 'acme', ratePerMinute: 5, revokedAt: null })
    const listed = await rpc.call('subnetApi.keys.list', {})
    expect(listed).toEqual([created.key])
    expect(JSON.stringify(listed)).not.toContain(created.secret)

    expect((await embed(null, 'hello')).status).toBe(401)
    // Before a round the validator ranks no miner: a plain 503 that says why.
    const early = await embed(created.secret, 'hello')
    expect(early.status).toBe(503)
    expect(((await early.json()) as { error: { message: string } }).error.message).toMatch(/needs at least one finished round/)

    const round = await rpc.call('validator.runRound', {})
    expect(round.status).toBe('done')
    expect((await rpc.call('subnetApi.status', {})).miners).toBe(1)
    const ok = await embed(created.secret, ['a cat sat', 'stock market'])
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { data: Array<{ embedding: number[] }>; usage: { total_tokens: number } }
    expect(body.data).toHaveLength(2)
    expect(body.data[0]!.embedding).toEqual((lexicalEmbed(['a cat sat'], 1024) as number[][])[0])

    const usage = await rpc.call('subnetApi.usage', {})
    expect(usage.rows).toEqual([{ keyId: created.key.id, keyName: 'acme', day: new Date().toISOString().slice(0, 10), requests: 1, texts: 2, tokens: body.usage.total_tokens }])
    expect(usage.csv.split('\n')[1]).toBe(`${usage.rows[0]!.day},${created.key.id},acme,1,2,${body.usage.total_tokens}`)

    // The CLI reads and writes the same store as the engine.
    const io = captureIo({ TAODESK_HOME: home.dir })
    expect(await runCli(['api', 'keys', 'list', '--json'], io)).toBe(0)
    expect((JSON.parse(io.out()) as Array<{ id: string }>).map((k) => k.id)).toEqual([created.key.id])

    const rotated = await rpc.call('subnetApi.keys.rotate', { id: created.key.id })
    expect(rotated).toMatchObject({ replaced: created.key.id, key: { name: 'acme', ratePerMinute: 5 } })
    expect(rotated.secret).not.toBe(created.secret)
    expect((await embed(created.secret, 'x')).status).toBe(401)
    expect((await embed(rotated.secret, 'x')).status).toBe(200)
    await rpc.call('subnetApi.keys.revoke', { id: rotated.key.id })
    expect((await embed(rotated.secret, 'x')).status).toBe(401)
    await expect(rpc.call('subnetApi.keys.revoke', { id: rotated.key.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(rpc.call('subnetApi.keys.rotate', { id: rotated.key.id })).rejects.toThrow(/Create a new key instead/)

    // No secret reached the log.
    const logs = engine.store.eventLog.query({}, 1000)
    expect(JSON.stringify(logs)).not.toContain(created.secret)

    const off = await rpc.call('subnetApi.configure', { enabled: false })
    expect(off.listening).toBe(false)
    await expect(embed(null, 'x')).rejects.toThrow()
  }, 120_000)

  it('says in plain words when the port is taken', async () => {
    const rpc = engine.connectInproc('test')
    const port = await freePort()
    const first = await rpc.call('subnetApi.configure', { enabled: true, port })
    expect(first.listening).toBe(true)
    // A second engine on the same home cannot share the port.
    const other = createEngine({ home: makeTempHome().dir, version: '0.0.0-test', headless: true })
    try {
      const taken = await other.connectInproc('test').call('subnetApi.configure', { enabled: true, port })
      expect(taken).toMatchObject({ listening: false, error: `Port ${port} is already in use by another program. Pick another port.` })
    } finally {
      await other.dispose()
      await rpc.call('subnetApi.configure', { enabled: false })
    }
  })
})
