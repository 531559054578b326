import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServeProcess } from '../support/serve-process'
import type { ServeProcess } from '../support/serve-process'
import { makeTempHome } from '../support/temp-home'
import { connectRpc, openPage, requireBuild, screenshots } from '../support/ui-session'


describe('wallet first-run wizard in Chromium (taodesk serve, real btcli KDF)', () => {
  let home: ReturnType<typeof makeTempHome>
  let serve: ServeProcess
  let closeBrowser: () => Promise<void>
  let page: Page
  let walletsDir: string

  beforeAll(async () => {
    requireBuild('out/main/wallet-kdf-worker.js')
    home = makeTempHome()
    walletsDir = path.join(home.dir, 'wallets')
    serve = await startServeProcess(home.dir)
    // Never touch the real ~/.bittensor: point the engine at a temp wallets folder first.
    const client = await connectRpc(serve)
    await client.call('wallet.setDirectory', { path: walletsDir })
    ;({ page, close: closeBrowser } = await openPage({ viewport: { width: 1280, height: 900 } }))
  })

  afterAll(async () => {
    await closeBrowser?.()
    await serve?.stop()
    home?.cleanup()
  })

  it('creates a wallet, shows the phrases once, checks words, then lists its addresses', async () => {
    await page.goto(serve.url)
    await page.getByTestId('nav-wallet').click()
    await page.getByTestId('wallet-wizard').waitFor()
    await page.getByTestId('wallet-name').fill('e2e')
    await page.getByTestId('wallet-password').fill('Tr1cky pass!')
    await page.getByTestId('wallet-password-again').fill('Tr1cky pass!')
    await page.getByTestId('wallet-create').click()
    await page.getByTestId('phrase-coldkey').waitFor({ timeout: 90_000 }).catch(async (e: unknown) => {
      await page.screenshot({ path: path.join(screenshots, 'wallet-create-failed.png') })
      throw e
    })
    const words = async (role: string) => (await page.getByTestId(`phrase-${role}`).innerText()).split('\n').map((l) => l.replace(/^\d+\.\s*/, '').trim()).filter(Boolean)
    const phrases: Record<string, string[]> = { coldkey: await words('coldkey'), hotkey: await words('hotkey') }
    expect(phrases.coldkey).toHaveLength(12)
    await page.screenshot({ path: path.join(screenshots, 'wallet-phrases.png') })
    await page.getByTestId('wallet-written').click()
    const inputs = page.locator('[data-testid^="check-"]')
    const n = await inputs.count()
    expect(n).toBe(6)
    for (let i = 0; i < n; i++) {
      const id = (await inputs.nth(i).getAttribute('data-testid'))!
      const [, role, pos] = id.split('-')
      await inputs.nth(i).fill(phrases[role!]![Number(pos) - 1]!)
    }
    await page.getByTestId('wallet-check').click()
    await page.getByTestId('wallet-e2e').waitFor()
    const shown = await page.getByTestId('coldkey-address').innerText()
    const onDisk = JSON.parse(fs.readFileSync(path.join(walletsDir, 'e2e', 'coldkeypub.txt'), 'utf8')) as { ss58Address: string }
    expect(shown).toBe(onDisk.ss58Address)
    const hot = JSON.parse(fs.readFileSync(path.join(walletsDir, 'e2e', 'hotkeys', 'defaultpub.txt'), 'utf8')) as { ss58Address: string }
    expect(await page.getByTestId('hotkey-address-default').innerText()).toBe(hot.ss58Address)
    expect(fs.readFileSync(path.join(walletsDir, 'e2e', 'coldkey')).subarray(0, 5).toString()).toBe('$NACL')
    await page.screenshot({ path: path.join(screenshots, 'wallet-page.png') })
  })
})
