import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Signer } from '../../keys/signer'
import { textEmbeddingQuery } from '../../../protocols/text-embedding/synapse'
import { Dendrite, axonProcessTime, readResponse } from './dendrite'
import type { AxonTarget } from './dendrite'
import { EMPTY_BODY_HASH, SDK_VERSION_AS_INT as DENDRITE_VERSION, sha3Hex, signatureMessage } from './format'
import { buildRequest, signRequest } from './request'
import { ANSWERS, ANSWER_HEADERS, AXON_HOTKEY, DENDRITE_HOTKEY, DENDRITE_URI, EXAMPLE_QUERY, SIGNED_REQUEST } from './testing/vectors'

interface Seen {
  headers: http.IncomingHttpHeaders
  body: Record<string, unknown>
  path: string
}

type Behaviour = 'echo' | 'slow' | 'forbidden' | 'not-json' | 'no-texts' | 'huge' | 'nan'

/**
 * A small axon that checks requests the way the Python axon does (§4.4): required headers,
 * body hash, sr25519 signature over nonce.dhot.myhot.uuid.hash, nonce window and monotonic nonce.
 */
async function startSpecAxon(myHotkey: string, behaviour: Behaviour) {
  const seen: Seen[] = []
  const lastNonce = new Map<string, bigint>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const h = req.headers
      const reply = (status: number, body: unknown, extra: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', bt_header_axon_status_code: String(status), ...extra })
        res.end(typeof body === 'string' ? body : JSON.stringify(body))
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      seen.push({ headers: h, body, path: req.url ?? '' })
      if (req.url !== '/TextEmbeddingSynapse') return reply(404, { message: 'UnknownSynapseError' })
      if (h['bt_header_input_obj_texts'] !== 'W10=') return reply(400, { message: 'SynapseParsingError' })
      if (!/^\d+\.\d+$/.test(String(h.timeout))) return reply(400, { message: 'bad timeout' })
      const nonce = BigInt(String(h['bt_header_dendrite_nonce']))
      const key = `${h['bt_header_dendrite_hotkey']}:${h['bt_header_dendrite_uuid']}`
      const prev = lastNonce.get(key)
      const now = BigInt(Date.now()) * 1_000_000n
      if (prev === undefined && nonce <= now - 4_000_000_000n - BigInt(Math.round(Number(h.timeout) * 1e9))) return reply(401, { message: 'Nonce is too old' })
      if (prev !== undefined && nonce <= prev) return reply(401, { message: 'Nonce is too old, a newer one was last processed' })
      const message = `${nonce}.${h['bt_header_dendrite_hotkey']}.${myHotkey}.${h['bt_header_dendrite_uuid']}.${h['computed_body_hash']}`
      const ok = signatureVerify(message, String(h['bt_header_dendrite_signature']), String(h['bt_header_dendrite_hotkey'])).isValid
      if (!ok) return reply(401, { message: 'Not Verified with error: Signature mismatch' })
      lastNonce.set(key, nonce)
      if (h['computed_body_hash'] !== sha3Hex('')) return reply(500, { message: 'Internal Server Error' })
      if (behaviour === 'forbidden') return reply(403, { message: 'Forbidden. Key is blacklisted: Hotkey not registered.' })
      const texts = body.texts as string[]
      const dims = body.dimensions as number
      const results = texts.map((_, i) => Array.from({ length: dims }, (_, c) => (c === i % dims ? 1 : 0)))
      const echo = { ...body, results, axon: { ...(body.axon as object), status_code: 200, status_message: 'Success', process_time: 0.01 } }
      const headers = { bt_header_axon_status_message: 'Success', bt_header_axon_process_time: '0.01' }
      if (behaviour === 'slow') return setTimeout(() => reply(200, echo, headers), 3000)
      if (behaviour === 'not-json') return reply(200, '<html>oops</html>')
      if (behaviour === 'no-texts') return reply(200, { results })
      if (behaviour === 'nan') return reply(200, JSON.stringify(echo).replace('[1,', '[NaN,'))
      if (behaviour === 'huge') {
        res.writeHead(200, { 'content-type': 'application/json' })
        const block = Buffer.alloc(1024 * 1024, 0x20)
        let sent = 0
        const pump = () => {
          while (sent < 40 && res.write(block)) sent++
          if (sent < 40) res.once('drain', pump)
          else res.end()
        }
        res.write('{"texts":[],"results":[')
        return pump()
      }
      return reply(200, echo, headers)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    seen,
    port,
    target: (uid: number): AxonTarget => ({ uid, hotkey: myHotkey, ip: '127.0.0.1', port }),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }),
  }
}

