import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RpcClient } from '../../native/rpc'
import { connectWs } from '../../native/rpc/transports/ws-node'
import { UiSession, repoRoot, screenshots } from '../support/ui-session'

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
  let ui: UiSession
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ui = await UiSession.start({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    ui.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    ui.page.on('pageerror', (e) => consoleErrors.push(e.message))
  })

  afterAll(async () => {
    expect(await ui?.close()).toBe(0)
  })

  it('refuses the UI without the token', async () => {
    const response = await ui.page.goto(ui.serve.origin)
    expect(response?.status()).toBe(401)
    expect(await ui.page.textContent('body')).toContain('401 Unauthorized')
    await ui.page.screenshot({ path: path.join(screenshots, '00-no-token.png') })
    // The browser reports those 401s as console errors; they were the point of this test.
    consoleErrors.length = 0
  })

  it('opens with the token, connects to the engine and drops the token from the address bar', async () => {
    await ui.page.goto(ui.serve.url)
    await expect.poll(() => ui.page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('connected')
    expect(ui.page.url()).not.toContain('token=')
    // Engine internals live in Settings > Diagnostics, not on the Dashboard.
    await ui.page.getByTestId('nav-settings').click()
    await expect.poll(() => ui.page.textContent('[data-testid="engine-version"]')).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('visits every page, each explaining itself', async () => {
    for (const [id, title] of PAGES) {
      await ui.page.click(`[data-testid="nav-${id}"]`)
      await expect.poll(() => ui.page.textContent('[data-testid="page-title"]')).toBe(title)
      expect(ui.page.url()).toContain(`#/${id}`)
      const text = (await ui.page.textContent('main')) ?? ''
      expect(text.length, `${id} page has content`).toBeGreaterThan(80)
      await ui.page.screenshot({ path: path.join(screenshots, `${String(PAGES.findIndex((p) => p[0] === id) + 1).padStart(2, '0')}-${id}.png`) })
    }
  })

  it('streams engine log lines onto the Logs page as they happen', async () => {
    await ui.page.click('[data-testid="nav-logs"]')
    await expect.poll(() => ui.page.locator('[data-testid="log-row"]', { hasText: 'Engine started' }).count()).toBe(1)

    // A second client (as a script would) makes the engine log; the open page must show it without reloading.
    const transport = await connectWs(`${ui.serve.origin.replace('http', 'ws')}/rpc`, ui.serve.token)
    const client = new RpcClient(transport)
    await client.call('settings.update', { notifications: false })
    await expect.poll(() => ui.page.locator('[data-testid="log-row"]', { hasText: 'Settings changed' }).count()).toBe(1)
    await expect.poll(() => ui.page.locator('[data-testid="log-row"]', { hasText: 'Client connected' }).count()).toBeGreaterThanOrEqual(2)
    await ui.page.screenshot({ path: path.join(screenshots, '10-logs-live.png') })

    await ui.page.fill('[data-testid="log-search"]', 'settings changed')
    await expect.poll(async () => {
      const rows = await ui.page.locator('[data-testid="log-row"]').allTextContents()
      return rows.length > 0 && rows.every((r) => /settings changed/i.test(r))
    }).toBe(true)
    await ui.page.locator('[data-testid="log-row"]').first().click()
    await expect.poll(() => ui.page.textContent('[data-testid="log-detail"]')).toContain('"notifications": false')
    await ui.page.screenshot({ path: path.join(screenshots, '11-logs-filtered.png') })
    transport.close()
  })

  it('exports the filtered log to a file', async () => {
    const [download] = await Promise.all([ui.page.waitForEvent('download'), ui.page.click('[data-testid="export-text"]')])
    expect(download.suggestedFilename()).toMatch(/^taodesk-log-.*\.log$/)
    const file = path.join(repoRoot, 'test-results', download.suggestedFilename())
    await download.saveAs(file)
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(1)
    expect(lines.every((l) => /INFO\s+\[settings\] Settings changed/.test(l))).toBe(true)
    await ui.page.fill('[data-testid="log-search"]', '')
  })

  it('switches to the dark theme and keeps it after a reload', async () => {
    await ui.page.click('[data-testid="nav-settings"]')
    await ui.page.locator('[data-testid="theme-control"]').getByText('Dark', { exact: true }).click()
    await expect.poll(() => ui.page.getAttribute('html', 'data-mantine-color-scheme')).toBe('dark')
    await ui.page.reload()
    await expect.poll(() => ui.page.getAttribute('html', 'data-mantine-color-scheme')).toBe('dark')
    await ui.page.click('[data-testid="nav-dashboard"]')
    await ui.page.screenshot({ path: path.join(screenshots, '20-dashboard-dark.png') })
    await ui.page.click('[data-testid="nav-logs"]')
    await expect.poll(() => ui.page.locator('[data-testid="log-row"]').count()).toBeGreaterThan(3)
    await ui.page.screenshot({ path: path.join(screenshots, '21-logs-dark.png') })
  })

  it('produced no errors in the page (CSP violations included)', () => {
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })
})
