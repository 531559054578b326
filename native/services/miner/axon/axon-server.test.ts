import { AxonNonceTable } from '../../../bittensor/axon/nonce-table'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady, sr25519Verify, decodeAddress } from '@polkadot/util-crypto'
import { hexToU8a } from '@polkadot/util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../../test/support/temp-home'
import { Store } from '../../../platform/store'
import type { MetagraphView, NeuronView } from '../ports'
import { MemoryNonceStore } from '../ports'
import { HashEmbedder, hashEmbedding } from '../testing/hash-embedder'
import { SpecDendrite, rawRequest } from '../../../bittensor/wire/v10/testing/spec-dendrite'
import type { AxonTarget } from '../../../bittensor/wire/v10/testing/spec-dendrite'
import type { AxonRequestRecord, MinerAxonOptions } from './miner-axon'
import { MinerAxon } from './miner-axon'
import { EMPTY_BODY_HASH, bodyHash, sha3Hex, signatureMessage } from '../../../bittensor/wire/v10/format'
import { SHA3_VECTORS, SIGNATURE_MESSAGE_VECTOR } from '../../../bittensor/wire/v10/testing/vectors'
import { textEmbeddingQuery } from '../../../protocols/text-embedding/synapse'
import { Batcher } from '../../embedding/runtime/batcher'

let keyring: Keyring
const pairs = {} as Record<'miner' | 'validator' | 'whale' | 'minnow' | 'stranger' | 'noPermit', ReturnType<Keyring['addFromUri']>>

class MapMetagraph implements MetagraphView {
  constructor(readonly neurons: Map<string, NeuronView>) {}
  lookup(hotkey: string): NeuronView | undefined {
    return this.neurons.get(hotkey)
  }
}

beforeAll(async () => {
  await cryptoWaitReady()
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  pairs.miner = keyring.addFromUri('//Bob')
  pairs.validator = keyring.addFromUri('//Alice')
  pairs.whale = keyring.addFromUri('//Ferdie')
  pairs.minnow = keyring.addFromUri('//Charlie')
  pairs.stranger = keyring.addFromUri('//Dave')
  pairs.noPermit = keyring.addFromUri('//Eve')
})

function metagraph(): MapMetagraph {
  return new MapMetagraph(
    new Map<string, NeuronView>([
      [pairs.miner.address, { uid: 7, stake: 0, validatorPermit: false }],
      [pairs.validator.address, { uid: 0, stake: 25_000, validatorPermit: true }],
      [pairs.whale.address, { uid: 1, stake: 900_000, validatorPermit: true }],
      [pairs.minnow.address, { uid: 2, stake: 999.5, validatorPermit: true }],
      [pairs.noPermit.address, { uid: 3, stake: 5_000, validatorPermit: false }],
    ]),
  )
}

const running: MinerAxon[] = []
const dendrites: SpecDendrite[] = []
afterEach(async () => {
  while (running.length) await running.pop()!.close()
  while (dendrites.length) dendrites.pop()!.close()
})

async function startAxon(overrides: Partial<MinerAxonOptions> = {}): Promise<{ axon: MinerAxon; target: AxonTarget; embedder: HashEmbedder; records: AxonRequestRecord[] }> {
  const embedder = (overrides.embedder as HashEmbedder | undefined) ?? new HashEmbedder()
  const records: AxonRequestRecord[] = []
  const axon = new MinerAxon({
    signer: pairs.miner,
    metagraph: metagraph(),
    embedder,
    nonces: new MemoryNonceStore(),
    host: '127.0.0.1',
    port: 0,
    onRequest: (r) => records.push(r),
    ...overrides,
  })
  const port = await axon.listen()
  running.push(axon)
  return { axon, target: { ip: '127.0.0.1', port, hotkey: pairs.miner.address }, embedder, records }
}

function dendrite(pair: ReturnType<Keyring['addFromUri']>, options: { version?: number } = {}): SpecDendrite {
  const d = new SpecDendrite({ pair, ...options })
  dendrites.push(d)
  return d
}

const TEXTS = ['What does fork() return in the child', 'fork() creates a new process by duplicating the calling process.', 'naïve — 日本語 ✓', '']

function message(json: unknown): string {
  return (json as { message: string }).message
}