let signer: Signer
let minerHotkeys: string[]

beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  const alice = keyring.addFromUri('//Alice')
  signer = alice
  minerHotkeys = ['//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie', '//Bob//1', '//Bob//2'].map((u) => keyring.addFromUri(u).address)
})

const request = textEmbeddingQuery({ texts: ['what is a pipe', 'pipe(2) creates a pipe', 'q2', 'doc2'], dimensions: 8, normalized: true })

describe('dendrite (spec §4.2, §4.3, §4.8)', () => {
  const axons: Array<Awaited<ReturnType<typeof startSpecAxon>>> = []
  afterAll(async () => {
    for (const a of axons) await a.close()
  })

  it('sends every header, the body hash and a valid sr25519 signature, and reads the answer', async () => {
    const axon = await startSpecAxon(minerHotkeys[0], 'echo')
    axons.push(axon)
    const d = new Dendrite({ signer, externalIp: '203.0.113.7' })
    const out = await d.query(axon.target(3), request)
    expect(out).toMatchObject({ uid: 3, status: 200, message: 'Success', processTimeS: 0.01 })
    expect((out.results as number[][]).length).toBe(4)
    const { headers: h, body } = axon.seen[0]
    expect(h.name).toBe('TextEmbeddingSynapse')
    expect(h.timeout).toBe('60.0')
    expect(h['bt_header_axon_ip']).toBe('127.0.0.1')
    expect(h['bt_header_axon_port']).toBe(String(axon.port))
    expect(h['bt_header_axon_hotkey']).toBe(minerHotkeys[0])
    expect(h['bt_header_dendrite_ip']).toBe('203.0.113.7')
    expect(h['bt_header_dendrite_version']).toBe(String(DENDRITE_VERSION))
    expect(h['bt_header_dendrite_uuid']).toBe(d.uuid)
    expect(h['bt_header_dendrite_hotkey']).toBe(signer.address)
    expect(h['bt_header_input_obj_texts']).toBe('W10=')
    expect(h['computed_body_hash']).toBe(EMPTY_BODY_HASH)
    expect(h['header_size']).toMatch(/^\d+$/)
    expect(h['total_size']).toMatch(/^\d+$/)
    const nonce = BigInt(String(h['bt_header_dendrite_nonce']))
    expect(Number(nonce / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000)
    expect(String(h['bt_header_dendrite_signature'])).toMatch(/^0x[0-9a-f]{128}$/)
    const message = `${nonce}.${signer.address}.${minerHotkeys[0]}.${d.uuid}.${EMPTY_BODY_HASH}`
    expect(signatureVerify(message, String(h['bt_header_dendrite_signature']), signer.address).isValid).toBe(true)
    expect(body).toMatchObject({
      name: 'TextEmbeddingSynapse',
      timeout: 60,
      texts: request.fields.texts,
      dimensions: 8,
      normalized: true,
      version: { major: 0, minor: 8, patch: 3 },
      results: null,
      computed_body_hash: '',
      dendrite: { hotkey: signer.address, uuid: d.uuid, version: DENDRITE_VERSION, signature: h['bt_header_dendrite_signature'] },
      axon: { hotkey: minerHotkeys[0], port: axon.port, ip: '127.0.0.1' },
    })
  })

  it('nonces strictly increase, so back-to-back requests pass the axon nonce check', async () => {
    const axon = await startSpecAxon(minerHotkeys[1], 'echo')
    axons.push(axon)
    const d = new Dendrite({ signer })
    const outs = await Promise.all(Array.from({ length: 20 }, () => d.query(axon.target(1), request)))
    // Concurrent requests may arrive out of order; the axon then answers 401 exactly as Python does.
    expect(outs.filter((o) => o.status === 200).length).toBeGreaterThan(0)
    for (let i = 0; i < 5; i++) expect((await d.query(axon.target(1), request)).status).toBe(200)
    const nonces = Array.from({ length: 1000 }, () => d.nextNonce())
    for (let i = 1; i < nonces.length; i++) expect(nonces[i] > nonces[i - 1]).toBe(true)
  })

  it('a signature for another axon hotkey is rejected by the axon (401)', async () => {
    const axon = await startSpecAxon(minerHotkeys[2], 'echo')
    axons.push(axon)
    const d = new Dendrite({ signer })
    const out = await d.query({ ...axon.target(2), hotkey: minerHotkeys[3] }, request)
    expect(out.status).toBe(401)
    expect(out.message).toMatch(/Signature mismatch/)
    expect(out.results).toBeNull()
  })

  it('maps failures like the Python dendrite: 403, 408, 503, 422, and caps response size', async () => {
    const forbidden = await startSpecAxon(minerHotkeys[3], 'forbidden')
    const slow = await startSpecAxon(minerHotkeys[4], 'slow')
    const notJson = await startSpecAxon(minerHotkeys[5], 'not-json')
    const noTexts = await startSpecAxon(minerHotkeys[6], 'no-texts')
    const huge = await startSpecAxon(minerHotkeys[0], 'huge')
    const nan = await startSpecAxon(minerHotkeys[1], 'nan')
    axons.push(forbidden, slow, notJson, noTexts, huge, nan)
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const closedPort = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))

    const d = new Dendrite({ signer, timeoutS: 1, maxResponseBytes: 8 * 1024 * 1024 })
    const t0 = performance.now()
    const outs = await d.queryAll(
      [
        forbidden.target(0),
        slow.target(1),
        { uid: 2, hotkey: minerHotkeys[0], ip: '127.0.0.1', port: closedPort },
        notJson.target(3),
        noTexts.target(4),
        huge.target(5),
        nan.target(6),
        { uid: 7, hotkey: minerHotkeys[0], ip: '0.0.0.0', port: 8091 },
      ],
      request,
    )
    expect(performance.now() - t0).toBeLessThan(2500) // concurrent, bounded by the 1 s timeout
    expect(outs.map((o) => o.status)).toEqual([403, 408, 503, 422, 422, 422, 422, 503])
    expect(outs[0].message).toMatch(/blacklisted/)
    expect(outs[1].message).toBe('Request timeout after 1 seconds')
    expect(outs[5].message).toMatch(/larger than 8 MiB/)
    expect(outs.every((o) => o.results === null)).toBe(true)
  })
})

describe('wire vectors, sending side (testing/vectors.ts)', () => {
  it('builds the vector request byte for byte, and signs it so that the axon hotkey verifies it', async () => {
    const { parts, headers, body } = SIGNED_REQUEST
    expect(buildRequest(parts)).toEqual({ headers, body })
    const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(DENDRITE_URI)
    expect(alice.address).toBe(DENDRITE_HOTKEY)
    const fresh = signRequest(alice, parts.nonce, parts.dendrite.uuid, AXON_HOTKEY)
    const message = signatureMessage(parts.nonce, DENDRITE_HOTKEY, AXON_HOTKEY, parts.dendrite.uuid, EMPTY_BODY_HASH)
    for (const signature of [fresh, parts.signature]) expect(signatureVerify(message, signature, DENDRITE_HOTKEY).isValid).toBe(true)
  })

  it('reads answers as the Python dendrite does', () => {
    for (const a of ANSWERS) expect(readResponse(a.status, Buffer.from(a.body), EXAMPLE_QUERY), a.why).toEqual(a.outcome)
    expect(axonProcessTime(ANSWER_HEADERS.headers)).toBe(ANSWER_HEADERS.processTimeS)
    expect(axonProcessTime({})).toBeUndefined()
  })
})
