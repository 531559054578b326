/**
 * Issue 17 in Chromium, from an empty home folder: a wallet, a subnet created on the practice
 * network from the Subnet page's "Create a subnet" card (lock, fee, confirmation, progress to
 * start_call), then the Subnet API page: turned on with a port, an API key created (secret shown
 * once), /v1/embeddings called with fetch (401 without a key; with the key once a validator round
 * ranked the practice miners), and the key's usage on the page. Screenshots in
 * test-results/screenshots/subnet-api-*.png.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UiSession, freePort, screenshots } from '../support/ui-session'

const PASSWORD = 'Tr1cky pass!'
const MANPAGES = path.resolve(import.meta.dirname, '../../../shared/data/manpages-corpus.jsonl')

describe('Create a subnet and sell its embeddings through the subnet API (Chromium, taodesk serve)', () => {
  let ui: UiSession
  const shot = (name: string) => ui.page.screenshot({ path: path.join(screenshots, `subnet-api-${name}.png`), fullPage: true })

  beforeAll(async () => {
    ui = await UiSession.start({ viewport: { width: 1400, height: 1000 } })
    await ui.client.call('wallet.create', { name: 'owner', password: PASSWORD })
    await ui.client.call('chain.setNetwork', { network: 'devnet' })
  }, 180_000)

  afterAll(async () => {
    await ui?.close()
  })

  it('creates a subnet from the card: cost, funding, confirmation, progress', async () => {
    await ui.page.goto(`${ui.serve.url}#/subnet`)
    const card = ui.page.getByTestId('create-subnet-card')
    await card.waitFor({ timeout: 60_000 })
    await expect.poll(() => card.getByTestId('create-subnet-cost').innerText(), { timeout: 60_000 }).toMatch(/Lock now: [\d.]+ TAO/)
    await card.getByTestId('create-subnet-password').fill(PASSWORD)
    await card.getByTestId('create-subnet-unlock').click()
    await card.getByTestId('create-subnet-faucet').click()
    await card.getByTestId('create-subnet-confirm').waitFor()
    await expect.poll(() => card.getByTestId('create-subnet-faucet').count(), { timeout: 60_000 }).toBe(0)
    await card.getByTestId('create-subnet-name').fill('Acme embeddings')
    await card.getByTestId('create-subnet-confirm').check()
    await card.scrollIntoViewIfNeeded()
    await shot('01-create-card')
    await card.getByTestId('create-subnet-submit').click()
    await card.getByTestId('create-subnet-done').waitFor({ timeout: 90_000 }).catch(async (e: unknown) => {
      await shot('01-create-failed')
      throw e
    })
    const done = await card.getByTestId('create-subnet-done').innerText()
    const netuid = Number(/Subnet (\d+) created/.exec(done)![1])
    expect(netuid).not.toBe(5)
    expect((await ui.client.call('chain.subnet', { netuid })).protocol.verdict).toBe('speaks')
    await card.scrollIntoViewIfNeeded()
    await shot('02-created')
  }, 240_000)

  it('turns the API on, creates a key shown once, and meters the key’s requests', async () => {
    await ui.page.getByTestId('nav-subnet-api').click()
    const port = await freePort()
    await ui.page.getByTestId('subnet-api-port').fill(String(port))
    await ui.page.getByTestId('subnet-api-enabled').click({ force: true })
    await ui.page.getByTestId('subnet-api-listening').waitFor({ timeout: 30_000 })
    expect(await ui.page.getByTestId('subnet-api-url').innerText()).toContain(`http://127.0.0.1:${port}/v1`)
    await ui.page.getByTestId('subnet-api-key-name').fill('acme')
    await ui.page.getByTestId('subnet-api-key-create').click()
    const secret = (await ui.page.getByTestId('subnet-api-secret-value').innerText()).trim()
    expect(secret).toMatch(/^tdk_/)
    expect(await ui.page.getByTestId('subnet-api-secret').innerText()).toMatch(/You will not see this again/)
    expect(await ui.page.getByTestId('subnet-api-key-table').innerText()).not.toContain(secret)
    await shot('03-key-created')

    const url = `http://127.0.0.1:${port}/v1/embeddings`
    const call = (key?: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify({ model: 'm', input: ['a cat', 'stock market'] }) })
    expect((await call()).status).toBe(401)
    expect((await call('tdk_wrong')).status).toBe(401)

    // A validator round on the practice subnet ranks its demo miners; the API routes to them.
    await ui.client.call('validator.config.update', { netuid: 5, metagraph: 'chain', dataSource: 'local', corpusPath: MANPAGES, llmBaseUrl: '', burnEnabled: false })
    const round = await ui.client.call('validator.runRound', {})
    expect(round.status, JSON.stringify(round)).toBe('done')
    const ok = await call(secret)
    const text = await ok.text()
    expect(ok.status, text).toBe(200)
    expect((JSON.parse(text) as { data: unknown[] }).data).toHaveLength(2)

    await ui.page.reload()
    await ui.page.getByTestId('subnet-api-usage-table').waitFor({ timeout: 30_000 })
    expect(await ui.page.getByTestId('subnet-api-usage-table').innerText()).toMatch(/acme\s+1\s+2\s+\d+/)
    expect(await ui.page.textContent('main')).not.toContain('[object Object]')
    await shot('04-usage')
  }, 300_000)
})
