/**
 * Minimal miners for validator tests, each answering with whatever `embed` returns (good, random,
 * or malformed embeddings): a TextEmbeddingSynapse axon that checks the sr25519 signature like
 * the Python axon, and a btauth/1 miner written from the spec (network-2026 §9.3) with none of
 * TaoDesk's verifying code, answering OpenAI embeddings.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { hexToU8a } from '@polkadot/util'
import { decodeAddress, signatureVerify, sr25519Verify } from '@polkadot/util-crypto'

export type Embed = (texts: string[], dimensions: number) => unknown

export interface TestAxon {
  readonly port: number
  readonly requests: number
  close(): Promise<void>
}

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void

async function serve(answer: (req: http.IncomingMessage, body: Buffer, send: Send) => void): Promise<TestAxon> {
  let requests = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests++
      answer(req, Buffer.concat(chunks), (status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers })
        res.end(JSON.stringify(body))
      })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return requests
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

export function startTestAxon(hotkey: string, embed: Embed): Promise<TestAxon> {
  return serve((req, raw, send) => {
    const h = req.headers
    const sendV10: Send = (status, body) => send(status, body, { bt_header_axon_status_code: String(status) })
    const message = `${h['bt_header_dendrite_nonce']}.${h['bt_header_dendrite_hotkey']}.${hotkey}.${h['bt_header_dendrite_uuid']}.${h['computed_body_hash']}`
    let valid = false
    try {
      valid = signatureVerify(message, String(h['bt_header_dendrite_signature']), String(h['bt_header_dendrite_hotkey'])).isValid
    } catch {
      // no signature or hotkey at all (not a v10 request)
    }
    if (!valid) {
      return sendV10(401, { message: 'Not Verified with error: Signature mismatch' })
    }
    const body = JSON.parse(raw.toString('utf8')) as { texts: string[]; dimensions: number }
    sendV10(200, { ...body, results: embed(body.texts, body.dimensions) })
  })
}

/**
 * A btauth/1 miner serving `POST /v1/embeddings`: every check of §9.3 in order (receiver bound
 * to `hotkey`, 10 s / 2 s window, sr25519 over the eight lines, replay), 401 otherwise.
 */
export function startBtauthTestAxon(hotkey: string, embed: Embed): Promise<TestAxon> {
  const accepted = new Set<string>()
  return serve((req, raw, send) => {
    const h = (name: string) => req.headers[name.toLowerCase()] as string | undefined
    const refuse = (message: string) => send(401, { error: { message } })
    const sender = h('X-Bittensor-Hotkey') ?? ''
    const nonce = h('X-Bittensor-Nonce') ?? ''
    if (h('X-Bittensor-Version') !== '1' || !sender || !/^[1-9][0-9]*$/.test(nonce) || h('X-Bittensor-Crypto') !== undefined) return refuse('malformed')
    if (h('X-Bittensor-Receiver') !== hotkey) return refuse('wrong receiver')
    const age = BigInt(Date.now()) * 1_000_000n - BigInt(nonce)
    if (age > 10_000_000_000n || -age > 2_000_000_000n) return refuse('stale')
    const payload = ['btauth/1', 'sr25519', req.method, req.url, createHash('sha256').update(raw).digest('hex'), nonce, sender, hotkey].join('\n')
    if (!sr25519Verify(new TextEncoder().encode(payload), hexToU8a(h('X-Bittensor-Signature')), decodeAddress(sender))) return refuse('bad signature')
    if (accepted.has(`${sender} ${nonce}`)) return refuse('replay')
    accepted.add(`${sender} ${nonce}`)
    if (req.url !== '/v1/embeddings') return send(404, { error: { message: 'not found' } })
    const body = JSON.parse(raw.toString('utf8')) as { input: string[]; dimensions: number; model: string }
    const rows = embed(body.input, body.dimensions)
    const data = Array.isArray(rows) ? rows.map((embedding, index) => ({ object: 'embedding', index, embedding })) : rows
    // Listed last first: the index, not the order, says which text a row embeds.
    if (Array.isArray(data)) data.reverse()
    send(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 0, total_tokens: 0 } })
  })
}

/** A meaningful lexical model: hashed bag of lower-cased word stems, L2-normalized. */
export const lexicalEmbed: Embed = (texts, dimensions) =>
  texts.map((t) => {
    const v = new Array<number>(dimensions).fill(0)
    for (const w of t.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []) {
      const stem = w.slice(0, 6)
      let h = 2166136261
      for (let i = 0; i < stem.length; i++) h = Math.imul(h ^ stem.charCodeAt(i), 16777619)
      v[(h >>> 0) % dimensions] += 1
    }
    const n = Math.hypot(...v) || 1
    return v.map((x) => x / n)
  })

/**
 * No information at all: every text gets the same vector, so every similarity ties and InfoNCE
 * scores exactly chance, every round (random vectors score chance only on average, and a round
 * of few pairs spreads them from 0.25 to 0.34, past a real model's worse rounds).
 */
export const sameVectorEmbed: Embed = (texts, dimensions) => texts.map(() => Array.from({ length: dimensions }, (_, i) => (i === 0 ? 1 : 0)))

export const randomEmbed: Embed = (texts, dimensions) => texts.map(() => Array.from({ length: dimensions }, () => Math.random() - 0.5))

export const wrongDimensionEmbed: Embed = (texts) => texts.map(() => Array.from({ length: 512 }, () => Math.random()))
