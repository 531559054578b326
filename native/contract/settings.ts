import { z } from 'zod'
import { NetworkId } from './chain'
import { event, method } from './define'
import { DEFAULT_SLIPPAGE_PERCENT, SlippagePercent } from './wallet'

export const ThemePreference = z.enum(['system', 'light', 'dark'])
export type ThemePreference = z.infer<typeof ThemePreference>

/**
 * Every user setting, with its default. Later domains add their keys here so that one schema
 * validates what the UI sends and what the store reads back.
 */
export const Settings = z.object({
  theme: ThemePreference.default('system'),
  notifications: z.boolean().default(true),
  logRetentionDays: z.number().int().min(1).max(365).default(30),
  /** Updates: stable, or beta (earlier builds, also every stable release). */
  updateChannel: z.enum(['stable', 'beta']).default('stable'),
  /** Download updates in the background (never on a metered connection). */
  updateAutoDownload: z.boolean().default(true),
  /** Desktop app: open TaoDesk when the user logs in. */
  startAtLogin: z.boolean().default(false),
  /**
   * The subtensor network TaoDesk talks to (chain.setNetwork checks and applies it). The practice
   * network on first start: nothing real is spent until the user picks mainnet or testnet.
   */
  network: NetworkId.default('devnet'),
  /** The subnet the app shows, mines and validates by default (the Subnet page's choice; the practice subnet is 5). */
  netuid: z.number().int().min(0).max(65535).default(5),
  /** The Miner page's last start values, so the form shows them again after Stop or a restart. */
  minerForm: z
    .object({
      wallet: z.string().max(64).default(''),
      hotkey: z.string().max(64).default('default'),
      port: z.number().int().min(1).max(65535).default(8091),
      externalIp: z.string().max(64).default(''),
      serve: z.boolean().default(true),
    })
    .default({ wallet: '', hotkey: 'default', port: 8091, externalIp: '', serve: true }),
  /** The ws:// or wss:// URL used when `network` is "custom". */
  networkCustomUrl: z.string().max(500).default(''),
  /** Practice network: milliseconds between blocks (applied when the practice network restarts). */
  practiceBlockTimeMs: z.number().int().min(250).max(60_000).default(2000),
  /** Practice network: tempo (blocks per epoch) of the practice subnet (applied when the practice network restarts). */
  practiceTempo: z.number().int().min(5).max(1000).default(20),
  /** Wallet: slippage tolerance (percent) of a stake or unstake; its limit price is the current price ± this. */
  stakeSlippagePercent: SlippagePercent.default(DEFAULT_SLIPPAGE_PERCENT),
})
export type Settings = z.infer<typeof Settings>

type SettingsShape = typeof Settings.shape
/**
 * Some settings, without their defaults: zod 4 applies a default even inside `.optional()`, so
 * `Settings.partial()` would reset every key the patch leaves out (the network, the theme...).
 */
export const SettingsPatch = z
  .object(
    Object.fromEntries(Object.entries(Settings.shape).map(([k, v]) => [k, v.unwrap().optional()])) as {
      [K in keyof SettingsShape]: z.ZodOptional<ReturnType<SettingsShape[K]['unwrap']>>
    },
  )
  .strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

export const settingsMethods = {
  'settings.get': method(z.object({}).strict(), Settings, 'All settings, defaults filled in.'),
  'settings.update': method(SettingsPatch, Settings, 'Change some settings; returns all of them.'),
}

export const settingsEvents = {
  'settings.changed': event(Settings, 'Settings changed (from any client).'),
}
