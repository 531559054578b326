/**
 * The miner's btauth/1 route, reached by a client written here from the spec (network-2026 §9.1,
 * §9.2): plain node:http, node:crypto's sha256 and @polkadot/util-crypto's sr25519, none of
 * TaoDesk's signing or verifying code. It gets correct embeddings, and the refusal the spec names
 * for each way a request can be wrong; the miner keeps serving throughout.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import { Keyring } from '@polkadot/keyring'
import { u8aToHex } from '@polkadot/util'
import { cryptoWaitReady, encodeAddress, randomAsU8a, sr25519PairFromSeed, sr25519Sign } from '@polkadot/util-crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MetagraphView, NeuronView, NonceStore } from '../ports'
import { MemoryNonceStore } from '../ports'
import { HashEmbedder, hashEmbedding } from '../testing/hash-embedder'
import type { AxonRequestRecord } from './miner-axon'
import { MinerAxon } from './miner-axon'

interface Key {
  readonly address: string
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
}

function newKey(): Key {
  const pair = sr25519PairFromSeed(randomAsU8a(32))
  return { ...pair, address: encodeAddress(pair.publicKey, 42) }
}

let minerSigner: ReturnType<Keyring['addFromUri']>
let validator: Key
let lowStake: Key
let stranger: Key
beforeAll(async () => {
  await cryptoWaitReady()
  minerSigner = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Bob')
  validator = newKey()
  lowStake = newKey()
  stranger = newKey()
})

/** What a btauth/1 request is made of; each part can be bent by a test. */
interface Draft {
  readonly key: Key
  readonly body: string
  /** The target that is signed, and (unless `sendTarget`) sent. */
  readonly target?: string
  readonly sendTarget?: string
  /** Sent instead of the signed body. */
  readonly sendBody?: string
  /** The nonce text as signed and sent. */
  readonly nonce?: string
  /** null: no receiver header, and "-" on line 8. */
  readonly receiver?: string | null
  /** Sign with this key instead of the sender's. */
  readonly signWith?: Key
  readonly extraHeaders?: Record<string, string>
}

const nowNonce = (offsetMs = 0) => (BigInt(Date.now() + offsetMs) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString()

/** The spec's eight lines, signed with sr25519 (signing context "substrate"). */
function sign(d: Draft, receiver: string): { headers: Record<string, string>; target: string; body: string } {
  const target = d.target ?? '/v1/embeddings'
  const nonce = d.nonce ?? nowNonce()
  const to = d.receiver === undefined ? receiver : d.receiver
  const payload = ['btauth/1', 'sr25519', 'POST', target, createHash('sha256').update(d.body, 'utf8').digest('hex'), nonce, d.key.address, to ?? '-'].join('\n')
  const signer = d.signWith ?? d.key
  const signature = u8aToHex(sr25519Sign(new TextEncoder().encode(payload), signer))
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'X-Bittensor-Version': '1',
    'X-Bittensor-Hotkey': d.key.address,
    'X-Bittensor-Nonce': nonce,
    'X-Bittensor-Signature': signature,
    ...(to === null ? {} : { 'X-Bittensor-Receiver': to }),
    ...d.extraHeaders,
  }
  return { headers, target: d.sendTarget ?? target, body: d.sendBody ?? d.body }
}

interface Reply {
  readonly status: number
  readonly json: unknown
}

function send(port: number, request: { headers: Record<string, string>; target: string; body: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: request.target, headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) }, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }))
    })
    req.on('error', reject)
    req.end(request.body)
  })
}

const embeddingsBody = (texts: string[]) => JSON.stringify({ input: texts, model: 'any-model', dimensions: 1024, encoding_format: 'float' })

const running: MinerAxon[] = []
afterEach(async () => {
  while (running.length) await running.pop()!.close()
})

async function startMiner(nonces: NonceStore = new MemoryNonceStore(), records: AxonRequestRecord[] = []): Promise<number> {
  const neurons = new Map<string, NeuronView>([
    [validator.address, { uid: 0, stake: 25_000, validatorPermit: true }],
    [lowStake.address, { uid: 3, stake: 12, validatorPermit: false }],
  ])
  const metagraph: MetagraphView = { lookup: (h) => neurons.get(h) }
  const axon = new MinerAxon({ signer: minerSigner, metagraph, embedder: new HashEmbedder(), nonces, host: '127.0.0.1', port: 0, onRequest: (r) => records.push(r) })
  running.push(axon)
  return axon.listen()
}