describe('wire vectors (spec §4.3, §10)', () => {
  it('body hash of an SN5 synapse is sha3_256("")', () => {
    expect(sha3Hex(SHA3_VECTORS[0]!.input)).toBe('a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a')
    expect(bodyHash()).toBe(EMPTY_BODY_HASH)
    // SHA3, not keccak256 (keccak256("") starts c5d2...).
    expect(sha3Hex('')).not.toMatch(/^c5d2/)
  })

  it('the signed message is nonce.dendrite.axon.uuid.body_hash (the shared vector)', () => {
    const v = SIGNATURE_MESSAGE_VECTOR
    expect(signatureMessage(v.nonce, v.dendriteHotkey, v.axonHotkey, v.uuid, v.bodyHash)).toBe(`1735689600123456789.5Fcaller.5Gminer.6a1c-uuid.${EMPTY_BODY_HASH}`)
  })
})

describe('AxonServer: a valid request, exactly as the Python dendrite sends it', () => {
  it('answers 200 with the JSON echo, correct embeddings and lower-case bt_header_axon_* headers', async () => {
    const { target, records } = await startAxon()
    const d = dendrite(pairs.validator)
    const nonce = d.nextNonce()
    const res = await d.embed(target, TEXTS, { nonce })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')

    const body = res.json as Record<string, unknown> & { axon: Record<string, unknown>; dendrite: Record<string, unknown>; results: number[][] }
    // The Python dendrite runs TextEmbeddingSynapse(**json): texts must be there, types valid.
    expect(body.texts).toEqual(TEXTS)
    expect(body.dimensions).toBe(1024)
    expect(body.normalized).toBe(true)
    expect(body.version).toEqual({ major: 0, minor: 8, patch: 3 })
    expect(body.name).toBe('TextEmbeddingSynapse')
    expect(body.axon.status_code).toBe(200)
    expect(body.axon.status_message).toBe('Success')
    expect(typeof body.axon.process_time).toBe('number')
    expect(body.axon.hotkey).toBe(pairs.miner.address)
    expect(body.dendrite.hotkey).toBe(pairs.validator.address)
    // The 19-digit nonce is echoed exactly, not rounded to a double.
    expect(res.body).toContain(`"nonce":${nonce}`)

    expect(body.results).toHaveLength(TEXTS.length)
    TEXTS.forEach((t, i) => {
      const expected = hashEmbedding(t, 1024)
      const row = body.results[i]!
      expect(row).toHaveLength(1024)
      for (let j = 0; j < 1024; j += 97) expect(row[j]).toBeCloseTo(expected[j]!, 6)
      expect(Math.hypot(...row)).toBeCloseTo(1, 5)
    })

    // Response headers: lower-case (aiohttp's from_headers matches prefixes case-sensitively).
    expect(res.rawHeaderNames).toContain('bt_header_axon_status_code')
    expect(res.rawHeaderNames.filter((n) => n.startsWith('bt_') || n === 'computed_body_hash').every((n) => n === n.toLowerCase())).toBe(true)
    expect(res.headers.bt_header_axon_status_code).toBe('200')
    expect(res.headers.bt_header_axon_status_message).toBe('Success')
    expect(Number.isFinite(Number(res.headers.bt_header_axon_process_time))).toBe(true)
    expect(res.headers.bt_header_input_obj_texts).toBe('W10=')
    expect(res.headers.computed_body_hash).toBe(EMPTY_BODY_HASH)
    expect(res.headers.name).toBe('TextEmbeddingSynapse')
    expect(res.headers.timeout).toBe('60.0')
    expect(res.headers.bt_header_dendrite_nonce).toBe(nonce.toString())
    expect(Number.isInteger(Number(res.headers.header_size))).toBe(true)
    expect(Number.isInteger(Number(res.headers.total_size))).toBe(true)

    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ route: 'TextEmbeddingSynapse', hotkey: pairs.validator.address, uid: 0, texts: 4, status: 200 })
  })

  it('serves several requests on one keep-alive connection with increasing nonces', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    for (let i = 0; i < 5; i++) {
      const res = await d.embed(target, [`text ${i}`], {}, { dimensions: 16 })
      expect(res.status).toBe(200)
      expect((res.json as { results: number[][] }).results[0]).toHaveLength(16)
    }
  })

  it('honours normalized=false and small dimensions; an empty texts list gets empty results', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    const res = await d.embed(target, ['a'], {}, { dimensions: 8, normalized: false })
    expect((res.json as { results: number[][] }).results[0]).toHaveLength(8)
    const empty = await d.embed(target, [])
    expect(empty.status).toBe(200)
    expect((empty.json as { results: unknown[] }).results).toEqual([])
  })

  it('answers the /Synapse ping from any correctly signed caller (no blacklist, like the SDK)', async () => {
    const { target } = await startAxon()
    const res = await dendrite(pairs.stranger).ping(target)
    expect(res.status).toBe(200)
    expect(res.headers.bt_header_axon_status_code).toBe('200')
    expect((res.json as { axon: { status_code: number } }).axon.status_code).toBe(200)
    expect(res.headers.bt_header_input_obj_texts).toBeUndefined()
    const forged = await dendrite(pairs.stranger).ping(target, { signature: u8Hex(pairs.validator.sign(new Uint8Array([1]))) })
    expect(forged.status).toBe(401)
  })

  it('accepts a signature over <Bytes>-wrapped message, as the Rust verifier does', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    const nonce = d.nextNonce()
    const msg = signatureMessage(nonce, d.hotkey, target.hotkey, d.uuid, EMPTY_BODY_HASH)
    const sig = u8Hex(pairs.validator.sign(new TextEncoder().encode(`<Bytes>${msg}</Bytes>`)))
    expect((await d.embed(target, ['x'], { nonce, signature: sig })).status).toBe(200)
  })
})

