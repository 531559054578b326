import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatTao } from '../../native/contract'
import { keyFromMnemonic, publicKeyfileJson, secretKeyfileJson, ss58, walletPaths, writeKeyfile } from '../../native/services/wallet'
import { UiSession } from '../support/ui-session'


describe('wallet money in Chromium on the practice network (taodesk serve)', () => {
  let ui: UiSession

  beforeAll(async () => {
    const cold = keyFromMnemonic('bottom drive obey lake curtain smoke basket hold race lonely fit walk')
    ui = await UiSession.start({
      viewport: { width: 1280, height: 1000 },
      // An unencrypted btcli coldkey (btcli --no-use-password), so this test spends no time on Argon2i.
      prepare: (home) => {
        const p = walletPaths(path.join(home, 'wallets'), 'money')
        fs.mkdirSync(path.dirname(p.hotkey('x')), { recursive: true })
        writeKeyfile(p.coldkey, secretKeyfileJson(cold), false)
        writeKeyfile(p.coldkeypub, publicKeyfileJson(cold.publicKey), false)
        // A plain hotkey (btcli's default) to register and stake to in the stake test.
        const hot = keyFromMnemonic('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about')
        writeKeyfile(p.hotkey('miner'), secretKeyfileJson(hot), false)
        writeKeyfile(p.hotkeypub('miner'), publicKeyfileJson(hot.publicKey), false)
      },
    })
    await ui.client.call('chain.setNetwork', { network: 'devnet' })
    await ui.client.call('chain.practiceFaucet', { address: ss58(cold.publicKey), amountTao: '100' })
    await ui.client.call('wallet.unlock', { name: 'money', minutes: 30 })
  }, 90_000)

  afterAll(() => ui?.close())

  it('shows the balance, transfers after a confirmation with live status to finalized, and shows a refused transfer with its module error', async () => {
    await ui.page.goto(ui.serve.url)
    await ui.page.getByTestId('nav-wallet').click()
    const free = ui.page.getByTestId('free-balance')
    await expect.poll(() => free.innerText(), { timeout: 20_000 }).toBe('100 TAO')

    const bob = ss58(keyFromMnemonic('legal winner thank year wave sausage worth useful legal winner thank yellow').publicKey)
    await ui.page.getByTestId('open-transfer').click()
    await ui.page.getByTestId('money-to').fill(bob)
    await ui.page.getByTestId('money-amount').fill('12.5')
    await ui.page.getByTestId('money-review').click()
    await ui.page.getByTestId('money-confirm').waitFor()
    expect(await ui.page.getByTestId('money-confirm').innerText()).toContain(`Transfer 12.5 TAO to ${bob} on devnet`)
    // The practice chain reports the fee (TransactionPaymentApi.query_info); it is what gets charged.
    const feeText = await ui.page.getByTestId('money-fee').innerText()
    expect(feeText).toMatch(/^0\.\d{1,9} TAO$/)
    const feeRao = BigInt(feeText.replace(/^0\.(\d+) TAO$/, (_, d: string) => d.padEnd(9, '0')))
    expect(feeRao).toBeGreaterThan(0n)
    await ui.shot('wallet-transfer-confirm.png')
    await ui.page.getByTestId('money-send').click()
    await ui.page.getByTestId('money-finalized').waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      await ui.shot('wallet-transfer-failed.png')
      throw e
    })
    expect(await ui.page.getByTestId('money-status').innerText()).toMatch(/In a block[\s\S]*Finalized/)
    await ui.shot('wallet-transfer-finalized.png')
    await ui.page.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => free.innerText(), { timeout: 20_000 }).toBe(`${formatTao(87_500_000_000n - feeRao)} TAO`)
    await expect.poll(async () => ui.page.getByTestId('wallet-activity').innerText()).toMatch(/Transfer 12\.5 TAO .* finalized in block #\d+/)

    await ui.page.getByTestId('open-transfer').click()
    await ui.page.getByTestId('money-to').fill(bob)
    await ui.page.getByTestId('money-amount').fill('1000')
    await ui.page.getByTestId('money-review').click()
    await ui.page.getByTestId('money-not-enough').waitFor()
    await ui.page.getByTestId('money-send').click()
    await ui.page.getByTestId('money-failed').waitFor({ timeout: 30_000 })
    expect(await ui.page.getByTestId('money-failed').innerText()).toContain('Balances.InsufficientBalance')
    await ui.shot('wallet-transfer-refused.png')
    await ui.page.getByRole('button', { name: 'Close' }).click()
  }, 120_000)

  it('stakes with price protection: the review shows the expected price and the limit from the slippage setting', async () => {
    const hotkey = ss58(keyFromMnemonic('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about').publicKey)
    await ui.client.call('chain.register', { wallet: 'money', hotkey: 'miner', netuid: 5, maxPriceTao: '1', force: true })
    await expect.poll(async () => (await ui.client.call('chain.metagraph', { netuid: 5 })).neurons.some((n) => n.hotkey === hotkey), { timeout: 30_000 }).toBe(true)

    await ui.page.getByTestId('open-stake').click()
    await ui.page.getByTestId('money-amount').fill('2')
    // The tolerance comes from the settings (default 0.5 %) and can be changed here.
    expect(await ui.page.getByTestId('money-slippage').inputValue()).toBe('0.5 %')
    await ui.page.getByTestId('money-review').click()
    await ui.page.getByTestId('money-confirm').waitFor()
    expect(await ui.page.getByTestId('money-price').innerText()).toBe('1 TAO per alpha')
    expect(await ui.page.getByTestId('money-limit').innerText()).toBe('at most 1.005 TAO per alpha (0.5 % slippage)')
    expect(await ui.page.getByTestId('money-confirm').innerText()).toContain(`Stake 2 TAO to hotkey ${hotkey} on subnet 5 (price limit at most 1.005 TAO per alpha) on devnet`)
    await ui.shot('wallet-stake-review.png')
    await ui.page.getByTestId('money-send').click()
    await ui.page.getByTestId('money-finalized').waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      await ui.shot('wallet-stake-failed.png')
      throw e
    })
    await ui.page.getByRole('button', { name: 'Close' }).click()
    await expect.poll(async () => ui.page.getByTestId('stake-table').innerText(), { timeout: 20_000 }).toMatch(/miner[\s\S]*5[\s\S]*2\b/)
  }, 120_000)
})
