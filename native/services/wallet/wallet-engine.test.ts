import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../test/support/temp-home'
import type { ExtrinsicEvent } from '../../contract'
import { createEngine } from '../../host'
import { keyFromMnemonic, ss58 } from '../../bittensor/keys/keys'
import { publicKeyfileJson, secretKeyfileJson } from '../../bittensor/keys/keyfile'
import { walletPaths, writeKeyfile } from '../../bittensor/keys/wallet-fs'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('wallet money through the engine (RPC, the network picked in ChainService)', () => {
  it('shows balance and stake of the picked network, transfers with status events over RPC', async () => {
    const home = makeTempHome()
    cleanups.push(home.cleanup)
    const engine = createEngine({ home: home.dir, version: '0.0.0-test', headless: true, practice: { blockTimeMs: 0, port: null } })
    cleanups.push(() => engine.dispose())
    const rpc = engine.connectInproc()
    // An unencrypted btcli coldkey (btcli --no-use-password): no 512 MiB hashing in this test.
    const walletsDir = path.join(home.dir, 'wallets')
    const cold = keyFromMnemonic('bottom drive obey lake curtain smoke basket hold race lonely fit walk')
    const p = walletPaths(walletsDir, 'plain')
    fs.mkdirSync(path.dirname(p.hotkey('x')), { recursive: true })
    writeKeyfile(p.coldkey, secretKeyfileJson(cold), false)
    writeKeyfile(p.coldkeypub, publicKeyfileJson(cold.publicKey), false)
    await rpc.call('wallet.setDirectory', { path: walletsDir })
    await rpc.call('chain.setNetwork', { network: 'devnet' })
    const address = ss58(cold.publicKey)
    await rpc.call('chain.practiceFaucet', { address, amountTao: '50' })

    const b = await rpc.call('wallet.balances', { name: 'plain' })
    expect(b).toMatchObject({ network: 'devnet', coldkey: address, free: '50000000000' })

    const events: ExtrinsicEvent[] = []
    rpc.on('wallet.extrinsic', (e) => events.push(e))
    const to = ss58(keyFromMnemonic('legal winner thank year wave sausage worth useful legal winner thank yellow').publicKey)
    const call = { kind: 'transfer' as const, to, amount: '2000000000' }
    const est = await rpc.call('wallet.estimate', { name: 'plain', call })
    expect(est.summary).toBe(`Transfer 2 TAO to ${to} on devnet`)
    await expect(rpc.call('wallet.submit', { name: 'plain', call })).rejects.toMatchObject({ code: 'LOCKED' })
    await rpc.call('wallet.unlock', { name: 'plain', minutes: 1 })
    const { id } = await rpc.call('wallet.submit', { name: 'plain', call })
    const start = Date.now()
    while (!events.some((e) => e.id === id && (e.stage === 'finalized' || e.stage === 'failed')) && Date.now() - start < 15_000) await new Promise((r) => setTimeout(r, 20))
    expect(events.filter((e) => e.id === id).at(-1)).toMatchObject({ stage: 'finalized', kind: 'transfer', wallet: 'plain' })
    // 2 TAO and the estimated fee (TransactionPaymentApi.query_info) left the account.
    expect(est.fee).toMatch(/^\d+$/)
    expect((await rpc.call('wallet.balances', { name: 'plain' })).free).toBe(String(48_000_000_000n - BigInt(est.fee!)))
    const row = (await rpc.call('wallet.activity', { name: 'plain', limit: 5 })).find((a) => a.id === id)
    expect(row).toMatchObject({ kind: 'transfer', status: 'ok' })
  }, 60_000)
})
