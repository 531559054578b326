import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startServeProcess } from '../support/serve-process'
import type { ServeProcess } from '../support/serve-process'
import { makeTempHome } from '../support/temp-home'
import { freePort, openPage, requireBuild, screenshots } from '../support/ui-session'

/**
 * Issue 14 item 15: `taodesk serve` restarted (a new access token) while a tab was open. The tab
 * must say what happened and how to get back, not show a bare 401.
 */
describe('a tab open while taodesk serve restarts, in Chromium', () => {
  const home = makeTempHome()
  let port: number
  let serve: ServeProcess | undefined
  let page: Page
  let closeBrowser: () => Promise<void>

  beforeAll(async () => {
    requireBuild()
    port = await freePort()
    serve = await startServeProcess(home.dir, ['--port', String(port)])
    ;({ page, close: closeBrowser } = await openPage({ viewport: { width: 1280, height: 800 } }))
  })

  afterAll(async () => {
    await closeBrowser?.()
    await serve?.stop()
    home.cleanup()
  })

  it('says the engine restarted and how to reconnect, then reconnects with the new address', async () => {
    const first = serve!
    expect(first.origin).toBe(`http://127.0.0.1:${port}`)
    await page.goto(first.url)
    await expect.poll(() => page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('connected')
    await page.getByTestId('nav-wallet').click()
    await expect.poll(() => page.textContent('[data-testid="page-title"]')).toBe('Wallet')

    // The operator restarts the server on the same port, as `taodesk serve` does after Ctrl+C: a new token.
    expect(await first.stop()).toBe(0)
    serve = await startServeProcess(home.dir, ['--port', String(port)])
    expect(serve.token).not.toBe(first.token)

    const refused = page.getByTestId('engine-refused')
    await refused.waitFor({ timeout: 20_000 })
    const text = await refused.innerText()
    expect(text).toMatch(/TaoDesk restarted/)
    expect(text).toMatch(/open the new address that taodesk serve printed when it started/)
    expect(text).toMatch(/Nothing was lost/)
    expect(text).not.toMatch(/401|Unauthorized/)
    await page.screenshot({ path: path.join(screenshots, 'headless-restart-refused.png') })

    // A page this tab never opened cannot load its code from the restarted server; the tab keeps the explanation.
    await page.getByTestId('nav-logs').click()
    await page.getByTestId('page-load-failed').waitFor()
    expect(await refused.count()).toBe(1)
    await page.screenshot({ path: path.join(screenshots, 'headless-restart-unvisited-page.png') })

    // Pasting the new address reconnects the tab.
    await page.getByTestId('reconnect-url').fill(serve.url)
    await page.getByTestId('reconnect').click()
    await expect.poll(() => page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('connected')
    expect(await page.getByTestId('engine-refused').count()).toBe(0)
    await page.screenshot({ path: path.join(screenshots, 'headless-restart-reconnected.png') })
  })

  it('a reload of the orphaned tab explains the restart too, instead of a bare 401', async () => {
    // The tab still holds the old cookie; the operator restarts once more.
    const previous = serve!
    expect(await previous.stop()).toBe(0)
    serve = await startServeProcess(home.dir, ['--port', String(port)])
    const response = await page.reload()
    expect(response?.status()).toBe(401)
    const body = (await page.textContent('body')) ?? ''
    await page.screenshot({ path: path.join(screenshots, 'headless-restart-reload.png') })
    expect(body).toMatch(/restarted/i)
    expect(body).toMatch(/taodesk serve/)
  })
})
