import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HubDouble } from '../../native/services/embedding/test-support/hub-double'
import { ensureTestModel } from '../../scripts/make-test-models'
import { startServeProcess } from '../support/serve-process'
import type { ServeProcess } from '../support/serve-process'
import { makeTempHome } from '../support/temp-home'
import { openPage, requireBuild, screenshots } from '../support/ui-session'


/**
 * The Models page in Chromium against the built `taodesk serve` (bundled engine and inference
 * worker), downloading from a Hugging Face hub double over HTTP.
 */
describe('Models page in Chromium (taodesk serve + hub double)', () => {
  let home: ReturnType<typeof makeTempHome>
  let hub: HubDouble
  let serve: ServeProcess
  let closeBrowser: () => Promise<void>
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    requireBuild('out/main/embedding-worker.js')
    const lexical = ensureTestModel('lexical')
    hub = new HubDouble({ repos: { 'sentence-transformers/all-MiniLM-L6-v2': lexical.dir } })
    const endpoint = await hub.start()
    home = makeTempHome()
    const saved = process.env.HF_ENDPOINT
    process.env.HF_ENDPOINT = endpoint
    try {
      serve = await startServeProcess(home.dir)
    } finally {
      if (saved === undefined) delete process.env.HF_ENDPOINT
      else process.env.HF_ENDPOINT = saved
    }
    ;({ page, close: closeBrowser } = await openPage({ viewport: { width: 1280, height: 900 } }))
    page.on('pageerror', (e) => pageErrors.push(e.message))
  })

  afterAll(async () => {
    await closeBrowser?.()
    await serve?.stop()
    await hub?.stop()
    home?.cleanup()
  })

  it('downloads a model with progress, loads it, compares two texts and benchmarks it', async () => {
    await page.goto(`${serve.url.split('#')[0]}#/models`)
    await expect.poll(() => page.textContent('[data-testid="page-title"]')).toBe('Models')
    await expect.poll(() => page.locator('[data-testid="models-table"] tbody tr').count()).toBeGreaterThanOrEqual(8)
    await page.screenshot({ path: path.join(screenshots, 'models-01-catalog.png') })

    await page.click('[data-testid="download-all-MiniLM-L6-v2"]')
    await expect.poll(() => page.locator('[data-testid="use-all-MiniLM-L6-v2"]').count(), { timeout: 60_000 }).toBe(1)
    await page.click('[data-testid="use-all-MiniLM-L6-v2"]')
    await expect.poll(() => page.getAttribute('[data-testid="models-state"]', 'class').then(() => page.textContent('[data-testid="models-state"]')), { timeout: 60_000 }).toBe('ready')
    expect(await page.textContent('[data-testid="models-active-id"]')).toBe('all-MiniLM-L6-v2')
    expect(await page.textContent('[data-testid="models-provider"]')).toBe('CPU')
    expect(await page.textContent('[data-testid="models-provider-reasons"]')).toMatch(/CUDA \(NVIDIA GPU\):/)

    await page.click('[data-testid="tryit-compare"]')
    await expect.poll(() => page.textContent('[data-testid="tryit-result"]'), { timeout: 30_000 }).toMatch(/cosine similarity/)
    const cos = Number(/^(-?[\d.]+)/.exec((await page.textContent('[data-testid="tryit-result"]')) ?? '')?.[1])
    // The lexical test model shares "directory" between the default texts; unrelated texts score near 0.
    expect(cos).toBeGreaterThan(0.1)

    await page.click('[data-testid="bench-run"]')
    await expect.poll(() => page.textContent('[data-testid="bench-result"]'), { timeout: 60_000 }).toMatch(/512 texts ≈ [\d.]+ s of 60 s/)
    expect(['fast enough', 'tight', 'too slow']).toContain(await page.textContent('[data-testid="bench-verdict"]'))
    await page.screenshot({ path: path.join(screenshots, 'models-02-active.png'), fullPage: true })
    expect(pageErrors).toEqual([])
  })
})