function u8Hex(u: Uint8Array): string {
  return `0x${Buffer.from(u).toString('hex')}`
}

describe('AxonServer: verification (401)', () => {
  it('rejects a forged signature, a signature for another axon, and a missing signature', async () => {
    const { target, embedder } = await startAxon()
    const d = dendrite(pairs.validator)
    const nonce = d.nextNonce()
    // Signed by someone else's key but claiming to be the validator.
    const forgedSig = u8Hex(pairs.stranger.sign(new TextEncoder().encode(signatureMessage(nonce, d.hotkey, target.hotkey, d.uuid, EMPTY_BODY_HASH))))
    const forged = await d.embed(target, ['x'], { nonce, signature: forgedSig })
    expect(forged.status).toBe(401)
    expect(message(forged.json)).toMatch(/^Not Verified with error: Signature mismatch/)
    expect(forged.headers.bt_header_axon_status_code).toBe('401')
    expect(forged.headers.bt_header_axon_status_message).toBe(message(forged.json))

    const elsewhere = await d.embed(target, ['x'], { signFor: pairs.whale.address, headers: { bt_header_axon_hotkey: pairs.whale.address } })
    expect(elsewhere.status).toBe(401)
    expect(message(elsewhere.json)).toContain('stale metagraph')

    const unsigned = await d.embed(target, ['x'], { signature: null })
    expect(unsigned.status).toBe(401)
    expect(message(unsigned.json)).toMatch(/Missing signature/)

    const garbage = await d.embed(target, ['x'], { signature: '0xzz' })
    expect(garbage.status).toBe(401)
    expect(embedder.calls).toBe(0)
  })

  it('a failed signature does not advance the nonce (no lock-out by forgery)', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    const high = d.nextNonce() + 10_000_000n
    expect((await d.embed(target, ['x'], { nonce: high, signature: u8Hex(new Uint8Array(64)) })).status).toBe(401)
    expect((await d.embed(target, ['x'])).status).toBe(200)
  })

  it('rejects a replayed nonce and a lower nonce on the same hotkey:uuid', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    const nonce = d.nextNonce()
    expect((await d.embed(target, ['x'], { nonce })).status).toBe(200)
    const replay = await d.embed(target, ['x'], { nonce })
    expect(replay.status).toBe(401)
    expect(message(replay.json)).toBe('Not Verified with error: Nonce is too old, a newer one was last processed')
    expect((await d.embed(target, ['x'], { nonce: nonce - 1n })).status).toBe(401)
    // Another dendrite uuid of the same hotkey has its own sequence.
    const other = new SpecDendrite({ pair: pairs.validator })
    dendrites.push(other)
    expect((await other.embed(target, ['x'], { nonce: other.nextNonce() })).status).toBe(200)
  })

  it('rejects a stale first nonce (older than 4 s + timeout) with the SDK message', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    const stale = BigInt(Date.now() - 70_000) * 1_000_000n
    const res = await d.embed(target, ['x'], { nonce: stale, timeoutS: 60 })
    expect(res.status).toBe(401)
    expect(message(res.json)).toMatch(/^Not Verified with error: Nonce is too old: acceptable delta is 64\.00 seconds but request was 7\d\.\d\d seconds old$/)
    // A slightly old nonce within the window is fine.
    const ok = await d.embed(target, ['x'], { nonce: BigInt(Date.now() - 30_000) * 1_000_000n, timeoutS: 60 })
    expect(ok.status).toBe(200)
  })

  it('caps the unsigned timeout header so a replay cannot widen the window', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    const old = BigInt(Date.now() - 3_600_000) * 1_000_000n
    const res = await d.embed(target, ['x'], { nonce: old, timeoutS: 1e9 })
    expect(res.status).toBe(401)
    expect(message(res.json)).toMatch(/acceptable delta is 124\.00 seconds/)
  })

  it('keeps nonces in SQLite across an axon restart', async () => {
    const home = makeTempHome()
    try {
      const file = path.join(home.dir, 'taodesk.sqlite')
      let store = Store.open(file)
      const first = await startAxon({ nonces: new AxonNonceTable(store.db) })
      const d = dendrite(pairs.validator)
      const nonce = d.nextNonce()
      expect((await d.embed(first.target, ['x'], { nonce })).status).toBe(200)
      await first.axon.close()
      store.close()

      store = Store.open(file)
      const second = await startAxon({ nonces: new AxonNonceTable(store.db) })
      expect(new AxonNonceTable(store.db).last(`${d.hotkey}:${d.uuid}`)).toBe(nonce)
      const replay = await d.embed(second.target, ['x'], { nonce })
      expect(replay.status).toBe(401)
      expect(message(replay.json)).toMatch(/a newer one was last processed/)
      expect((await d.embed(second.target, ['x'])).status).toBe(200)
      await second.axon.close()
      store.close()
    } finally {
      home.cleanup()
    }
  })
})

