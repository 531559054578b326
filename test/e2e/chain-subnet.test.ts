import { ApiPromise, WsProvider } from '@polkadot/api'
import { u8aToHex } from '@polkadot/util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChainClient } from '../../native/bittensor/chain'
import { devSigner } from '../../native/bittensor/keys/dev-signer'
import { UiSession } from '../support/ui-session'

const PASSWORD = 'Tr1cky pass!'

describe('Subnet page on the practice network in Chromium (taodesk serve)', () => {
  let ui: UiSession

  beforeAll(async () => {
    ui = await UiSession.start({ viewport: { width: 1400, height: 1000 } })
  })

  afterAll(() => ui?.close())

  it('switches to the practice network from the header and shows the subnet with its metagraph', async () => {
    await ui.page.goto(ui.serve.url)
    await ui.page.getByTestId('network-picker').click()
    await ui.page.getByTestId('network-choice-devnet').click()
    await ui.page.getByTestId('network-apply').click()
    const badge = ui.page.getByTestId('network-state')
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected')
    expect(await badge.getAttribute('data-network')).toBe('devnet')
    expect((await ui.client.call('settings.get')).network).toBe('devnet')

    await ui.page.getByTestId('nav-subnet').click()
    await expect.poll(() => ui.page.getByTestId('metagraph-row').count(), { timeout: 30_000 }).toBe(5)
    expect(await ui.page.getByTestId('registration-price').innerText()).toMatch(/^\d+(\.\d+)? TAO$/)
    expect(await ui.page.getByTestId('epoch-countdown').innerText()).toMatch(/^\d+ blocks$/)
    expect(await ui.page.getByTestId('hyperparameters').innerText()).toMatch(/Tempo \(blocks per epoch\)\s+20/)
    await expect.poll(async () => Number((await ui.page.getByTestId('network-detail').innerText()).match(/block ([\d,]+)/)?.[1]?.replace(/,/g, '') ?? 0), { timeout: 15_000 }).toBeGreaterThan(0)

    // Sorted by stake: the staked validator first. Sort by incentive: the best miner first.
    const firstUid = async () => ui.page.getByTestId('metagraph-row').first().getAttribute('data-uid')
    const mg = await ui.client.call('chain.metagraph', { netuid: 5 })
    const validator = mg.neurons.reduce((a, b) => (b.stake > a.stake ? b : a))
    const bestMiner = mg.neurons.reduce((a, b) => (b.incentive > a.incentive ? b : a))
    expect(await firstUid()).toBe(String(validator.uid))
    await ui.page.getByTestId('mg-sort-incentive').click()
    expect(await firstUid()).toBe(String(bestMiner.uid))
    expect(bestMiner.incentive).toBeGreaterThan(0)
    // The demo miners answer on this machine (issue 14 item 17).
    await ui.page.getByTestId('metagraph-search').fill('127.0.0.1')
    await expect.poll(() => ui.page.getByTestId('metagraph-row').count()).toBe(4)
    await ui.page.getByTestId('metagraph-search').fill('')
    await ui.shot('subnet-practice.png')
  })

  it("shows the chain's next epoch block, as a plain @polkadot/api client reads it at one block", async () => {
    const info = await ui.client.call('chain.practiceInfo', {})
    expect(info.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/)
    const api = await ApiPromise.create({ provider: new WsProvider(info.url!), noInitWarn: true })
    try {
      // Both at one block hash: SubnetInfoRuntimeApi_get_next_epoch_start_block (Option<u64>,
      // min(LastEpochBlock + Tempo, PendingEpochAt if > 0), run_coinbase.rs:1124; network-2026 §2.5)
      // and the storage it reads.
      const chainNextEpoch = async (): Promise<number> => {
        const hash = await api.rpc.chain.getBlockHash()
        const at = await api.at(hash)
        const read = async (item: string): Promise<number> => Number(String(await at.query.subtensorModule![item]!(5)))
        const [last, tempo, pending] = await Promise.all([read('lastEpochBlock'), read('tempo'), read('pendingEpochAt')])
        const raw = await api.rpc.state.call('SubnetInfoRuntimeApi_get_next_epoch_start_block', u8aToHex(api.createType('u16', 5).toU8a()), hash)
        const viaApi = api.createType('Option<u64>', raw)
        expect(viaApi.isSome).toBe(true)
        const next = Number(viaApi.unwrap().toString())
        expect(next).toBe(pending > 0 ? Math.min(last + tempo, pending) : last + tempo)
        return next
      }
      // Blocks keep coming: compare next-epoch block numbers (the page refreshes right after an epoch).
      const shown = async (): Promise<number> => Number(await ui.page.getByTestId('next-epoch-block').getAttribute('data-block'))
      await expect.poll(async () => (await shown()) - (await chainNextEpoch()), { timeout: 30_000 }).toBe(0)
      expect(await ui.page.getByTestId('next-epoch-block').innerText()).toMatch(/^at block [\d,]+ ·/)
      // The countdown counts the blocks before it: countdown + shown block + 1 = next epoch block.
      // Read in one evaluation so the three come from one render.
      const [countdown, block, next] = await ui.page.evaluate<number[]>(`['epoch-countdown', 'subnet-block', 'next-epoch-block'].map((id) => {
        const el = document.querySelector('[data-testid="' + id + '"]')
        return Number(((id === 'next-epoch-block' ? el?.getAttribute('data-block') : el?.textContent) ?? '').replace(/[^0-9]/g, ''))
      })`)
      if (countdown! > 0) expect(countdown! + block! + 1).toBe(next)
    } finally {
      await api.disconnect()
    }
  })

  it('registers a wallet hotkey: unlock, practice TAO, price cap, progress to finalized', async () => {
    await ui.client.call('wallet.create', { name: 'e2e', hotkey: 'default', words: 12, password: PASSWORD })
    await ui.page.reload()
    await ui.page.getByTestId('nav-subnet').click()
    await ui.page.getByTestId('register-card').waitFor()
    // The practice runtime (finney 424 metadata) has register_limit: the chain enforces the cap.
    await expect.poll(() => ui.page.getByTestId('register-cap-note').innerText()).toMatch(/register_limit\): the chain refuses it if the price is higher/)
    await ui.page.getByTestId('register-password').fill(PASSWORD)
    await ui.page.getByTestId('register-unlock').click()
    await ui.page.getByTestId('register-submit').waitFor({ timeout: 90_000 })
    await ui.page.getByTestId('register-faucet').click()
    await expect.poll(() => ui.page.getByTestId('register-balance').innerText()).toBe('100 TAO')

    // A cap below the price is refused before anything is signed.
    await ui.page.getByTestId('register-max-price').fill('0.000001')
    await ui.page.getByTestId('register-submit').click()
    await expect.poll(() => ui.page.getByTestId('register-error').innerText()).toMatch(/above your maximum of 0.000001 TAO/)

    await ui.page.getByTestId('register-max-price').fill('5')
    await ui.page.getByTestId('register-submit').click()
    await ui.page.getByTestId('register-done').waitFor({ timeout: 60_000 })
    expect(await ui.page.getByTestId('register-done').innerText()).toMatch(/Registered as uid 5 for [\d.]+ TAO/)
    expect(await ui.page.getByTestId('register-progress').getAttribute('data-stage')).toBe('finalized')
    await expect.poll(() => ui.page.getByTestId('metagraph-row').count(), { timeout: 30_000 }).toBe(6)
    const hot = (await ui.client.call('wallet.get', { name: 'e2e' })).hotkeys[0]!.address!
    await ui.page.getByTestId('metagraph-search').fill(hot.slice(0, 12))
    await expect.poll(() => ui.page.getByTestId('metagraph-row').first().getAttribute('data-uid')).toBe('5')
    await ui.shot('subnet-registered.png')
  })

  it('lists the subnets to pick from, shows weight commits, and restarts the practice network with new block time and tempo', async () => {
    await ui.page.reload()
    await ui.page.getByTestId('nav-subnet').click()
    const row5 = ui.page.locator('[data-testid="subnet-row"][data-netuid="5"]')
    await row5.waitFor({ timeout: 30_000 })
    expect(await row5.getAttribute('aria-selected')).toBe('true')
    expect(await row5.innerText()).toMatch(/SN5\s+TaoDesk practice embeddings\s+speaks the embedding protocol\s+6 \/ 64\s+20\s+[\d.]+ TAO/i)
    await ui.page.getByTestId('commits-empty').waitFor()
    expect((await ui.page.getByTestId('commits-pending').innerText()).toLowerCase()).toBe('0 pending')

    const card = ui.page.getByTestId('practice-card')
    await expect.poll(() => ui.page.getByTestId('practice-running').innerText(), { timeout: 15_000 }).toMatch(/a block every 2 s, tempo 20/)
    expect(await card.innerText()).toMatch(/ws:\/\/127\.0\.0\.1:\d+/)
    await ui.page.getByTestId('practice-tempo').fill('12')
    await ui.page.getByTestId('practice-block-time').fill('1')
    await ui.page.getByTestId('practice-save').click()
    await ui.page.getByTestId('practice-restart-needed').waitFor()
    // Only the practice settings changed: the practice network stays the selected one.
    expect(await ui.client.call('settings.get')).toMatchObject({ practiceTempo: 12, practiceBlockTimeMs: 1000, network: 'devnet' })
    await ui.shot('subnet-practice-controls.png')

    await ui.page.getByTestId('practice-restart').click()
    await ui.page.getByTestId('practice-restart-confirm').click()
    await expect.poll(() => ui.page.getByTestId('practice-running').innerText(), { timeout: 60_000 }).toMatch(/a block every 1 s, tempo 12/)
    expect(await ui.page.getByTestId('practice-restart-needed').count()).toBe(0)
    // A fresh chain: the seeded five neurons only, and subnet 5 with the new tempo.
    await expect.poll(() => ui.page.getByTestId('metagraph-row').count(), { timeout: 30_000 }).toBe(5)
    await expect.poll(() => ui.page.getByTestId('hyperparameters').innerText(), { timeout: 30_000 }).toMatch(/Tempo \(blocks per epoch\)\s+12/)
    await expect.poll(() => row5.innerText(), { timeout: 30_000 }).toMatch(/SN5\s+TaoDesk practice embeddings\s+speaks the embedding protocol\s+5 \/ 64\s+12/i)
    expect((await ui.client.call('chain.practiceInfo', {})).tempo).toBe(12)
    await ui.shot('subnet-practice-restarted.png')
  }, 120_000)

  it('issue 13: a Hone identity on the practice subnet is marked incompatible, and registering needs the typed confirmation', async () => {
    await ui.page.reload()
    await ui.page.getByTestId('nav-subnet').click()
    const card = ui.page.getByTestId('subnet-identity-card')
    await expect.poll(() => card.getByTestId('protocol-badge').getAttribute('data-verdict'), { timeout: 30_000 }).toBe('speaks')
    expect(await card.getByTestId('subnet-identity-name').innerText()).toBe('TaoDesk practice embeddings')
    await expect.poll(() => ui.page.getByTestId('header-subnet').innerText()).toMatch(/Subnet 5 · TaoDesk practice embeddings/)

    // The subnet owner (//Alice) sets Hone's identity, as subtensor's set_subnet_identity does.
    const url = (await ui.client.call('chain.status', {})).practiceUrl!
    const client = await ChainClient.connect({ network: 'custom', customUrl: url, timeoutMs: 15_000 })
    try {
      await client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(5, 'Hone', 'https://github.com/manifold-inc/hone', '', '', '', 'ARC-AGI-2 solvers', '', ''), await devSigner('//Alice'))
    } finally {
      await client.release()
    }
    const rpc = await ui.client.call('chain.subnets', {})
    expect(rpc.subnets.find((s) => s.netuid === 5)).toMatchObject({ identity: { name: 'Hone' }, protocol: { verdict: 'does-not' } })

    await ui.client.call('wallet.unlock', { name: 'e2e', password: PASSWORD, minutes: 15 })
    await ui.page.reload()
    await ui.page.getByTestId('nav-subnet').click()
    await expect.poll(() => card.getByTestId('protocol-badge').getAttribute('data-verdict'), { timeout: 30_000 }).toBe('does-not')
    expect(await card.getByTestId('subnet-identity-name').innerText()).toBe('Hone')
    const row5 = ui.page.locator('[data-testid="subnet-row"][data-netuid="5"]')
    expect(await row5.getByTestId('protocol-badge').getAttribute('data-verdict')).toBe('does-not')

    // The fresh chain (restarted above) knows nothing of the hotkey: fund it, then try to register.
    const register = ui.page.getByTestId('register-card')
    await register.getByTestId('protocol-confirmation').waitFor()
    expect(await register.getByTestId('protocol-confirmation').innerText()).toMatch(/does not speak the embedding protocol[\s\S]*It runs Hone/i)
    await ui.page.getByTestId('register-faucet').click()
    await expect.poll(() => ui.page.getByTestId('register-balance').innerText()).toBe('100 TAO')
    await ui.page.getByTestId('register-max-price').fill('5')
    const submit = ui.page.getByTestId('register-submit')
    expect(await submit.isDisabled()).toBe(true)
    // The engine refuses it too, with the identity and a plain explanation.
    await expect(ui.client.call('chain.register', { wallet: 'e2e', hotkey: 'default', netuid: 5, maxPriceTao: '5' })).rejects.toThrow(/runs Hone, a reasoning-benchmark subnet: its validators never ask for embeddings/)
    await ui.page.getByTestId('protocol-confirm-input').fill('Hon')
    expect(await submit.isDisabled()).toBe(true)
    await ui.page.getByTestId('protocol-confirm-input').fill('hone')
    expect(await submit.isDisabled()).toBe(false)
    await ui.shot('subnet-hone-confirmation.png')
    await submit.click()
    await ui.page.getByTestId('register-done').waitFor({ timeout: 60_000 })
    expect(await ui.page.getByTestId('register-done').innerText()).toMatch(/Registered as uid 5 for [\d.]+ TAO/)
  }, 120_000)
})
