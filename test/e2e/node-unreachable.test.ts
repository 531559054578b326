import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DevnetNode, startDevnetServer } from '../../native/bittensor/devnet'
import { keyFromMnemonic, publicKeyfileJson, walletPaths, writeKeyfile } from '../../native/services/wallet'
import { UiSession, freePort } from '../support/ui-session'

/**
 * A node that is not running (the "Local node" choice with no subtensor started): the Wallet page
 * says so where the balance would be, within seconds, instead of loading for minutes.
 */
describe('a chain node that refuses connections, in Chromium (taodesk serve)', () => {
  let ui: UiSession

  beforeAll(async () => {
    const cold = keyFromMnemonic('bottom drive obey lake curtain smoke basket hold race lonely fit walk')
    ui = await UiSession.start({
      viewport: { width: 1280, height: 900 },
      prepare: (home) => {
        const p = walletPaths(path.join(home, 'wallets'), 'money')
        fs.mkdirSync(path.dirname(p.coldkeypub), { recursive: true })
        writeKeyfile(p.coldkeypub, publicKeyfileJson(cold.publicKey), false)
      },
    })
  })

  afterAll(() => ui?.close())

  it('shows on the Wallet page, within seconds, that the node is not running and what to do, and recovers when it starts', async () => {
    // A port nothing listens on, as ws://127.0.0.1:9944 is with no local node (9944 itself may be another test's practice chain).
    const url = `ws://127.0.0.1:${await freePort()}`
    await ui.client.call('chain.setNetwork', { network: 'custom', customUrl: url })
    await ui.page.goto(ui.serve.url)
    await ui.page.getByTestId('nav-wallet').click()
    const started = Date.now()
    const error = ui.page.getByTestId('balance-error')
    await expect.poll(() => error.innerText().catch(() => ''), { timeout: 10_000 }).toContain(`Can't reach the node at ${url}: it is not running or refuses connections. Start it, or choose another network in the header.`)
    expect(Date.now() - started).toBeLessThan(10_000)
    await ui.shot('node-unreachable-wallet.png')
    // The engine keeps trying in the background and says so.
    expect((await ui.client.call('chain.status')).lastError).toMatch(/Retrying in \d+ s\.$/)

    // The node starts on that address: the engine's retry connects and the card recovers without a click.
    const node = await DevnetNode.create({ tempo: 30 })
    const server = await startDevnetServer(node, { port: Number(new URL(url).port) })
    try {
      await expect.poll(() => ui.page.getByTestId('free-balance').innerText().catch(() => ''), { timeout: 60_000 }).toBe('0 TAO')
      expect(await error.count()).toBe(0)
      await ui.shot('node-started-wallet.png')
    } finally {
      await server.close()
      node.dispose()
    }
  }, 120_000)
})
