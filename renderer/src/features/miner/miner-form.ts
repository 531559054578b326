import type { MinerStatus, Settings, WalletSummary } from '../../../../native/contract'

export type MinerFormValues = Settings['minerForm']

/**
 * What the Start form shows: the last values the user started with (kept in settings), with the
 * wallet and hotkey corrected to ones that exist (the first wallet on a first start), so the
 * newcomer never types a wallet name.
 */
export function minerFormDefaults(saved: MinerFormValues, wallets: readonly WalletSummary[]): MinerFormValues {
  const wallet = wallets.find((w) => w.name === saved.wallet) ?? wallets[0]
  const hotkeys = wallet?.hotkeys.map((h) => h.name) ?? []
  const hotkey = hotkeys.includes(saved.hotkey) ? saved.hotkey : (hotkeys[0] ?? saved.hotkey)
  return { ...saved, wallet: wallet?.name ?? '', hotkey }
}

export interface AddressStatus {
  readonly color: 'green' | 'yellow' | 'red' | 'gray'
  /** One line that never contradicts itself: validators need the address on chain AND reachable. */
  readonly text: string
}

/** The miner's address as validators see it, from what is published on chain and the reachability test. */
export function addressStatus(s: Pick<MinerStatus, 'served' | 'reachability' | 'externalIp' | 'listen'>): AddressStatus {
  const address = s.served ? `${s.served.ip}:${s.served.port}` : s.listen ? `${s.externalIp ?? s.listen.host}:${s.listen.port}` : null
  if (!s.served) {
    return { color: 'yellow', text: `${address ? `Listening at ${address}, but n` : 'N'}ot published on chain yet: validators cannot find this miner until it is.` }
  }
  if (!s.reachability) return { color: 'gray', text: `Published on chain as ${address}; checking that validators can reach it…` }
  if (!s.reachability.reachable) return { color: 'red', text: `Published on chain as ${address}, but it does not answer there: validators cannot reach this miner.` }
  return { color: 'green', text: `Published on chain as ${address} and answering (${Math.round(s.reachability.latencyMs)} ms): validators can reach this miner.` }
}