describe('AxonServer: blacklist (403) with the reference miner defaults', () => {
  it('rejects unregistered and low-stake callers before verifying anything', async () => {
    const { target, embedder } = await startAxon()
    const stranger = await dendrite(pairs.stranger).embed(target, ['x'])
    expect(stranger.status).toBe(403)
    expect(message(stranger.json)).toBe('Forbidden. Key is blacklisted: Unrecognized hotkey.')
    expect(stranger.headers.bt_header_axon_status_code).toBe('403')

    const minnow = await dendrite(pairs.minnow).embed(target, ['x'])
    expect(minnow.status).toBe(403)
    expect(message(minnow.json)).toBe('Forbidden. Key is blacklisted: Stake below minimum (999.50 < 1000).')

    const noHotkey = await dendrite(pairs.validator).embed(target, ['x'], { headers: { bt_header_dendrite_hotkey: null } })
    expect(noHotkey.status).toBe(403)
    expect(message(noHotkey.json)).toBe('Forbidden. Key is blacklisted: Hotkey not provided.')

    // No validator permit is needed by default...
    expect((await dendrite(pairs.noPermit).embed(target, ['x'])).status).toBe(200)
    expect(embedder.calls).toBe(1)
  })

  it('optionally requires a validator permit, or admits unregistered callers', async () => {
    const strict = await startAxon({ blacklist: { forceValidatorPermit: true } })
    const res = await dendrite(pairs.noPermit).embed(strict.target, ['x'])
    expect(res.status).toBe(403)
    expect(message(res.json)).toBe('Forbidden. Key is blacklisted: Non-validator hotkey.')
    expect((await dendrite(pairs.validator).embed(strict.target, ['x'])).status).toBe(200)

    const open = await startAxon({ blacklist: { allowNonRegistered: true } })
    expect((await dendrite(pairs.stranger).embed(open.target, ['x'])).status).toBe(200)
  })
})

