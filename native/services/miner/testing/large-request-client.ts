/**
 * A client in its own process for large-request.test.ts: it builds and sends 10 MB requests, so
 * the test process's event loop carries only the server's work. Driven over IPC: the parent sends
 * a Job, the client answers with the status and the size of the answer.
 */
import http from 'node:http'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { SpecDendrite } from '../../../bittensor/wire/v10/testing/spec-dendrite'
import type { AxonTarget } from '../../../bittensor/wire/v10/testing/spec-dendrite'

/** 'one': a single 10 MB text; 'many': 2,048 texts of 5 KB (10 MB in all). */
export type Shape = 'one' | 'many'
export type Job = { readonly to: 'local'; readonly url: string; readonly shape: Shape } | { readonly to: 'axon'; readonly target: AxonTarget; readonly shape: Shape; readonly validatorUri: string; readonly dimensions: number }
export interface Done {
  readonly status: number
  readonly answerBytes: number
  readonly rows: number
}

const CLAUSE = 'The party of the first part shall indemnify the party of the second part. '

export function largeTexts(shape: Shape): string[] {
  return shape === 'one' ? [CLAUSE.repeat(140_000)] : Array.from({ length: 2048 }, (_, i) => `${i} ${CLAUSE.repeat(68)}`)
}

function postLocal(url: string, texts: string[]): Promise<Done> {
  const body = Buffer.from(JSON.stringify({ input: texts }))
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const rows = res.statusCode === 200 ? (JSON.parse(text) as { data: unknown[] }).data.length : 0
        resolve({ status: res.statusCode ?? 0, answerBytes: text.length, rows })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const dendrites = new Map<string, SpecDendrite>()
async function postAxon(job: Extract<Job, { to: 'axon' }>, texts: string[]): Promise<Done> {
  let d = dendrites.get(job.validatorUri)
  if (!d) {
    await cryptoWaitReady()
    d = new SpecDendrite({ pair: new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(job.validatorUri) })
    dendrites.set(job.validatorUri, d)
  }
  const r = await d.embed(job.target, texts, { timeoutS: 120 }, { dimensions: job.dimensions })
  const results = (r.json as { results?: unknown[] } | null)?.results
  return { status: r.status, answerBytes: r.body.length, rows: Array.isArray(results) ? results.length : 0 }
}

process.on('message', (job: Job) => {
  const texts = largeTexts(job.shape)
  void (job.to === 'local' ? postLocal(job.url, texts) : postAxon(job, texts)).then(
    (done) => process.send?.(done),
    (error: unknown) => process.send?.({ status: -1, answerBytes: 0, rows: 0, error: String(error) }),
  )
})
process.on('disconnect', () => {
  for (const d of dendrites.values()) d.close()
  process.exit(0)
})
