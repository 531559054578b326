import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devSigner } from '../../keys/dev-signer'
import { BtauthClient } from './client'
import { BtauthError, verifyBtauth } from './verify'
import { RECEIVER, SENDER_URI } from './testing/vectors'

/** A server that verifies with verifyBtauth and echoes the body; refusals as `{"error": {"message"}}`. */
let server: http.Server
let port: number
beforeAll(async () => {
  await cryptoWaitReady()
  const seen = new Set<string>()
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      try {
        verifyBtauth(
          { method: req.method ?? '', target: req.url ?? '', headers: req.headers, body },
          { receiver: RECEIVER, nowNs: BigInt(Date.now()) * 1_000_000n, replay: { retentionMs: 60_000, accept: (h, n) => !seen.has(`${h}${n}`) && !!seen.add(`${h}${n}`) } },
        )
        res.writeHead(200, { 'content-type': 'application/json' }).end(body)
      } catch (error) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: (error as BtauthError).message } }))
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe('BtauthClient', () => {
  it('signs each request for the target hotkey with a fresh nonce; refusals carry their message; no axon is 503', async () => {
    const client = new BtauthClient({ signer: await devSigner(SENDER_URI), timeoutS: 5 })
    const target = { uid: 7, hotkey: RECEIVER, ip: '127.0.0.1', port }
    const post = { target: '/v1/echo?x=%20y', body: '{"a":1}' }
    for (let i = 0; i < 2; i++) {
      const ok = await client.query(target, post)
      expect(ok).toMatchObject({ uid: 7, status: 200, message: 'Success' })
      expect(Buffer.from(ok.body!).toString()).toBe('{"a":1}')
    }
    expect(await client.query({ ...target, hotkey: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY' }, post)).toMatchObject({ status: 401, message: 'request was signed for a different receiving hotkey' })
    expect(await client.query({ ...target, ip: '0.0.0.0' }, post)).toMatchObject({ status: 503, message: 'Miner 7 does not serve an axon' })
  })
})