describe('AxonServer: malformed and abusive requests', () => {
  it('answers 404 for unknown routes and 405 for wrong methods, as JSON', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    const unknown = await d.send(target, 'SearchSynapse', [], {})
    expect(unknown.status).toBe(404)
    expect(message(unknown.json)).toBe("Synapse name 'SearchSynapse' not found. Available synapses ['Synapse', 'TextEmbeddingSynapse']")
    expect(unknown.headers['content-type']).toBe('application/json')
    expect(unknown.headers.bt_header_axon_status_code).toBe('404')
    const root = await rawRequest({ host: '127.0.0.1', port: target.port, method: 'GET', path: '/', headers: {} })
    expect(root.status).toBe(404)
    const get = await d.embed(target, ['x'], { method: 'GET' })
    expect(get.status).toBe(405)
    expect(get.headers.allow).toBe('POST')
    expect(message(get.json)).toMatch(/use POST/)
    const put = await rawRequest({ host: '127.0.0.1', port: target.port, method: 'PUT', path: '/TextEmbeddingSynapse', headers: {}, body: '{}' })
    expect(put.status).toBe(405)
  })

  it('answers 400 for headers that do not parse (SynapseParsingError), including a missing input_obj header', async () => {
    const { target } = await startAxon()
    const d = dendrite(pairs.validator)
    const noInputObj = await d.embed(target, ['x'], { headers: { bt_header_input_obj_texts: null } })
    expect(noInputObj.status).toBe(400)
    expect(message(noInputObj.json)).toMatch(/bt_header_input_obj_texts/)
    expect((await d.embed(target, ['x'], { headers: { bt_header_dendrite_nonce: 'soon' } })).status).toBe(400)
    expect((await d.embed(target, ['x'], { headers: { bt_header_axon_port: '99999' } })).status).toBe(400)
    expect((await d.embed(target, ['x'], { headers: { timeout: 'NaN' } })).status).toBe(400)
    expect((await d.embed(target, ['x'], { headers: { bt_header_input_obj_texts: '%%%' } })).status).toBe(400)
    const missingNonce = await d.embed(target, ['x'], { headers: { bt_header_dendrite_nonce: null } })
    expect(missingNonce.status).toBe(401)
    expect(message(missingNonce.json)).toBe('Not Verified with error: Missing Nonce')
  })

  it('answers 400 for a wrong body hash, malformed JSON and invalid synapse bodies', async () => {
    const { target, embedder } = await startAxon()
    const d = dendrite(pairs.validator)
    const hash = await d.embed(target, ['x'], { headers: { computed_body_hash: 'ab'.repeat(32) } })
    expect(hash.status).toBe(400)
    expect(message(hash.json)).toMatch(/^Hash mismatch between header body hash/)
    for (const bodyText of ['{"texts": [', '', '[]', '{"dimensions": 1024}', '{"texts": [1, 2]}', '{"texts": ["a"], "dimensions": 0}', '{"texts": ["a"], "dimensions": "big"}']) {
      const res = await d.embed(target, ['x'], { bodyText })
      expect(res.status, bodyText).toBe(400)
      expect(typeof message(res.json), bodyText).toBe('string')
    }
    expect(embedder.calls).toBe(0)
  })

  it('answers 413 for a body over the limit (declared or streamed) and for too many texts', async () => {
    const { target, embedder } = await startAxon({ limits: { maxBodyBytes: 64 * 1024, maxTexts: 100 } })
    const d = dendrite(pairs.validator)
    const big = await d.embed(target, ['y'.repeat(100 * 1024)])
    expect(big.status).toBe(413)
    expect(message(big.json)).toMatch(/Request body too large/)
    const many = await d.embed(target, Array.from({ length: 101 }, (_, i) => `t${i}`))
    expect(many.status).toBe(413)
    expect(message(many.json)).toMatch(/Too many texts: 101/)
    // A chunked upload (no content-length) is cut off while streaming.
    const streamed = await new Promise<number>((resolve, reject) => {
      const nonce = d.nextNonce()
      const headers = d.headers(target, 'TextEmbeddingSynapse', nonce, d.sign(nonce, target.hotkey), ['texts'], 60)
      const req = http.request(
        { host: '127.0.0.1', port: target.port, method: 'POST', path: '/TextEmbeddingSynapse', headers: { ...headers, 'transfer-encoding': 'chunked' } },
        (res) => (res.resume(), resolve(res.statusCode ?? 0)),
      )
      req.on('error', reject)
      for (let i = 0; i < 20; i++) req.write('z'.repeat(8 * 1024))
      req.end()
    })
    expect(streamed).toBe(413)
    expect(embedder.calls).toBe(0)
    expect((await d.embed(target, ['fine'])).status).toBe(200)
  })

  it('answers a malformed HTTP request with 400 and keeps serving', async () => {
    const { target } = await startAxon()
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect(target.port, '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'))
      let data = ''
      socket.on('data', (c) => (data += c.toString()))
      socket.on('close', () => resolve(data))
      socket.on('error', () => resolve(data))
    })
    expect(reply).toMatch(/^HTTP\/1\.1 400/)
    expect((await dendrite(pairs.validator).embed(target, ['still alive'])).status).toBe(200)
  })
})

