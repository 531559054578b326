/**
 * Issue 14 item 18: the validator's defaults follow the subnet and the user's wallet. "Blocks
 * between weights" used to be a fixed 100 (five epochs on the practice network, tempo 20), and an
 * empty wallet field meant a temporary hotkey although the user's wallet was unlocked.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { WalletSummary } from '../../contract/wallet'
import { ValidatorConfig } from '../../contract/validator'
import { createLogger } from '../../platform/logging'
import { migrate } from '../../platform/store/migrate'
import { MIGRATIONS } from '../../platform/store/migrations'
import { defaultValidatorWallet } from './default-wallet'
import { ValidatorService, weightsInterval } from './validator-service'
import { ValidatorTables } from './validator-tables'

function wallet(name: string, o: { hotkeys?: string[]; unlocked?: boolean } = {}): WalletSummary {
  const key = { address: `5${name}`, publicKey: '0x00', format: 'json', problem: null }
  return { name, path: `/w/${name}`, coldkey: key, hotkeys: (o.hotkeys ?? ['default']).map((h) => ({ name: h, ...key })), unlockedUntil: o.unlocked ? Date.now() + 60_000 : null, remembered: false } as WalletSummary
}

describe('validator defaults', () => {
  it('waits one epoch of the subnet between weights by default, never less than the chain rate limit', () => {
    expect(ValidatorConfig.parse({}).epochLength).toBe(0)
    expect(weightsInterval(0, { tempo: 20, weightsRateLimit: 2 })).toBe(20)
    expect(weightsInterval(0, { tempo: 360, weightsRateLimit: 100 })).toBe(360)
    expect(weightsInterval(0, { tempo: 10, weightsRateLimit: 100 })).toBe(100)
    // A number the user set still counts.
    expect(weightsInterval(50, { tempo: 20, weightsRateLimit: 2 })).toBe(50)
  })

  it("picks the user's unlocked wallet, else the only one with the hotkey", () => {
    expect(defaultValidatorWallet([wallet('a'), wallet('b', { unlocked: true })], 'default')).toBe('b')
    expect(defaultValidatorWallet([wallet('only')], 'default')).toBe('only')
    expect(defaultValidatorWallet([wallet('a'), wallet('b')], 'default')).toBeUndefined()
    expect(defaultValidatorWallet([wallet('a', { hotkeys: ['other'], unlocked: true })], 'default')).toBeUndefined()
    expect(defaultValidatorWallet([], 'default')).toBeUndefined()
  })

  it('shows and signs with that wallet while the settings name none, without saving it', async () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS)
    const tables = new ValidatorTables(db)
    const o = { tables, log: createLogger(() => undefined, 'test'), fire: { status: () => undefined, round: () => undefined } }
    const service = new ValidatorService({ ...o, defaultWallet: (hotkey) => (hotkey === 'default' ? 'mine' : undefined) })
    expect(service.getConfig()).toMatchObject({ wallet: 'mine', hotkey: 'default' })
    await service.updateConfig({ sampleSize: 8 })
    expect(tables.getState<{ wallet: string }>('config')?.wallet).toBe('')
    await service.updateConfig({ wallet: 'other' })
    expect(service.getConfig().wallet).toBe('other')
    await service.dispose()
    expect(new ValidatorService(o).getConfig().wallet).toBe('other')
  })
})
