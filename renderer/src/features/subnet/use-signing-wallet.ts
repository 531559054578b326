import { useEffect, useState } from 'react'
import type { NetworkId } from '../../../../native/contract'
import { useEngine, useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'

/**
 * The wallet and hotkey a chain action is signed with (the first of each until the user picks), whether
 * it is unlocked, and its coldkey's free balance on `network` (undefined while unknown or unreadable).
 */
export function useSigningWallet(network: NetworkId) {
  const engine = useEngine()
  const wallets = useEngineQuery('wallet.list', {})
  const [walletName, setWalletName] = useState<string | null>(null)
  const [hotkey, setHotkey] = useState<string | null>(null)
  const [balanceRao, setBalanceRao] = useState<string>()
  useEngineEvent('wallet.changed', () => wallets.reload())
  useEngineEvent('wallet.lockChanged', () => wallets.reload())

  const list = wallets.data?.wallets ?? []
  const wallet = list.find((w) => w.name === walletName)
  useEffect(() => {
    const first = wallets.data?.wallets[0]
    if (!walletName && first) setWalletName(first.name)
  }, [wallets.data, walletName])
  useEffect(() => {
    if (wallet && (!hotkey || !wallet.hotkeys.some((h) => h.name === hotkey))) setHotkey(wallet.hotkeys[0]?.name ?? null)
  }, [wallet, hotkey])

  const coldkey = wallet?.coldkey.address ?? null
  const refreshBalance = async (): Promise<void> => {
    if (!coldkey) return setBalanceRao(undefined)
    try {
      setBalanceRao((await engine.call('chain.balance', { address: coldkey })).freeRao)
    } catch {
      setBalanceRao(undefined)
    }
  }
  useEffect(() => {
    void refreshBalance()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [coldkey, network])

  /** Decrypts the coldkey in the engine for 15 minutes; throws what the engine said (a wrong password). */
  const unlock = async (password: string): Promise<void> => {
    if (!wallet) return
    await engine.call('wallet.unlock', { name: wallet.name, password, minutes: 15 })
    wallets.reload()
  }

  return {
    wallets: list,
    walletsError: wallets.error,
    walletName,
    setWalletName,
    wallet,
    hotkey,
    setHotkey,
    coldkey,
    unlocked: !!wallet && wallet.unlockedUntil !== null && wallet.unlockedUntil > Date.now(),
    unlock,
    balanceRao,
    setBalanceRao,
    refreshBalance,
  }
}