describe('AxonServer: compute, timeouts, priority', () => {
  it('answers 408 when the embedder exceeds the synapse timeout, and aborts it', async () => {
    const embedder = new HashEmbedder()
    embedder.delayMs = 3000
    const { target } = await startAxon({ embedder })
    const started = Date.now()
    const res = await dendrite(pairs.validator).embed(target, ['slow'], { timeoutS: 0.5 })
    expect(res.status).toBe(408)
    expect(message(res.json)).toBe('Response timeout after: 0.5s')
    expect(Date.now() - started).toBeLessThan(2500)
  })

  it('answers 500 with a clear message when the model fails or returns the wrong shape', async () => {
    const embedder = new HashEmbedder()
    embedder.failWith = new Error('model not loaded')
    const { target } = await startAxon({ embedder })
    const d = dendrite(pairs.validator)
    const res = await d.embed(target, ['x'])
    expect(res.status).toBe(500)
    expect(message(res.json)).toBe('Embedding failed: model not loaded')

    const wrong = await startAxon({ embedder: { name: 'bad', embed: async (texts) => texts.map(() => new Float32Array(384)) } })
    const res2 = await d.embed(wrong.target, ['x'])
    expect(res2.status).toBe(500)
    expect(message(res2.json)).toMatch(/returned 384 dimensions, the validator asked for 1024/)
    const nan = await startAxon({ embedder: { name: 'nan', embed: async (texts, dims) => texts.map(() => new Float32Array(dims).fill(NaN)) } })
    expect((await d.embed(nan.target, ['x'])).status).toBe(500)
  })

  it('serves waiting callers highest stake first, and answers 503 when the queue is full', async () => {
    const order: string[] = []
    let releaseFirst: () => void = () => {}
    const firstDone = new Promise<void>((r) => (releaseFirst = r))
    const embedder = {
      name: 'ordered',
      embed: async (texts: readonly string[], dims: number) => {
        order.push(texts[0]!)
        if (texts[0] === 'first') await firstDone
        return texts.map((t) => hashEmbedding(t, dims))
      },
    }
    const { target, axon } = await startAxon({ embedder, limits: { maxConcurrent: 1, maxQueued: 2 } })
    const first = dendrite(pairs.validator).embed(target, ['first'])
    await waitFor(() => axon.load.inFlight === 1)
    const low = dendrite(pairs.noPermit).embed(target, ['low-stake'])
    await waitFor(() => axon.load.queued === 1)
    const high = dendrite(pairs.whale).embed(target, ['high-stake'])
    await waitFor(() => axon.load.queued === 2)
    const overflow = await dendrite(pairs.validator).embed(target, ['overflow'])
    expect(overflow.status).toBe(503)
    expect(message(overflow.json)).toMatch(/busy/)
    releaseFirst()
    const results = await Promise.all([first, low, high])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    expect(order).toEqual(['first', 'high-stake', 'low-stake'])
  })

  it('answers 503 with Retry-After, not 500, when the embedding queue is full (issue 15)', async () => {
    // The axon admits maxConcurrent requests; the batcher behind them holds fewer texts than they carry.
    let release: () => void = () => {}
    const blocked = new Promise<void>((r) => (release = r))
    const batcher = new Batcher(async (b) => {
      await blocked
      return new Float32Array(b.batch * 4).fill(0.5)
    }, { maxQueuedTexts: 3, maxBatchSize: 1, concurrency: 1 })
    const embedder = {
      name: 'batched',
      embed: async (texts: readonly string[], dims: number, signal: AbortSignal) => {
        await batcher.submit(texts.map(() => new Int32Array([101, 102])), signal)
        return texts.map((t) => hashEmbedding(t, dims))
      },
    }
    const { target, axon } = await startAxon({ embedder, limits: { maxConcurrent: 2 } })
    const first = dendrite(pairs.validator).embed(target, ['a', 'b', 'c'])
    await waitFor(() => batcher.getStats().queuedTexts === 2 && axon.load.inFlight === 1)
    const refused = await dendrite(pairs.whale).embed(target, ['d', 'e'])
    expect(refused.status).toBe(503)
    expect(refused.headers['retry-after']).toBe('2')
    expect(message(refused.json)).toMatch(/busy/)
    release()
    expect((await first).status).toBe(200)
  })

  it('refuses deeply nested JSON in an extra field with 400 before any inference (issue 15)', async () => {
    const { target, embedder } = await startAxon()
    let deep: unknown = 'bottom'
    for (let i = 0; i < 100; i++) deep = [deep]
    const res = await dendrite(pairs.validator).embed(target, ['x'], {}, { extra: deep })
    expect(res.status).toBe(400)
    expect(message(res.json)).toMatch(/more than 64 levels deep/)
    expect(embedder.calls).toBe(0)
    let shallow: unknown = 'bottom'
    for (let i = 0; i < 20; i++) shallow = { inner: shallow }
    expect((await dendrite(pairs.validator).embed(target, ['x'], {}, { extra: shallow })).status).toBe(200)
  })

  it('the axon error headers carry its own signature over nonce.dendrite.axon.uuid', async () => {
    const { target, axon } = await startAxon()
    const res = await dendrite(pairs.stranger).embed(target, ['x'])
    const h = res.headers
    expect(h.bt_header_axon_hotkey).toBe(pairs.miner.address)
    expect(h.bt_header_axon_uuid).toBe(axon.uuid)
    const msg = `${h.bt_header_axon_nonce as string}.${pairs.stranger.address}.${pairs.miner.address}.${axon.uuid}`
    expect(sr25519Verify(new TextEncoder().encode(msg), hexToU8a(h.bt_header_axon_signature as string), decodeAddress(pairs.miner.address))).toBe(true)
  })
})

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