describe('btauth/1 on the miner, from an independent client', () => {
  it('answers POST /v1/embeddings with the OpenAI shape, usage included, and the same vectors as the model', async () => {
    const records: AxonRequestRecord[] = []
    const port = await startMiner(undefined, records)
    const texts = ['The quick brown fox.', 'Embeddings, please!', '']
    const reply = await send(port, sign({ key: validator, body: embeddingsBody(texts) }, minerSigner.address))
    expect(reply.status, JSON.stringify(reply.json)).toBe(200)
    const answer = reply.json as { object: string; data: Array<{ object: string; index: number; embedding: number[] }>; model: string; usage: { prompt_tokens: number; total_tokens: number } }
    expect(answer.object).toBe('list')
    expect(answer.model).toBe('any-model')
    expect(answer.usage.prompt_tokens).toBeGreaterThan(0)
    expect(answer.usage.total_tokens).toBe(answer.usage.prompt_tokens)
    expect(answer.data.map((d) => [d.object, d.index, d.embedding.length])).toEqual(texts.map((_, i) => ['embedding', i, 1024]))
    texts.forEach((t, i) => {
      const want = hashEmbedding(t, 1024)
      answer.data[i]!.embedding.forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 6))
    })
    expect(records.at(-1)).toMatchObject({ route: '/v1/embeddings', hotkey: validator.address, uid: 0, status: 200, texts: 3, dimensions: 1024 })
  })

  it('routes on the decoded path but verifies the target exactly as sent', async () => {
    const port = await startMiner()
    const body = embeddingsBody(['x'])
    // Signed and sent in the same (unusual) encoding: the signature covers what was sent.
    expect((await send(port, sign({ key: validator, body, target: '/v1/%65mbeddings' }, minerSigner.address))).status).toBe(200)
  })

  it('refuses each malformed, misdirected, stale, forged or replayed request with 401 and the spec message, and stays up', async () => {
    const nonces = new MemoryNonceStore()
    const port = await startMiner(nonces)
    const body = embeddingsBody(['hello'])
    const to = minerSigner.address
    const replayed = sign({ key: validator, body }, to)
    expect((await send(port, replayed)).status).toBe(200)

    const cases: Array<[string, Parameters<typeof send>[1], number, string | RegExp]> = [
      ['replay', replayed, 401, 'this nonce was already accepted from this hotkey'],
      ['stale', sign({ key: validator, body, nonce: nowNonce(-11_000) }, to), 401, 'nonce is older than the 10s freshness window'],
      ['future', sign({ key: validator, body, nonce: nowNonce(3_000) }, to), 401, 'nonce is more than 2s in the future'],
      ['wrong receiver', sign({ key: validator, body, receiver: stranger.address }, to), 401, 'request was signed for a different receiving hotkey'],
      ['missing receiver', sign({ key: validator, body, receiver: null }, to), 401, 'missing X-Bittensor-Receiver: this server requires receiver-bound requests'],
      ['bad signature', sign({ key: validator, body, signWith: stranger }, to), 401, 'signature does not verify against the claimed hotkey'],
      ['tampered body', sign({ key: validator, body, sendBody: embeddingsBody(['hellO']) }, to), 401, 'signature does not verify against the claimed hotkey'],
      ['different path encoding', sign({ key: validator, body, sendTarget: '/v1/%65mbeddings' }, to), 401, 'signature does not verify against the claimed hotkey'],
      ['conflicting scheme header', sign({ key: validator, body, extraHeaders: { 'X-Bittensor-Crypto': 'ed25519' } }, to), 401, /X-Bittensor-Crypto says ed25519/],
      ['non-canonical nonce (leading zero)', sign({ key: validator, body, nonce: `0${nowNonce()}` }, to), 401, /X-Bittensor-Nonce is not canonical decimal/],
      ['non-canonical nonce (sign)', sign({ key: validator, body, nonce: `+${nowNonce()}` }, to), 401, /X-Bittensor-Nonce is not canonical decimal/],
      ['wrong version', sign({ key: validator, body, extraHeaders: { 'X-Bittensor-Version': '2' } }, to), 401, "missing or unsupported X-Bittensor-Version (expected '1')"],
      ['unregistered caller', sign({ key: stranger, body }, to), 403, 'Forbidden. Key is blacklisted: Unrecognized hotkey.'],
      ['low-stake caller', sign({ key: lowStake, body }, to), 403, 'Forbidden. Key is blacklisted: Stake below minimum (12.00 < 1000).'],
      ['not an embeddings request', sign({ key: validator, body: JSON.stringify({ texts: ['a'] }) }, to), 400, /^Invalid embeddings request: input/],
    ]
    for (const [why, request, status, message] of cases) {
      const reply = await send(port, request)
      expect(reply.status, `${why}: ${JSON.stringify(reply.json)}`).toBe(status)
      const error = (reply.json as { error?: { message?: unknown } }).error
      expect(Object.keys(reply.json as object), why).toEqual(['error'])
      expect(error?.message, why).toMatch(message)
    }
    // Still serving, and the accepted nonces of the registered caller went to the nonce store.
    expect((await send(port, sign({ key: validator, body }, to))).status).toBe(200)
    expect(nonces.last(`btauth/1:${validator.address}:${replayed.headers['X-Bittensor-Nonce']}`)).toBe(BigInt(replayed.headers['X-Bittensor-Nonce']!))
  })

  it('keeps refusing a replay after a restart (the nonce store persists)', async () => {
    const nonces = new MemoryNonceStore()
    const request = sign({ key: validator, body: embeddingsBody(['again']) }, minerSigner.address)
    expect((await send(await startMiner(nonces), request)).status).toBe(200)
    await running.pop()!.close()
    const reply = await send(await startMiner(nonces), request)
    expect(reply).toEqual({ status: 401, json: { error: { message: 'this nonce was already accepted from this hotkey' } } })
  })

  it('still serves the v10 synapse beside it, and answers other methods with 405', async () => {
    const port = await startMiner()
    const get = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/v1/embeddings', agent: false }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject)
    })
    expect(get).toBe(405)
    const synapse = await send(port, { headers: { 'content-type': 'application/json' }, target: '/TextEmbeddingSynapse', body: '{}' })
    // Unsigned v10: refused by the v10 checks, not by btauth (its error has no "error" object).
    expect(synapse.status).toBe(400)
    expect(synapse.json).toMatchObject({ message: expect.stringContaining('bt_header_input_obj_texts') })
  })
})
