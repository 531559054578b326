import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureIo } from '../../../test/support/capture-io'
import { makeTempHome } from '../../../test/support/temp-home'
import { devSigner } from '../../bittensor/chain'
import { DevnetNode, startDevnetServer } from '../../bittensor/devnet'
import type { DevnetServer } from '../../bittensor/devnet'
import { encodeEnvPassword, envPasswordVariable, keyFromMnemonic, naclEncrypt, publicKeyfileJson, secretKeyfileJson, ss58, walletPaths, writeKeyfile } from '../../services/wallet'
import { runCli } from '../main'

const TAO = 1_000_000_000n

describe('taodesk wallet balance|transfer|stake|unstake against the practice devnet over ws', () => {
  let node: DevnetNode
  let server: DevnetServer
  let home: ReturnType<typeof makeTempHome>
  let walletsDir: string
  let env: NodeJS.ProcessEnv
  const run = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const c = captureIo({ ...env, ...extraEnv })
    const code = await runCli([...args, '--url', server.url, '--wallets-dir', walletsDir, '--json'], c)
    const line = c.out().trim().split('\n').pop() ?? ''
    return { code, json: (line ? JSON.parse(line) : {}) as Record<string, unknown>, err: c.err() }
  }

  beforeAll(async () => {
    node = await DevnetNode.create({ tempo: 50 })
    server = await startDevnetServer(node, { port: 0 })
    home = makeTempHome()
    walletsDir = path.join(home.dir, 'wallets')
    env = { TAODESK_HOME: home.dir }
  })
  afterAll(async () => {
    node?.dispose()
    await server?.close()
    home?.cleanup()
  })

  it('a btcli coldkey with a Unicode password, given in BT_PW_*: balance, transfer finalized, stake and unstake read back, too much fails decoded', async () => {
    // Written here with the real btcli KDF (Argon2i, 512 MiB) through the worker; opened below
    // by the CLI from btcli's obfuscated environment variable: two real-parameter derivations.
    const password = 'Pässwörd ✓ 钱包 🔑'
    const cold = keyFromMnemonic('bottom drive obey lake curtain smoke basket hold race lonely fit walk')
    const hot = keyFromMnemonic('legal winner thank year wave sausage worth useful legal winner thank yellow')
    const p = walletPaths(walletsDir, 'uni')
    fs.mkdirSync(path.dirname(p.hotkey('default')), { recursive: true })
    writeKeyfile(p.coldkey, await naclEncrypt(password, new TextEncoder().encode(secretKeyfileJson(cold))), false)
    writeKeyfile(p.coldkeypub, publicKeyfileJson(cold.publicKey), false)
    writeKeyfile(p.hotkey('default'), secretKeyfileJson(hot), false)
    writeKeyfile(p.hotkeypub('default'), publicKeyfileJson(hot.publicKey), false)
    const coldAddress = ss58(cold.publicKey)
    expect(coldAddress).toBe('5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV')
    node.faucet(coldAddress, 200n * TAO)
    // The hotkey must exist on chain before anyone stakes to it.
    const { ChainClient } = await import('../../bittensor/chain')
    const client = await ChainClient.connect({ network: 'custom', customUrl: server.url })
    const dave = await devSigner('//Dave')
    try {
      await client.register(dave, 5, ss58(hot.publicKey), TAO)
    } finally {
      await client.release()
    }

    const balance = await run(['wallet', 'balance', '--name', 'uni'])
    expect(balance.code, balance.err).toBe(0)
    expect(balance.json).toMatchObject({ coldkey: coldAddress, free: String(200n * TAO), stakes: [], network: 'custom' })

    // No terminal and no --yes: nothing is sent.
    const bob = (await devSigner('//Bob')).address
    const unconfirmed = await run(['wallet', 'transfer', '--name', 'uni', '--to', bob, '--amount', '1'])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.err).toMatch(/--yes/)

    const pwEnv = { [envPasswordVariable(p.coldkey)]: encodeEnvPassword(p.coldkey, password) }
    expect(Object.keys(pwEnv)[0]).toMatch(/^BT_PW__.*_WALLETS_UNI_COLDKEY$/)
    const sent = await run(['wallet', 'transfer', '--name', 'uni', '--to', bob, '--amount', '12.5', '--yes'], pwEnv)
    expect(sent.code, sent.err).toBe(0)
    expect(sent.json).toMatchObject({ ok: true, blockNumber: expect.any(Number) })
    // The fee printed before sending is what the chain charged (checked on the balance below).
    const feeOf = (err: string): bigint => {
      const m = /fee\s+(\d+)(?:\.(\d{1,9}))? TAO/.exec(err)
      expect(m, err).not.toBeNull()
      return BigInt(m![1]!) * TAO + BigInt((m![2] ?? '').padEnd(9, '0'))
    }
    const transferFee = feeOf(sent.err)
    expect(transferFee).toBeGreaterThan(0n)

    // The rest reuses an unencrypted coldkey copy (btcli's --no-use-password) to avoid more 512 MiB hashing.
    const q = walletPaths(walletsDir, 'plain')
    fs.mkdirSync(path.dirname(q.hotkey('default')), { recursive: true })
    writeKeyfile(q.coldkey, secretKeyfileJson(cold), false)
    writeKeyfile(q.coldkeypub, publicKeyfileJson(cold.publicKey), false)
    writeKeyfile(q.hotkey('default'), secretKeyfileJson(hot), false)
    writeKeyfile(q.hotkeypub('default'), publicKeyfileJson(hot.publicKey), false)

    const badSlippage = await run(['wallet', 'stake', '--name', 'plain', '--hotkey', 'default', '--netuid', '5', '--amount', '20', '--slippage', 'lots', '--yes'])
    expect(badSlippage.code).toBe(2)
    expect(badSlippage.err).toMatch(/--slippage must be a percentage/)
    const staked = await run(['wallet', 'stake', '--name', 'plain', '--hotkey', 'default', '--netuid', '5', '--amount', '20', '--slippage', '1', '--yes'])
    expect(staked.code, staked.err).toBe(0)
    // add_stake_limit: the expected price and the limit are printed before sending.
    expect(staked.err).toContain('price    1 TAO per alpha now')
    expect(staked.err).toContain('limit    at most 1.01 TAO per alpha (1 % slippage)')
    const unstaked = await run(['wallet', 'unstake', '--name', 'plain', '--hotkey', ss58(hot.publicKey), '--netuid', '5', '--amount', '5', '--yes'])
    expect(unstaked.code, unstaked.err).toBe(0)
    expect(unstaked.err).toContain('limit    at least 0.995 TAO per alpha (0.5 % slippage)')
    const after = await run(['wallet', 'balance', '--name', 'plain'])
    const fees = transferFee + feeOf(staked.err) + feeOf(unstaked.err)
    expect(after.json).toMatchObject({ free: String((200n - 20n + 5n) * TAO - 12_500_000_000n - fees), stakes: [{ hotkey: ss58(hot.publicKey), hotkeyName: 'default', netuid: 5, alpha: String(15n * TAO) }] })

    const tooMuch = await run(['wallet', 'unstake', '--name', 'plain', '--hotkey', 'default', '--netuid', '5', '--amount', '100', '--yes'])
    expect(tooMuch.code).toBe(1)
    expect(tooMuch.json).toMatchObject({ ok: false, error: { code: 'SubtensorModule.NotEnoughStakeToWithdraw' } })
    expect(tooMuch.err).toMatch(/not enough/)

    const badAddress = await run(['wallet', 'transfer', '--name', 'plain', '--to', 'nonsense', '--amount', '1', '--yes'])
    expect(badAddress.code).toBe(1)
    expect(badAddress.err).toMatch(/not a Bittensor address/)
  }, 120_000)
})