afterAll(() => {})

describe('interop with the validator dendrite (native/validator/dendrite)', () => {
  it('the TaoDesk validator queries this axon and gets 1024-wide rows', async () => {
    const { Dendrite } = await import('../../../bittensor/wire/v10')
    const { target } = await startAxon()
    const dendriteClient = new Dendrite({ signer: pairs.validator, timeoutS: 10 })
    const outcome = await dendriteClient.query({ uid: 7, ...target }, textEmbeddingQuery({ texts: ['a', 'b'], dimensions: 1024, normalized: true }))
    expect(outcome.status).toBe(200)
    expect(outcome.processTimeS).toBeGreaterThanOrEqual(0)
    const rows = outcome.results as number[][]
    expect(rows.map((r) => r.length)).toEqual([1024, 1024])
    expect(rows[0]![5]).toBeCloseTo(hashEmbedding('a', 1024)[5]!, 6)
    const stranger = await new Dendrite({ signer: pairs.stranger }).query({ uid: 7, ...target }, textEmbeddingQuery({ texts: ['a'], dimensions: 1024, normalized: true }))
    expect(stranger.status).toBe(403)
    expect(stranger.message).toBe('Forbidden. Key is blacklisted: Unrecognized hotkey.')
  })
})

describe('AxonServer: results printed off the main thread', () => {
  // Rows with the values that are hardest to print identically: signed zeros, tiny values,
  // exact halves at the 1e-9 step, ±1, and float32 noise.
  const EDGE = [0, -0, 1, -1, 1e-9, -1e-9, 5e-10, 1.5e-9, -2.5e-9, 1e-12, 1.23e-7, 0.1234567895, Math.fround(0.1), -0.7, 1e-6, 3.5]
  const edgeEmbedder = {
    name: 'test:edge',
    embed: async (texts: readonly string[], dims: number) =>
      texts.map((t, i) => {
        const row = i % 3 === 0 ? new Float32Array(dims) : new Array<number>(dims).fill(0)
        for (let j = 0; j < dims; j++) row[j] = i % 4 === 3 ? 0 : j < EDGE.length ? EDGE[(j + i) % EDGE.length]! : hashEmbedding(t, dims)[j]!
        return row
      }),
  }
  /**
   * The body with the fields that differ between two axons blanked: process_time, the axon's
   * port (each test axon has its own) and the dendrite's signature (sr25519 is randomized).
   */
  const stable = (body: string): string =>
    body
      .replace(/"process_time":[0-9.e+-]+/, '"process_time":0')
      .replace(/"port":\d+/g, '"port":0')
      .replace(/"signature":"0x[0-9a-f]+"/, '"signature":""')
  /** Equality without dumping megabytes: the first differing position and its surroundings. */
  const sameText = (a: string, b: string): void => {
    let i = 0
    while (i < a.length && a[i] === b[i]) i++
    expect(i === a.length && a.length === b.length ? 'identical' : `differ at ${i}: ${a.slice(i - 40, i + 40)} | ${b.slice(i - 40, i + 40)}`).toBe('identical')
  }

  it('sends byte-identical bodies in worker and main-thread mode (normalized or not), with a matching content-length', async () => {
    const worker = await startAxon({ embedder: edgeEmbedder })
    const inline = await startAxon({ embedder: edgeEmbedder, resultsSerialization: 'main-thread' })
    const texts = [...TEXTS, 'x'.repeat(3000), 'quote " backslash \\ tab \t newline \n']
    for (const normalized of [true, false]) {
      for (const dimensions of [1024, 16]) {
        const d = dendrite(pairs.validator)
        const nonce = d.nextNonce()
        const a = await d.embed(worker.target, texts, { nonce }, { normalized, dimensions })
        const b = await d.embed(inline.target, texts, { nonce }, { normalized, dimensions }) // own nonce store per axon
        expect(a.status).toBe(200)
        expect(b.status).toBe(200)
        // The results, byte for byte, and the rest of the echo.
        sameText(a.body.slice(a.body.indexOf('"results":')), b.body.slice(b.body.indexOf('"results":')))
        sameText(stable(a.body), stable(b.body))
        expect(Number(a.headers['content-length'])).toBe(Buffer.byteLength(a.body))
        expect(a.headers.total_size).toBe(a.headers['content-length'])
        // The echo is still the synapse the Python dendrite validates: texts, nonce, results last.
        const json = a.json as { texts: string[]; results: number[][] }
        expect(json.texts).toEqual(texts)
        expect(json.results).toHaveLength(texts.length)
        expect(a.body).toContain(`"nonce":${nonce},`)
        expect(a.body.indexOf('"results":[[')).toBeGreaterThan(a.body.indexOf('"texts":['))
        expect(a.body.endsWith(']]}')).toBe(true)
      }
    }
    expect(worker.axon.resultsSerialization).toMatchObject({ mode: 'worker', worker: 4, inThread: 0, fallbackReason: null })
    expect(inline.axon.resultsSerialization.mode).toBe('main-thread')
    expect(worker.records.every((r) => r.serializeMs >= 0)).toBe(true)
  })

  it('answers 500 for a non-finite model output from the worker, naming the text, and keeps serving', async () => {
    const { target } = await startAxon({
      embedder: { name: 'nan-in-row-2', embed: async (texts, dims) => texts.map((_, i) => new Float32Array(dims).fill(i === 2 ? Number.NaN : 0.5)) },
    })
    const d = dendrite(pairs.validator)
    const res = await d.embed(target, ['a', 'b', 'c'])
    expect(res.status).toBe(500)
    expect(message(res.json)).toBe('Embedding failed: the model returned a non-finite value for text 2')
    expect((await d.embed(target, ['a', 'b'])).status).toBe(200)
  })

  it('rejects a body that is not UTF-8 with 400 and a clear message', async () => {
    const { target, embedder } = await startAxon()
    const d = dendrite(pairs.validator)
    const nonce = d.nextNonce()
    const text = d.body(target, 'TextEmbeddingSynapse', nonce, d.sign(nonce, target.hotkey), { texts: ['ok'] }, 12)
    const bytes = Buffer.from(text, 'utf8')
    const bad = Buffer.concat([bytes.subarray(0, bytes.indexOf('"ok"') + 1), Buffer.from([0xff, 0xfe]), bytes.subarray(bytes.indexOf('"ok"') + 1)])
    const res = await rawRequest({
      host: target.ip,
      port: target.port,
      method: 'POST',
      path: '/TextEmbeddingSynapse',
      headers: { ...d.headers(target, 'TextEmbeddingSynapse', nonce, d.sign(nonce, target.hotkey), ['texts'], 12), 'content-type': 'application/json' },
      body: bad,
    })
    expect(res.status).toBe(400)
    expect(message(res.json)).toBe('The request body is not valid UTF-8 text; expected the synapse as JSON.')
    expect(embedder.calls).toBe(0)
  })
})
