import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UiSession, screenshots } from '../support/ui-session'


describe('wallet first-run wizard in Chromium (taodesk serve, real btcli KDF)', () => {
  let ui: UiSession

  beforeAll(async () => {
    ui = await UiSession.start({ viewport: { width: 1280, height: 900 }, requires: ['out/main/wallet-kdf-worker.js'] })
  })

  afterAll(() => ui?.close())

  it('creates a wallet, shows the phrases once, checks words, then lists its addresses', async () => {
    await ui.page.goto(ui.serve.url)
    await ui.page.getByTestId('nav-wallet').click()
    await ui.page.getByTestId('wallet-wizard').waitFor()
    await ui.page.getByTestId('wallet-name').fill('e2e')
    // A common password is refused while typing, not only on submit (issue 14 item 14).
    await ui.page.getByTestId('wallet-password').fill('password1')
    await ui.page.getByTestId('wallet-password-again').fill('password1')
    await expect.poll(() => ui.page.getByTestId('wallet-password-verdict').innerText()).toMatch(/Too weak.*common passwords/)
    expect(await ui.page.getByTestId('wallet-create').isDisabled()).toBe(true)
    await ui.page.screenshot({ path: path.join(screenshots, 'wallet-weak-password.png') })
    await ui.page.getByTestId('wallet-password').fill('Tr1cky pass!')
    await ui.page.getByTestId('wallet-password-again').fill('Tr1cky pass!')
    await ui.page.getByTestId('wallet-create').click()
    await ui.page.getByTestId('phrase-coldkey').waitFor({ timeout: 90_000 }).catch(async (e: unknown) => {
      await ui.page.screenshot({ path: path.join(screenshots, 'wallet-create-failed.png') })
      throw e
    })
    const words = async (role: string) => (await ui.page.getByTestId(`phrase-${role}`).innerText()).split('\n').map((l) => l.replace(/^\d+\.\s*/, '').trim()).filter(Boolean)
    const phrases: Record<string, string[]> = { coldkey: await words('coldkey'), hotkey: await words('hotkey') }
    expect(phrases.coldkey).toHaveLength(12)
    await ui.page.screenshot({ path: path.join(screenshots, 'wallet-phrases.png') })
    await ui.page.getByTestId('wallet-written').click()
    const inputs = ui.page.locator('[data-testid^="check-"]')
    const n = await inputs.count()
    expect(n).toBe(6)
    for (let i = 0; i < n; i++) {
      const id = (await inputs.nth(i).getAttribute('data-testid'))!
      const [, role, pos] = id.split('-')
      await inputs.nth(i).fill(phrases[role!]![Number(pos) - 1]!)
    }
    await ui.page.getByTestId('wallet-check').click()
    await ui.page.getByTestId('wallet-ready').waitFor()
    expect(await ui.page.getByTestId('wallet-next').innerText()).toMatch(/register/)
    await ui.page.getByTestId('wallet-show').click()
    await ui.page.getByTestId('wallet-e2e').waitFor()
    const shown = await ui.page.getByTestId('coldkey-address').innerText()
    const onDisk = JSON.parse(fs.readFileSync(path.join(ui.walletsDir, 'e2e', 'coldkeypub.txt'), 'utf8')) as { ss58Address: string }
    expect(shown).toBe(onDisk.ss58Address)
    const hot = JSON.parse(fs.readFileSync(path.join(ui.walletsDir, 'e2e', 'hotkeys', 'defaultpub.txt'), 'utf8')) as { ss58Address: string }
    expect(await ui.page.getByTestId('hotkey-address-default').innerText()).toBe(hot.ss58Address)
    expect(fs.readFileSync(path.join(ui.walletsDir, 'e2e', 'coldkey')).subarray(0, 5).toString()).toBe('$NACL')
    await ui.page.screenshot({ path: path.join(screenshots, 'wallet-page.png') })
  })
})
