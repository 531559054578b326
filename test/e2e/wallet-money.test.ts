import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatTao } from '../../native/contract'
import { RpcClient } from '../../native/rpc'
import { keyFromMnemonic, publicKeyfileJson, secretKeyfileJson, ss58, walletPaths, writeKeyfile } from '../../native/services/wallet'
import { startServeProcess } from '../support/serve-process'
import type { ServeProcess } from '../support/serve-process'
import { makeTempHome } from '../support/temp-home'
import { connectRpc, openPage, requireBuild, screenshots } from '../support/ui-session'


describe('wallet money in Chromium on the practice network (taodesk serve)', () => {
  let home: ReturnType<typeof makeTempHome>
  let serve: ServeProcess
  let closeBrowser: () => Promise<void>
  let page: Page
  let rpc: RpcClient

  beforeAll(async () => {
    requireBuild()
    home = makeTempHome()
    // An unencrypted btcli coldkey (btcli --no-use-password), so this test spends no time on Argon2i.
    const walletsDir = path.join(home.dir, 'wallets')
    const cold = keyFromMnemonic('bottom drive obey lake curtain smoke basket hold race lonely fit walk')
    const p = walletPaths(walletsDir, 'money')
    fs.mkdirSync(path.dirname(p.hotkey('x')), { recursive: true })
    writeKeyfile(p.coldkey, secretKeyfileJson(cold), false)
    writeKeyfile(p.coldkeypub, publicKeyfileJson(cold.publicKey), false)
    serve = await startServeProcess(home.dir)
    rpc = await connectRpc(serve)
    await rpc.call('wallet.setDirectory', { path: walletsDir })
    await rpc.call('chain.setNetwork', { network: 'devnet' })
    await rpc.call('chain.practiceFaucet', { address: ss58(cold.publicKey), amountTao: '100' })
    await rpc.call('wallet.unlock', { name: 'money', minutes: 30 })
    ;({ page, close: closeBrowser } = await openPage({ viewport: { width: 1280, height: 1000 } }))
  }, 90_000)

  afterAll(async () => {
    await closeBrowser?.()
    await serve?.stop()
    home?.cleanup()
  })

  it('shows the balance, transfers after a confirmation with live status to finalized, and shows a refused transfer with its module error', async () => {
    const shot = (name: string) => page.screenshot({ path: path.join(screenshots, name) })
    await page.goto(serve.url)
    await page.getByTestId('nav-wallet').click()
    const free = page.getByTestId('free-balance')
    await expect.poll(() => free.innerText(), { timeout: 20_000 }).toBe('100 TAO')

    const bob = ss58(keyFromMnemonic('legal winner thank year wave sausage worth useful legal winner thank yellow').publicKey)
    await page.getByTestId('open-transfer').click()
    await page.getByTestId('money-to').fill(bob)
    await page.getByTestId('money-amount').fill('12.5')
    await page.getByTestId('money-review').click()
    await page.getByTestId('money-confirm').waitFor()
    expect(await page.getByTestId('money-confirm').innerText()).toContain(`Transfer 12.5 TAO to ${bob} on devnet`)
    // The practice chain reports the fee (TransactionPaymentApi.query_info); it is what gets charged.
    const feeText = await page.getByTestId('money-fee').innerText()
    expect(feeText).toMatch(/^0\.\d{1,9} TAO$/)
    const feeRao = BigInt(feeText.replace(/^0\.(\d+) TAO$/, (_, d: string) => d.padEnd(9, '0')))
    expect(feeRao).toBeGreaterThan(0n)
    await shot('wallet-transfer-confirm.png')
    await page.getByTestId('money-send').click()
    await page.getByTestId('money-finalized').waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      await shot('wallet-transfer-failed.png')
      throw e
    })
    expect(await page.getByTestId('money-status').innerText()).toMatch(/In a block[\s\S]*Finalized/)
    await shot('wallet-transfer-finalized.png')
    await page.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => free.innerText(), { timeout: 20_000 }).toBe(`${formatTao(87_500_000_000n - feeRao)} TAO`)
    await expect.poll(async () => page.getByTestId('wallet-activity').innerText()).toMatch(/Transfer 12\.5 TAO .* finalized in block #\d+/)

    await page.getByTestId('open-transfer').click()
    await page.getByTestId('money-to').fill(bob)
    await page.getByTestId('money-amount').fill('1000')
    await page.getByTestId('money-review').click()
    await page.getByTestId('money-not-enough').waitFor()
    await page.getByTestId('money-send').click()
    await page.getByTestId('money-failed').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('money-failed').innerText()).toContain('Balances.InsufficientBalance')
    await shot('wallet-transfer-refused.png')
  }, 120_000)
})
