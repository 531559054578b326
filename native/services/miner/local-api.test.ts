import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { LocalEmbeddingsApi } from './local-api'
import type { Embedder } from './ports'

const embedder: Embedder = {
  name: 'test:constant',
  embed: async (texts, dimensions) => texts.map(() => Array.from({ length: dimensions }, (_, i) => (i === 0 ? 1 : 0))),
}

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
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
