import type { WalletSummary } from '../../contract/wallet'

/**
 * The wallet a validator signs with when its settings name none: the user's unlocked wallet that
 * has the hotkey, or else the only wallet that has it. Undefined when there is no clear choice
 * (the validator then says it signs with a temporary hotkey, and why).
 */
export function defaultValidatorWallet(wallets: readonly WalletSummary[], hotkey: string): string | undefined {
  const withHotkey = wallets.filter((w) => w.hotkeys.some((h) => h.name === hotkey && h.address))
  const unlocked = withHotkey.filter((w) => w.unlockedUntil !== null)
  if (unlocked.length > 0) return unlocked[0]!.name
  return withHotkey.length === 1 ? withHotkey[0]!.name : undefined
}
