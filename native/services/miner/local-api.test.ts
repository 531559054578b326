import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { LocalEmbeddingsApi } from './local-api'
import type { Embedder } from './ports'
import { EngineError } from '../../contract/errors'
import { DimensionError, adaptDimension } from '../embedding/runtime/pooling'

const embedder: Embedder = {
  name: 'test:constant',
  embed: async (texts, dimensions) => texts.map(() => Array.from({ length: dimensions }, (_, i) => (i === 0 ? 1 : 0))),
}

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('local /v1/embeddings', () => {
  it('answers OpenAI-shaped requests and survives clients that abort mid-upload', async () => {
    const api = new LocalEmbeddingsApi(embedder, 0, 8)
    const url = await api.listen()
    try {
      for (let i = 0; i < 20; i++) {
        const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100000' } })
        req.on('error', () => {})
        req.write('{"input": ["half a body')
        await new Promise((r) => setTimeout(r, 5))
        req.destroy()
      }
      await new Promise((r) => setTimeout(r, 50))
      const ok = await post(url, JSON.stringify({ input: ['hello', 'world'], model: 'x' }))
      expect(ok.status).toBe(200)
      const parsed = JSON.parse(ok.body) as { data: { embedding: number[]; index: number }[] }
      expect(parsed.data.map((d) => d.index)).toEqual([0, 1])
      expect(parsed.data[0].embedding).toHaveLength(8)
    } finally {
      await api.close()
    }
  })
})

/** An 8-dimension ordinary model, failing as the real Embedder does (DimensionError becomes BAD_REQUEST). */
const eightWide: Embedder = {
  name: 'test:eight',
  embed: async (texts, dimensions) => {
    try {
      return texts.map(() => adaptDimension(new Float32Array(8).fill(Math.SQRT1_2 / 2), dimensions, null))
    } catch (error) {
      if (error instanceof DimensionError) throw new EngineError('BAD_REQUEST', error.message)
      throw error
    }
  },
}

describe('local /v1/embeddings under abuse (issue 15)', () => {
  it('refuses a Host other than localhost (DNS rebinding) with 403, and accepts the loopback names', async () => {
    const api = new LocalEmbeddingsApi(embedder, 0, 8)
    const url = await api.listen()
    const port = new URL(url).port
    try {
      const body = JSON.stringify({ input: 'hi' })
      const rebound = await post(url, body, { host: `attacker.example:${port}` })
      expect(rebound.status).toBe(403)
      expect(rebound.body).toMatch(/localhost, 127\.0\.0\.1 or \[::1\]/)
      expect((await post(url, body, { host: `localhost.attacker.example:${port}` })).status).toBe(403)
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost']) {
        expect((await post(url, body, { host })).status).toBe(200)
      }
    } finally {
      await api.close()
    }
  })

  it('answers 400 (not 500) for fewer dimensions than an ordinary model has, and 503 with Retry-After when busy', async () => {
    const api = new LocalEmbeddingsApi(eightWide, 0, 8)
    const url = await api.listen()
    try {
      const fewer = await post(url, JSON.stringify({ input: 'hi', dimensions: 4 }))
      expect(fewer.status).toBe(400)
      expect(JSON.parse(fewer.body)).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/8-dimension vectors and 4 were asked for/) as unknown } })
      expect((await post(url, JSON.stringify({ input: 'hi', dimensions: 16 }))).status).toBe(200)
    } finally {
      await api.close()
    }
    const busy = new LocalEmbeddingsApi({ name: 'busy', embed: () => Promise.reject(new EngineError('BUSY', 'The embedding engine is busy.')) }, 0, 8)
    const busyUrl = await busy.listen()
    try {
      const res = await post(busyUrl, JSON.stringify({ input: 'hi' }))
      expect(res.status).toBe(503)
      expect(res.headers['retry-after']).toBe('2')
    } finally {
      await busy.close()
    }
  })
})
