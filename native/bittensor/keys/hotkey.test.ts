import fs from 'node:fs'
import path from 'node:path'
import { cryptoWaitReady, mnemonicGenerate, signatureVerify } from '@polkadot/util-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempHome } from '../../../test/support/temp-home'
import { EngineError } from '../../contract'
import { keyFromMnemonic, publicKeyfileJson, secretKeyfileJson, ss58, walletPaths, writeKeyfile } from '../../services/wallet'
import { acquireChainClient, defaultNetuid } from '../../services/miner/runtime/chain-access'
import { loadWalletHotkey } from './hotkey'

describe('loadWalletHotkey (btcli layout)', () => {
  let home: ReturnType<typeof makeTempHome>
  let dir: string
  const write = (wallet: string, hotkey: string, secret: string | Uint8Array, pub?: string) => {
    const p = walletPaths(dir, wallet)
    fs.mkdirSync(p.hotkeysDir, { recursive: true })
    writeKeyfile(p.hotkey(hotkey), secret, true)
    if (pub) writeKeyfile(p.hotkeypub(hotkey), pub, true)
  }
  beforeAll(async () => {
    await cryptoWaitReady()
    home = makeTempHome()
    dir = path.join(home.dir, 'wallets')
  })
  afterAll(() => home.cleanup())

  it('signs with a plaintext hotkey (verifiable sr25519) and wipes it on dispose', async () => {
    const key = keyFromMnemonic(mnemonicGenerate())
    write('w', 'default', secretKeyfileJson(key), publicKeyfileJson(key.publicKey))
    const hk = await loadWalletHotkey({ walletsDir: dir, wallet: 'w', hotkey: 'default' })
    expect(hk.address).toBe(ss58(key.publicKey))
    expect(hk.publicKey).toEqual(key.publicKey)
    const msg = new TextEncoder().encode('1.5F.5G.uuid.a7ff')
    expect(signatureVerify(msg, hk.sign(msg), hk.address).isValid).toBe(true)
    hk.dispose()
    expect(() => hk.sign(msg)).toThrow(/released/)
  })

  it('refuses wallet and hotkey names that are not plain names (no path escapes)', async () => {
    // A valid keyfile outside the wallet's hotkeys folder that a crafted name would reach.
    const key = keyFromMnemonic(mnemonicGenerate())
    write('victim', 'default', secretKeyfileJson(key))
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as EngineError)
    for (const [wallet, hotkey] of [
      ['w', '../x'],
      ['w', '../../victim/hotkeys/default'],
      ['../x', 'default'],
      ['victim/hotkeys/..', 'default'],
      ['.hidden', 'default'],
    ] as const) {
      const e = await err(loadWalletHotkey({ walletsDir: dir, wallet, hotkey }))
      expect(e, `${wallet}/${hotkey}`).toBeInstanceOf(EngineError)
      expect(e!.code).toBe('INVALID_PARAMS')
      expect(e!.message).toMatch(/cannot be a (wallet|hotkey) name: use 1 to 64 letters, digits/)
    }
  })

  it('explains a missing hotkey, an encrypted one without its password, a public-only file and a mismatched public file', async () => {
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as EngineError)
    const missing = await err(loadWalletHotkey({ walletsDir: dir, wallet: 'nobody', hotkey: 'default' }))
    expect(missing).toMatchObject({ code: 'NOT_FOUND' })
    expect(missing!.message).toMatch(/Wallet "nobody" has no hotkey "default".*Create or restore it/)

    write('enc', 'default', `$NACL${'x'.repeat(80)}`)
    const locked = await err(loadWalletHotkey({ walletsDir: dir, wallet: 'enc', hotkey: 'default', env: {} }))
    expect(locked).toMatchObject({ code: 'LOCKED' })
    expect(locked!.message).toMatch(/encrypted\. Set BT_PW_.*_WALLETS_ENC_HOTKEYS_DEFAULT/)

    const key = keyFromMnemonic(mnemonicGenerate())
    write('pub', 'default', publicKeyfileJson(key.publicKey))
    expect((await err(loadWalletHotkey({ walletsDir: dir, wallet: 'pub', hotkey: 'default' })))!.message).toMatch(/only a public key/)

    const other = keyFromMnemonic(mnemonicGenerate())
    write('mix', 'default', secretKeyfileJson(key), publicKeyfileJson(other.publicKey))
    expect((await err(loadWalletHotkey({ walletsDir: dir, wallet: 'mix', hotkey: 'default' })))!.message).toMatch(/does not match its public file/)

    write('bad', 'default', '{"secretPhrase": 12')
    expect(await err(loadWalletHotkey({ walletsDir: dir, wallet: 'bad', hotkey: 'default' }))).toMatchObject({ code: 'BAD_REQUEST' })
  })
})

describe('network choice for the miner', () => {
  it('defaults subnet 5 to netuid 88 on the testnet; refuses devnet without an address and unknown names', async () => {
    expect(defaultNetuid('finney')).toBe(5)
    expect(defaultNetuid('test')).toBe(88)
    expect(defaultNetuid('ws://10.0.0.5:9944')).toBe(5)
    const chain = { status: () => ({ network: 'finney', customUrl: '' }) } as unknown as Parameters<typeof acquireChainClient>[0]
    await expect(acquireChainClient(chain, 'devnet')).rejects.toThrow(/--url ws:\/\/127\.0\.0\.1:9944/)
    await expect(acquireChainClient(chain, 'mainnet')).rejects.toThrow(/Unknown network "mainnet"/)
    await expect(acquireChainClient(chain, 'custom')).rejects.toThrow(/needs its ws:\/\//)
  })
})
