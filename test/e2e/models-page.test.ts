import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HubDouble } from '../../native/services/embedding/test-support/hub-double'
import { ensureTestModel } from '../../scripts/make-test-models'
import { UiSession, screenshots } from '../support/ui-session'


/**
 * The Models page in Chromium against the built `taodesk serve` (bundled engine and inference
 * worker), downloading from a Hugging Face hub double over HTTP.
 */
describe('Models page in Chromium (taodesk serve + hub double)', () => {
  let hub: HubDouble
  let ui: UiSession
  const pageErrors: string[] = []

  beforeAll(async () => {
    const lexical = ensureTestModel('lexical')
    hub = new HubDouble({ repos: { 'sentence-transformers/all-MiniLM-L6-v2': lexical.dir } })
    const endpoint = await hub.start()
    ui = await UiSession.start({ viewport: { width: 1280, height: 900 }, requires: ['out/main/embedding-worker.js'], env: { HF_ENDPOINT: endpoint } })
    ui.page.on('pageerror', (e) => pageErrors.push(e.message))
  })

  afterAll(async () => {
    await ui?.close()
    await hub?.stop()
  })

  it('downloads a model with progress, loads it, compares two texts and benchmarks it', async () => {
    await ui.page.goto(`${ui.serve.url.split('#')[0]}#/models`)
    await expect.poll(() => ui.page.textContent('[data-testid="page-title"]')).toBe('Models')
    await expect.poll(() => ui.page.locator('[data-testid="models-table"] tbody tr').count()).toBeGreaterThanOrEqual(8)
    await ui.page.screenshot({ path: path.join(screenshots, 'models-01-catalog.png') })

    await ui.page.click('[data-testid="download-all-MiniLM-L6-v2"]')
    await expect.poll(() => ui.page.locator('[data-testid="use-all-MiniLM-L6-v2"]').count(), { timeout: 60_000 }).toBe(1)
    await ui.page.click('[data-testid="use-all-MiniLM-L6-v2"]')
    await expect.poll(() => ui.page.getAttribute('[data-testid="models-state"]', 'class').then(() => ui.page.textContent('[data-testid="models-state"]')), { timeout: 60_000 }).toBe('ready')
    expect(await ui.page.textContent('[data-testid="models-active-id"]')).toBe('all-MiniLM-L6-v2')
    expect(await ui.page.textContent('[data-testid="models-provider"]')).toBe('CPU')
    expect(await ui.page.textContent('[data-testid="models-provider-reasons"]')).toMatch(/CUDA \(NVIDIA GPU\):/)

    await ui.page.click('[data-testid="tryit-compare"]')
    await expect.poll(() => ui.page.textContent('[data-testid="tryit-result"]'), { timeout: 30_000 }).toMatch(/cosine similarity/)
    const cos = Number(/^(-?[\d.]+)/.exec((await ui.page.textContent('[data-testid="tryit-result"]')) ?? '')?.[1])
    // The lexical test model shares "directory" between the default texts; unrelated texts score near 0.
    expect(cos).toBeGreaterThan(0.1)

    await ui.page.click('[data-testid="bench-run"]')
    await expect.poll(() => ui.page.textContent('[data-testid="bench-result"]'), { timeout: 60_000 }).toMatch(/512 texts ≈ [\d.]+ s of 60 s/)
    expect(['fast enough', 'tight', 'too slow']).toContain(await ui.page.textContent('[data-testid="bench-verdict"]'))
    await ui.page.screenshot({ path: path.join(screenshots, 'models-02-active.png'), fullPage: true })
    expect(pageErrors).toEqual([])
  })

  it('shows on the page why a download failed when the hub is unreachable, with advice (issue 14 item 2)', async () => {
    await hub.stop()
    await ui.page.click('[data-testid="download-bge-small-en-v1.5"]')
    const error = ui.page.locator('[data-testid="model-error-bge-small-en-v1.5"]')
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/Could not reach the model hub .*Check the internet connection/)
    // The row leaves the "downloading" state: Download is offered again, no dead Stop button.
    await expect.poll(() => ui.page.locator('[data-testid="download-bge-small-en-v1.5"]').count()).toBe(1)
    await ui.page.screenshot({ path: path.join(screenshots, 'models-03-hub-unreachable.png'), fullPage: true })
    expect(pageErrors).toEqual([])
  })
})
