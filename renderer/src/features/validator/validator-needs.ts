import type { MetagraphResult, WalletSummary } from '../../../../native/contract'
import type { RouteId } from '../../app/routes'

/** A hotkey name for the validator's own key, created on request. */
export const VALIDATOR_HOTKEY = 'validator'

export type NeedAction =
  | { readonly kind: 'use-wallet'; readonly label: string; readonly wallet: string }
  | { readonly kind: 'new-hotkey'; readonly label: string; readonly wallet: string; readonly hotkey: string }
  | { readonly kind: 'use-hotkey'; readonly label: string; readonly hotkey: string }
  | { readonly kind: 'route'; readonly label: string; readonly route: RouteId }

export interface ValidatorNeed {
  readonly id: 'wallet' | 'own-hotkey' | 'register' | 'permit' | 'stake'
  readonly ok: boolean
  readonly text: string
  readonly action: NeedAction | null
}

export interface ValidatorNeedsFacts {
  readonly config: { readonly wallet: string; readonly hotkey: string; readonly netuid: number }
  readonly wallets: readonly WalletSummary[]
  /** The hotkey address the miner runs (or last started) with, if any. */
  readonly minerHotkey: string | null
  readonly metagraph: Pick<MetagraphResult, 'neurons'> | null
  /** The stake miners of this protocol ask of a caller before answering. */
  readonly minerMinStake: number
}

/**
 * What a validator needs before its weights count, each with the action that provides it:
 * a wallet, a hotkey of its own (not the miner's), registration, a permit, and the stake the
 * miners ask for. Shown before Start so that a refusal is never the first explanation.
 */
export function validatorNeeds(f: ValidatorNeedsFacts): ValidatorNeed[] {
  const wallet = f.wallets.find((w) => w.name === f.config.wallet)
  if (!wallet) {
    const first = f.wallets[0]
    return [
      {
        id: 'wallet',
        ok: false,
        text: 'The validator needs a wallet: its hotkey signs the queries to miners and the weights.',
        action: first ? { kind: 'use-wallet', label: `Use wallet "${first.name}"`, wallet: first.name } : { kind: 'route', label: 'Create a wallet', route: 'wallet' },
      },
    ]
  }
  const address = wallet.hotkeys.find((h) => h.name === f.config.hotkey)?.address ?? null
  const needs: ValidatorNeed[] = []
  const shared = address !== null && address === f.minerHotkey
  const other = wallet.hotkeys.find((h) => h.address && h.address !== f.minerHotkey)
  needs.push({
    id: 'own-hotkey',
    ok: address !== null && !shared,
    text: shared
      ? `Hotkey "${f.config.hotkey}" is your miner's. A validator needs a hotkey of its own: one hotkey cannot be scored by itself, and the miner would refuse or mix up the queries.`
      : address === null
        ? `Wallet "${wallet.name}" has no hotkey "${f.config.hotkey}".`
        : `Signs with its own hotkey "${f.config.hotkey}".`,
    action:
      address !== null && !shared
        ? null
        : other
          ? { kind: 'use-hotkey', label: `Use hotkey "${other.name}"`, hotkey: other.name }
          : { kind: 'new-hotkey', label: `Create hotkey "${VALIDATOR_HOTKEY}" for the validator`, wallet: wallet.name, hotkey: VALIDATOR_HOTKEY },
  })
  if (!address || shared) return needs
  const neuron = f.metagraph?.neurons.find((n) => n.hotkey === address)
  if (!f.metagraph) return needs
  needs.push({
    id: 'register',
    ok: !!neuron,
    text: neuron ? `Registered on subnet ${f.config.netuid} (uid ${neuron.uid}).` : `Hotkey "${f.config.hotkey}" is not registered on subnet ${f.config.netuid}: only registered validators can set weights.`,
    action: neuron ? null : { kind: 'route', label: 'Register it', route: 'subnet' },
  })
  if (!neuron) return needs
  needs.push({
    id: 'permit',
    ok: neuron.validatorPermit,
    text: neuron.validatorPermit
      ? 'Holds a validator permit: its weights count.'
      : 'No validator permit yet: the chain gives permits each epoch to the registered hotkeys with the most stake. Stake TAO on this hotkey, then wait for the next epoch.',
    action: neuron.validatorPermit ? null : { kind: 'route', label: 'Stake TAO', route: 'wallet' },
  })
  const enough = neuron.stake >= f.minerMinStake
  needs.push({
    id: 'stake',
    ok: enough,
    text: enough
      ? `Stake ${formatStake(neuron.stake)}: miners accept its queries (they ask for ${formatStake(f.minerMinStake)}).`
      : `Miners answer only validators with at least ${formatStake(f.minerMinStake)} stake; this hotkey has ${formatStake(neuron.stake)}, so they refuse its queries ("Stake below minimum").`,
    action: enough ? null : { kind: 'route', label: `Stake ${formatStake(f.minerMinStake - neuron.stake)} more`, route: 'wallet' },
  })
  return needs
}

function formatStake(x: number): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: 2 })
}
