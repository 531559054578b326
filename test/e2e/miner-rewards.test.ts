/**
 * The Miner page on the practice network in Chromium, against the built `taodesk serve`: a wallet
 * hotkey registered on the practice subnet mines with the tiny test model through the real
 * runtime (wallet hotkey, chain, embedding service); the page shows the rewards view from the
 * chain (incentive, emission in alpha and TAO, rank, immunity, deregistration risk, burn), the
 * step charts of earnings, incentive and rank after epochs, the unreachable-axon warning, the
 * self-score table, and old figures marked after the header switches networks.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../scripts/make-test-models'
import { UiSession, freePort, screenshots } from '../support/ui-session'

const PASSWORD = 'Tr1cky pass!'

describe('Miner page rewards on the practice network in Chromium (taodesk serve)', () => {
  let ui: UiSession

  beforeAll(async () => {
    const tiny = ensureTestModel('tiny')
    ui = await UiSession.start({ viewport: { width: 1400, height: 1300 } })
    const client = ui.client
    await client.call('chain.setNetwork', { network: 'devnet' })
    // A registered hotkey and a loaded model, as a user would have after the wallet and models pages.
    const created = await client.call('wallet.create', { name: 'miner', hotkey: 'default', words: 12, password: PASSWORD })
    await client.call('wallet.unlock', { name: 'miner', password: PASSWORD, minutes: 5 })
    await client.call('chain.practiceFaucet', { address: created.wallet.coldkey.address!, amountTao: '100' })
    const op = await client.call('chain.register', { wallet: 'miner', hotkey: 'default', netuid: 5, maxPriceTao: '5' })
    const deadline = Date.now() + 60_000
    for (;;) {
      const stage = (await client.call('chain.operations')).find((o) => o.operationId === op.operationId)?.stage
      if (stage === 'finalized') break
      if (stage === 'failed' || Date.now() > deadline) throw new Error(`registration ended in stage ${stage}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    await client.call('models.import', { path: tiny.dir, name: 'tiny' })
    await client.call('models.use', { id: 'local/tiny' })
  }, 180_000)

  afterAll(async () => {
    await ui?.client.call('miner.stop').catch(() => undefined)
    await ui?.close()
  })

  it('starts mining and shows rewards, risk, burn, the earnings, incentive and rank charts, warnings, the self-score, and marks old figures after a network switch', async () => {
    await ui.page.goto(ui.serve.url)
    await ui.page.getByTestId('nav-miner').click()
    // Wallet and network come preset: the user's wallet and the header's network (issue 14).
    await expect.poll(() => ui.page.getByTestId('miner-wallet').inputValue()).toBe('miner')
    expect(await ui.page.getByTestId('miner-network').inputValue()).toBe('Practice network (no real TAO)')
    await ui.page.getByTestId('miner-port').fill(String(await freePort()))
    await ui.page.getByTestId('miner-external-ip').fill('203.0.113.77')
    await ui.page.getByTestId('miner-start').click()
    await expect.poll(async () => (await ui.page.getByTestId('miner-state').innerText()).toLowerCase(), { timeout: 60_000 }).toBe('running')

    const rewards = ui.page.getByTestId('miner-rewards')
    await rewards.getByTestId('rewards-incentive').waitFor({ timeout: 30_000 })
    // A fresh miner: no weights yet, so 0 incentive and last place among the five miners; immune.
    expect(await rewards.getByTestId('rewards-incentive').innerText()).toBe('0.00 %')
    expect(await rewards.getByTestId('rewards-rank').innerText()).toBe('5 of 5')
    expect(await rewards.getByTestId('rewards-tao').innerText()).toMatch(/^0 τ$/)
    expect(await rewards.getByTestId('rewards-immunity').innerText()).toMatch(/^\d+ blocks$/)
    expect(await rewards.getByTestId('rewards-risk').innerText()).toMatch(/immune/i)
    expect(await rewards.getByTestId('rewards-burn').innerText()).toMatch(/burner hotkey is not registered/)
    const r = (await ui.client.call('miner.rewards'))!
    expect(r).toMatchObject({ registered: true, uid: 5, alphaPrice: { tao: 1, source: 'practice' }, deregistration: { level: 'immune' } })

    // Epochs pass: one record each, and the step charts over blocks appear: earnings, incentive and rank.
    await ui.client.call('chain.practiceAdvance', { untilEpoch: 5 })
    await ui.client.call('chain.practiceAdvance', { untilEpoch: 5 })
    await ui.page.getByTestId('rewards-rank-chart').waitFor({ timeout: 30_000 })
    await ui.page.getByTestId('rewards-incentive-chart').waitFor()
    const history = await ui.client.call('miner.rewardsHistory', {})
    expect(history.length).toBeGreaterThanOrEqual(2)
    expect(history[history.length - 1]!.rank).toEqual({ position: expect.any(Number), of: 5 })
    const rankCard = ui.page.getByTestId('rewards-rank-card')
    expect(await rankCard.innerText()).toMatch(/1 = the best-paid miner/)
    expect(await rankCard.innerText()).toMatch(/rank \(1 = best-paid, of up to 5 miners\)/)

    // 203.0.113.77 is a documentation address: the reachability ping fails, and the page says so.
    await ui.page.getByTestId('miner-warning-unreachable').waitFor({ timeout: 30_000 })
    expect(await ui.page.getByTestId('miner-warning-unreachable').innerText()).toMatch(/not reachable at 203\.0\.113\.77/)

    await ui.page.getByTestId('selfscore-run').click()
    await expect.poll(() => ui.page.getByTestId('selfscore-table').innerText(), { timeout: 120_000 }).toMatch(/local\/tiny \(serving\)\s+0\.\d{3}/)
    await ui.page.screenshot({ path: path.join(screenshots, 'miner-rewards-practice.png'), fullPage: true })

    // Issue 14 item 9: after switching the header's network, the Subnet page drops the old chain's
    // metagraph and the Miner page marks its rewards as read on the practice network.
    await ui.page.getByTestId('nav-subnet').click()
    await expect.poll(() => ui.page.getByTestId('metagraph-row').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    await expect.poll(() => ui.page.getByTestId('header-subnet').innerText(), { timeout: 10_000 }).toMatch(/TaoDesk practice embeddings/)
    await ui.page.getByTestId('network-picker').click()
    await ui.page.getByTestId('network-choice-custom').click()
    await ui.page.getByTestId('network-url').fill(`ws://127.0.0.1:${await freePort()}`)
    await ui.page.getByTestId('network-apply').click()
    await expect.poll(() => ui.page.getByTestId('network-state').getAttribute('data-network')).toBe('custom')
    await expect.poll(() => ui.page.getByTestId('metagraph-row').count(), { timeout: 10_000 }).toBe(0)
    // The header no longer names the practice subnet or vouches for its protocol on a network that has not answered.
    await expect.poll(() => ui.page.getByTestId('header-subnet').innerText(), { timeout: 10_000 }).not.toMatch(/practice embeddings|embedding/i)
    // The list of subnets keeps the practice network's until the new one answers, marked as old.
    await expect.poll(() => ui.page.getByTestId('subnet-list').getByTestId('stale-mark').textContent(), { timeout: 10_000 }).toBe('Old: from Practice')
    await ui.page.screenshot({ path: path.join(screenshots, 'subnet-after-network-switch.png'), fullPage: true })
    await ui.page.getByTestId('nav-miner').click()
    await expect.poll(() => ui.page.getByTestId('miner-rewards').getByTestId('stale-mark').textContent(), { timeout: 10_000 }).toBe('Old: from Practice')
    expect(await ui.page.getByTestId('rewards-other-network').innerText()).toMatch(/started on Practice[\s\S]*stop the miner and start it again/)
    await ui.page.screenshot({ path: path.join(screenshots, 'miner-rewards-after-network-switch.png'), fullPage: true })

    await ui.page.getByTestId('miner-stop').click()
    await expect.poll(() => ui.page.getByTestId('miner-state').count(), { timeout: 30_000 }).toBe(0)
    expect(await ui.page.getByTestId('miner-rewards').count()).toBe(0)
  }, 240_000)
})
