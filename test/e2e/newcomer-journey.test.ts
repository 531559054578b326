/**
 * Issue 14: a newcomer's whole way in Chromium, from an empty home folder, through the pages only
 * (the model is imported through the existing import path, as another part of the issue covers
 * downloads): the Dashboard's first-run flow, a wallet from the wizard, the practice network from
 * the header (old data from the previous network is dropped), practice TAO and registration, mining
 * from the Miner page without typing a wallet or network name, the form keeping its values after
 * Stop, and a validator whose page says what it still needs, with the buttons that fix it: the
 * stake form filled in (with the practice faucet), the permit at the next epoch, and the user's
 * own miner earning once the validator runs with the page's defaults.
 * One screenshot per step in test-results/screenshots/journey-*.png.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../scripts/make-test-models'
import { UiSession, freePort, screenshots } from '../support/ui-session'

const PASSWORD = 'Tr1cky pass!'

describe('A newcomer from an empty home folder to mining and validating (Chromium, taodesk serve)', () => {
  let ui: UiSession
  let step = 0
  const shot = async (name: string): Promise<void> => {
    step++
    await ui.page.screenshot({ path: path.join(screenshots, `journey-${String(step).padStart(2, '0')}-${name}.png`), fullPage: true })
  }
  const pickNetwork = async (id: string): Promise<void> => {
    await ui.page.getByTestId('network-picker').click()
    await ui.page.getByTestId(`network-choice-${id}`).click()
    await ui.page.getByTestId('network-apply').click()
  }
  const chooseOption = async (testId: string, option: RegExp): Promise<void> => {
    await ui.page.getByTestId(testId).click()
    await ui.page.getByRole('option', { name: option }).click()
  }

  beforeAll(async () => {
    ensureTestModel('tiny')
    ui = await UiSession.start({ viewport: { width: 1400, height: 1000 } })
  }, 120_000)

  afterAll(async () => {
    await ui?.client.call('validator.stop').catch(() => undefined)
    await ui?.client.call('miner.stop').catch(() => undefined)
    await ui?.close()
  })

  it('the Dashboard offers the first step as a button, and no engine internals', async () => {
    await ui.page.goto(ui.serve.url)
    await expect.poll(() => ui.page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('connected')
    await ui.page.getByTestId('first-run').waitFor()
    expect(await ui.page.getByTestId('next-step').innerText()).toBe('Create a wallet')
    const main = (await ui.page.textContent('main')) ?? ''
    expect(main).not.toMatch(/uptime|event-loop/i)
    await shot('dashboard-empty')
  }, 120_000)

  it('creates a wallet with the wizard, which refuses a common password while typing and ends with a next step', async () => {
    await ui.page.getByTestId('next-step').click()
    await ui.page.getByTestId('wallet-wizard').waitFor()
    await ui.page.getByTestId('wallet-name').fill('newcomer')
    await ui.page.getByTestId('wallet-password').fill('password1')
    await expect.poll(() => ui.page.getByTestId('wallet-password-verdict').innerText()).toMatch(/^Too weak/)
    await shot('wallet-weak-password')
    await ui.page.getByTestId('wallet-password').fill(PASSWORD)
    await ui.page.getByTestId('wallet-password-again').fill(PASSWORD)
    await ui.page.getByTestId('wallet-create').click()
    await ui.page.getByTestId('phrase-coldkey').waitFor({ timeout: 90_000 }).catch(async (e: unknown) => {
      await shot('wallet-create-failed')
      throw e
    })
    expect(await ui.page.getByTestId('phrase-card-coldkey').innerText()).toMatch(/the important one/)
    await shot('wallet-phrases')
    const words = async (role: string) => (await ui.page.getByTestId(`phrase-${role}`).innerText()).split('\n').map((l) => l.replace(/^\d+\.\s*/, '').trim()).filter(Boolean)
    const phrases: Record<string, string[]> = { coldkey: await words('coldkey'), hotkey: await words('hotkey') }
    await ui.page.getByTestId('wallet-written').click()
    const inputs = ui.page.locator('[data-testid^="check-"]')
    for (let i = 0; i < (await inputs.count()); i++) {
      const [, role, pos] = (await inputs.nth(i).getAttribute('data-testid'))!.split('-')
      await inputs.nth(i).fill(phrases[role!]![Number(pos) - 1]!)
    }
    await ui.page.getByTestId('wallet-check').click()
    await ui.page.getByTestId('wallet-ready').waitFor()
    await shot('wallet-ready')
    await ui.page.getByTestId('wallet-show').click()
    await expect.poll(() => ui.page.getByTestId('free-balance').innerText(), { timeout: 60_000 }).toBe('0 TAO')
  }, 240_000)

  it('picks the practice network in the header; the balance follows it', async () => {
    await pickNetwork('devnet')
    await expect.poll(() => ui.page.getByTestId('free-balance').innerText(), { timeout: 60_000 }).toBe('0 TAO')
    expect(await ui.page.getByTestId('balance-error').count()).toBe(0)
    await shot('wallet-practice')
  }, 120_000)

  it('gets practice TAO and registers from the Dashboard next step', async () => {
    await ui.page.getByTestId('nav-dashboard').click()
    await expect.poll(() => ui.page.getByTestId('next-step').innerText(), { timeout: 30_000 }).toBe('Get practice TAO and register')
    await shot('dashboard-register-next')
    await ui.page.getByTestId('next-step').click()
    await ui.page.getByTestId('register-card').waitFor()
    await ui.page.getByTestId('register-password').fill(PASSWORD)
    await ui.page.getByTestId('register-unlock').click()
    await ui.page.getByTestId('register-submit').waitFor({ timeout: 90_000 })
    await ui.page.getByTestId('register-faucet').click()
    await expect.poll(() => ui.page.getByTestId('register-balance').innerText()).toBe('100 TAO')
    await ui.page.getByTestId('register-max-price').fill('5')
    await ui.page.getByTestId('register-submit').click()
    await ui.page.getByTestId('register-done').waitFor({ timeout: 60_000 })
    await shot('registered')
  }, 240_000)

  it('mines from the Miner page without typing a wallet or network name, and keeps the values after Stop', async () => {
    // The model: the existing import path (downloads are covered elsewhere).
    const tiny = ensureTestModel('tiny')
    await ui.client.call('models.import', { path: tiny.dir, name: 'tiny' })
    await ui.client.call('models.use', { id: 'local/tiny' })
    await ui.page.getByTestId('nav-dashboard').click()
    await expect.poll(() => ui.page.getByTestId('next-step').innerText(), { timeout: 30_000 }).toBe('Start mining')
    await ui.page.getByTestId('next-step').click()
    await ui.page.getByTestId('miner-start').waitFor()
    expect(await ui.page.getByTestId('miner-wallet').inputValue()).toBe('newcomer')
    expect(await ui.page.getByTestId('miner-network').inputValue()).toBe('Practice network (no real TAO)')
    const port = String(await freePort())
    await ui.page.getByTestId('miner-port').fill(port)
    // The public IP stays empty: on the practice network the miner is published at 127.0.0.1 for validators on this machine.
    expect(await ui.page.getByTestId('miner-external-ip').inputValue()).toBe('')
    await shot('miner-form')
    await ui.page.getByTestId('miner-start').click()
    await expect.poll(async () => (await ui.page.getByTestId('miner-state').innerText()).toLowerCase(), { timeout: 60_000 }).toBe('running')
    expect(await ui.page.textContent('main')).not.toContain('[object Object]')
    await expect.poll(() => ui.client.call('miner.status').then((st) => st.served?.ip ?? null), { timeout: 60_000 }).toBe('127.0.0.1')
    expect(await ui.page.locator('[data-testid="miner-warning-address"], [data-testid="miner-warning-serve"]').count()).toBe(0)
    // Every warning shown has a title.
    for (const alert of await ui.page.locator('[data-testid^="miner-warning-"]').all()) expect((await alert.locator('.mantine-Alert-title').innerText()).trim()).not.toBe('')
    // Mining alone earns nothing on the practice network: the note says why and where to go.
    await expect.poll(() => ui.page.getByTestId('zero-rewards-reason').innerText().catch(() => ''), { timeout: 60_000 }).toMatch(/run a validator of your own/)
    expect(await ui.page.getByTestId('zero-rewards-validator').innerText()).toBe('Open the Validator page')
    await shot('miner-running')
    await ui.page.getByTestId('miner-stop').click()
    await ui.page.getByTestId('miner-start').waitFor({ timeout: 30_000 })
    expect(await ui.page.getByTestId('miner-port').inputValue()).toBe(port)
    expect(await ui.page.getByTestId('miner-wallet').inputValue()).toBe('newcomer')
    await ui.page.getByTestId('miner-start').click()
    await expect.poll(async () => (await ui.page.getByTestId('miner-state').innerText()).toLowerCase(), { timeout: 60_000 }).toBe('running')
  }, 240_000)

  it("the validator does not sign with the miner's hotkey; its page says what it needs, with buttons that fix it", async () => {
    await ui.page.getByTestId('nav-validator').click()
    const needs = ui.page.getByTestId('validator-needs')
    await needs.waitFor({ timeout: 30_000 })
    if ((await ui.page.getByTestId('validator-need-wallet').count()) > 0) await ui.page.getByTestId('validator-need-wallet-action').click()
    await expect.poll(() => ui.page.getByTestId('validator-need-own-hotkey').getAttribute('data-ok'), { timeout: 15_000 }).toBe('false')
    expect(await ui.page.getByTestId('validator-need-own-hotkey').innerText()).toMatch(/is your miner's/)
    await shot('validator-needs-own-hotkey')
    await ui.page.getByTestId('validator-need-own-hotkey-action').click()
    await expect.poll(() => ui.page.getByTestId('validator-need-own-hotkey').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true')
    expect(fs.existsSync(path.join(ui.walletsDir, 'newcomer', 'hotkeys', 'validator'))).toBe(true)
    expect(await ui.page.getByTestId('validator-need-register').innerText()).toMatch(/not registered/)
    await shot('validator-needs-register')
    await ui.page.getByTestId('validator-need-register-action').click()
    await ui.page.getByTestId('register-card').waitFor()
    await chooseOption('register-hotkey', /^validator /)
    await ui.page.getByTestId('register-max-price').fill('5')
    await ui.page.getByTestId('register-submit').click()
    await ui.page.getByTestId('register-done').waitFor({ timeout: 60_000 })
    await ui.page.getByTestId('nav-validator').click()
    await expect.poll(() => ui.page.getByTestId('validator-need-stake').count(), { timeout: 60_000 }).toBe(1)
    const stakeNeed = await ui.page.getByTestId('validator-need-stake').innerText()
    expect(stakeNeed).toMatch(/Miners answer only validators with at least 1,000 stake/)
    expect(await ui.page.getByTestId('validator-need-stake-action').innerText()).toMatch(/^Stake [\d,.]+ more$/)
    await shot('validator-needs-stake')
  }, 300_000)

  it('the stake button opens the stake form filled in, with the practice faucet right there', async () => {
    await ui.page.getByTestId('validator-need-stake-action').click()
    await ui.page.getByTestId('money-amount').waitFor({ timeout: 30_000 })
    // The amount that buys the alpha asked for at the price now plus the slippage the form signs (practice: 1 TAO per alpha).
    await expect.poll(() => ui.page.getByTestId('money-prefill').innerText(), { timeout: 30_000 }).toMatch(/^Filled in for [\d,.]+ alpha more on this hotkey: 1 TAO per alpha now, plus your 0.5 % slippage/)
    const amount = Number(await ui.page.getByTestId('money-amount').inputValue())
    expect(amount).toBeGreaterThanOrEqual(1005)
    expect(await ui.page.getByTestId('money-hotkey').inputValue()).toMatch(/^validator \(/)
    expect(await ui.page.getByTestId('money-netuid').inputValue()).toBe('5')
    await ui.page.getByTestId('money-faucet-offer').waitFor()
    await shot('stake-prefilled')
    await ui.page.getByTestId('money-faucet').click()
    await ui.page.getByTestId('money-faucet-offer').waitFor({ state: 'detached', timeout: 60_000 })
    await ui.page.getByTestId('money-review').click()
    await ui.page.getByTestId('money-confirm').waitFor({ timeout: 30_000 })
    expect(await ui.page.getByTestId('money-not-enough').count()).toBe(0)
    await shot('stake-review')
    await ui.page.getByTestId('money-send').click()
    await ui.page.getByTestId('money-finalized').waitFor({ timeout: 60_000 })
    await shot('stake-finalized')
  }, 180_000)

  it('after staking, the permit is a plain wait for the next epoch, then every need is met', async () => {
    await ui.page.keyboard.press('Escape')
    await ui.page.getByTestId('nav-validator').click()
    const permit = ui.page.getByTestId('validator-need-permit')
    await permit.waitFor({ timeout: 30_000 })
    await expect
      .poll(async () => (await permit.getAttribute('data-ok')) === 'true' || /^Permit at the next epoch, (in about \d+ blocks|within a block or two)/.test(await permit.innerText()), { timeout: 60_000 })
      .toBe(true)
    if ((await permit.getAttribute('data-ok')) === 'false') {
      expect(await ui.page.getByTestId('validator-need-permit-action').count()).toBe(0)
      await shot('validator-permit-wait')
    }
    await expect.poll(() => ui.page.locator('[data-testid^="validator-need-"][data-ok="false"]').count(), { timeout: 150_000 }).toBe(0)
    expect(await ui.page.getByTestId('validator-needs').innerText()).toMatch(/^Ready: its weights will count/)
    await shot('validator-ready')
  }, 240_000)

  it("started with the page's defaults, the validator scores every miner and the user's miner earns within a few epochs", async () => {
    await ui.page.getByTestId('validator-start').click()
    await expect.poll(async () => (await ui.page.getByTestId('validator-state').innerText()).toLowerCase(), { timeout: 30_000 }).toBe('running')
    // The page's defaults on the practice network: the built-in articles, no traffic off the machine.
    expect(await ui.page.getByTestId('validator-setup').innerText()).toContain("TaoDesk's built-in articles (offline)")
    await expect.poll(() => ui.page.getByTestId('leaderboard-row').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(5)
    expect(await ui.page.getByTestId('validator-last-error').count()).toBe(0)
    const reasons = await ui.page.getByTestId('leaderboard-reason').allInnerTexts()
    expect(reasons.join('\n')).not.toMatch(/^(REFUSED|HTTP 404)$/m)
    await shot('validator-leaderboard')
    const started = Date.now()
    await ui.page.getByTestId('nav-miner').click()
    const incentive = async () => Number(/([\d.]+) %/.exec(await ui.page.getByTestId('rewards-incentive').innerText())?.[1] ?? 0)
    await expect.poll(incentive, { timeout: 300_000, interval: 3_000 }).toBeGreaterThan(0)
    console.log(`The user's miner earned ${((Date.now() - started) / 1000).toFixed(0)} s after the validator started`)
    // No "why nothing is earned" next to a non-zero incentive.
    expect(await ui.page.getByTestId('zero-rewards-reason').count()).toBe(0)
    await shot('miner-earning')
  }, 480_000)

  it('the Dashboard now shows what runs and what it earns (or why nothing yet)', async () => {
    await ui.page.getByTestId('nav-dashboard').click()
    await ui.page.getByTestId('running').waitFor()
    expect(await ui.page.getByTestId('first-run').count()).toBe(0)
    await expect.poll(() => ui.page.getByTestId('earnings').innerText(), { timeout: 30_000 }).toMatch(/Incentive: (?!0\.00%)[\d.]+% of the subnet's miner rewards/)
    // Once everything has loaded, still no "Get started" sending a registered, earning miner back to "register".
    expect(await ui.page.getByTestId('first-run').count()).toBe(0)
    await shot('dashboard-mining')
  }, 120_000)
})
