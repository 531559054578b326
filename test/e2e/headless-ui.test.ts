import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RpcClient } from '../../native/rpc'
import { connectWs } from '../../native/rpc/transports/ws-node'
import { startServeProcess } from '../support/serve-process'
import type { ServeProcess } from '../support/serve-process'
import { makeTempHome } from '../support/temp-home'
import { openPage, repoRoot, requireBuild, screenshots } from '../support/ui-session'

const PAGES = [
  ['dashboard', 'Dashboard'],
  ['wallet', 'Wallet'],
  ['miner', 'Miner'],
  ['validator', 'Validator'],
  ['models', 'Models'],
  ['logs', 'Logs'],
  ['settings', 'Settings'],
] as const

describe('headless UI in Chromium (taodesk serve)', () => {
  let home: ReturnType<typeof makeTempHome>
  let serve: ServeProcess
  let closeBrowser: () => Promise<void>
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    requireBuild()
    home = makeTempHome()
    serve = await startServeProcess(home.dir)
    ;({ page, close: closeBrowser } = await openPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true }))
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => consoleErrors.push(e.message))
  })

  afterAll(async () => {
    await closeBrowser?.()
    const code = await serve?.stop()
    expect(code).toBe(0)
    home?.cleanup()
  })

  it('refuses the UI without the token', async () => {
    const response = await page.goto(serve.origin)
    expect(response?.status()).toBe(401)
    expect(await page.textContent('body')).toContain('401 Unauthorized')
    await page.screenshot({ path: path.join(screenshots, '00-no-token.png') })
    // The browser reports those 401s as console errors; they were the point of this test.
    consoleErrors.length = 0
  })

  it('opens with the token, connects to the engine and drops the token from the address bar', async () => {
    await page.goto(serve.url)
    await expect.poll(() => page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('connected')
    expect(page.url()).not.toContain('token=')
    await expect.poll(() => page.textContent('[data-testid="engine-version"]')).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('visits every page, each explaining itself', async () => {
    for (const [id, title] of PAGES) {
      await page.click(`[data-testid="nav-${id}"]`)
      await expect.poll(() => page.textContent('[data-testid="page-title"]')).toBe(title)
      expect(page.url()).toContain(`#/${id}`)
      const text = (await page.textContent('main')) ?? ''
      expect(text.length, `${id} page has content`).toBeGreaterThan(80)
      await page.screenshot({ path: path.join(screenshots, `${String(PAGES.findIndex((p) => p[0] === id) + 1).padStart(2, '0')}-${id}.png`) })
    }
  })

  it('streams engine log lines onto the Logs page as they happen', async () => {
    await page.click('[data-testid="nav-logs"]')
    await expect.poll(() => page.locator('[data-testid="log-row"]', { hasText: 'Engine started' }).count()).toBe(1)

    // A second client (as a script would) makes the engine log; the open page must show it without reloading.
    const transport = await connectWs(`${serve.origin.replace('http', 'ws')}/rpc`, serve.token)
    const client = new RpcClient(transport)
    await client.call('settings.update', { notifications: false })
    await expect.poll(() => page.locator('[data-testid="log-row"]', { hasText: 'Settings changed' }).count()).toBe(1)
    await expect.poll(() => page.locator('[data-testid="log-row"]', { hasText: 'Client connected' }).count()).toBeGreaterThanOrEqual(2)
    await page.screenshot({ path: path.join(screenshots, '10-logs-live.png') })

    await page.fill('[data-testid="log-search"]', 'settings changed')
    await expect.poll(async () => {
      const rows = await page.locator('[data-testid="log-row"]').allTextContents()
      return rows.length > 0 && rows.every((r) => /settings changed/i.test(r))
    }).toBe(true)
    await page.locator('[data-testid="log-row"]').first().click()
    await expect.poll(() => page.textContent('[data-testid="log-detail"]')).toContain('"notifications": false')
    await page.screenshot({ path: path.join(screenshots, '11-logs-filtered.png') })
    transport.close()
  })

  it('exports the filtered log to a file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-text"]')])
    expect(download.suggestedFilename()).toMatch(/^taodesk-log-.*\.log$/)
    const file = path.join(repoRoot, 'test-results', download.suggestedFilename())
    await download.saveAs(file)
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(1)
    expect(lines.every((l) => /INFO\s+\[settings\] Settings changed/.test(l))).toBe(true)
    await page.fill('[data-testid="log-search"]', '')
  })

  it('switches to the dark theme and keeps it after a reload', async () => {
    await page.click('[data-testid="nav-settings"]')
    await page.locator('[data-testid="theme-control"]').getByText('Dark', { exact: true }).click()
    await expect.poll(() => page.getAttribute('html', 'data-mantine-color-scheme')).toBe('dark')
    await page.reload()
    await expect.poll(() => page.getAttribute('html', 'data-mantine-color-scheme')).toBe('dark')
    await page.click('[data-testid="nav-dashboard"]')
    await page.screenshot({ path: path.join(screenshots, '20-dashboard-dark.png') })
    await page.click('[data-testid="nav-logs"]')
    await expect.poll(() => page.locator('[data-testid="log-row"]').count()).toBeGreaterThan(3)
    await page.screenshot({ path: path.join(screenshots, '21-logs-dark.png') })
  })

  it('produced no errors in the page (CSP violations included)', () => {
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })
})
