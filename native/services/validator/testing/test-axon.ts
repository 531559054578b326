/**
 * A minimal TextEmbeddingSynapse axon for validator tests: checks the sr25519 signature like the
 * Python axon and answers with whatever `embed` returns (good, random, or malformed embeddings).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { signatureVerify } from '@polkadot/util-crypto'

export type Embed = (texts: string[], dimensions: number) => unknown

export interface TestAxon {
  readonly port: number
  readonly requests: number
  close(): Promise<void>
}

export async function startTestAxon(hotkey: string, embed: Embed): Promise<TestAxon> {
  let requests = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests++
      const h = req.headers
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', bt_header_axon_status_code: String(status) })
        res.end(JSON.stringify(body))
      }
      const message = `${h['bt_header_dendrite_nonce']}.${h['bt_header_dendrite_hotkey']}.${hotkey}.${h['bt_header_dendrite_uuid']}.${h['computed_body_hash']}`
      if (!signatureVerify(message, String(h['bt_header_dendrite_signature']), String(h['bt_header_dendrite_hotkey'])).isValid) {
        return send(401, { message: 'Not Verified with error: Signature mismatch' })
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { texts: string[]; dimensions: number }
      send(200, { ...body, results: embed(body.texts, body.dimensions) })
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

export const randomEmbed: Embed = (texts, dimensions) => texts.map(() => Array.from({ length: dimensions }, () => Math.random() - 0.5))

export const wrongDimensionEmbed: Embed = (texts) => texts.map(() => Array.from({ length: 512 }, () => Math.random()))
