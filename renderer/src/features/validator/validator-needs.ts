import type { MetagraphResult, WalletSummary } from '../../../../native/contract'
import type { RouteId } from '../../app/routes'

/** A hotkey name for the validator's own key, created on request. */
export const VALIDATOR_HOTKEY = 'validator'

export type NeedAction =
  | { readonly kind: 'use-wallet'; readonly label: string; readonly wallet: string }
  | { readonly kind: 'new-hotkey'; readonly label: string; readonly wallet: string; readonly hotkey: string }
  | { readonly kind: 'use-hotkey'; readonly label: string; readonly hotkey: string }
  | { readonly kind: 'route'; readonly label: string; readonly route: RouteId }
  /** Opens the Wallet page's stake form filled in: this wallet's coldkey adds `alpha` (whole alpha) to the hotkey's stake. */
  | { readonly kind: 'stake'; readonly label: string; readonly wallet: string; readonly hotkey: string; readonly netuid: number; readonly alpha: number }

export interface ValidatorNeed {
  readonly id: 'wallet' | 'own-hotkey' | 'register' | 'permit' | 'stake' | 'miner-consensus'
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
  /** The subnet's epoch clock and the Yuma parameters the permit and consensus follow (kappa as the chain's u16). */
  readonly subnet: { readonly blocksUntilNextEpoch: number; readonly maxAllowedValidators: number; readonly kappa: number } | null
}

/** Stake the others add each epoch while the user waits (emission): aim this much above the bare majority. */
const MAJORITY_MARGIN = 1.1

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
  const others = f.metagraph.neurons.filter((n) => n.hotkey !== address && n.active).reduce((sum, n) => sum + n.stake, 0)
  const minerNeuron = f.minerHotkey ? f.metagraph.neurons.find((n) => n.hotkey === f.minerHotkey) : undefined
  // The user's own miner earns only from what validators holding more than kappa of the active stake
  // agree on (Yuma consensus, weighted median); while no other validator weighs it, that must be this one.
  const kappa = (f.subnet?.kappa ?? 32767) / 65535
  const majority = minerNeuron && minerNeuron.incentive === 0 ? Math.ceil((others * kappa * MAJORITY_MARGIN) / (1 - kappa)) : 0
  const target = Math.max(f.minerMinStake, majority)
  const missing = Math.ceil(Math.max(0, target - neuron.stake))
  const stakeAction = (label: string): NeedAction => ({ kind: 'stake', label, wallet: wallet.name, hotkey: address, netuid: f.config.netuid, alpha: missing })
  const more = `Stake ${formatStake(missing)} more`
  needs.push(permitNeed(f, neuron, stakeAction('Stake TAO')))
  const enough = neuron.stake >= f.minerMinStake
  needs.push({
    id: 'stake',
    ok: enough,
    text: enough
      ? `Stake ${formatStake(neuron.stake)}: miners accept its queries (they ask for ${formatStake(f.minerMinStake)}).`
      : `Miners answer only validators with at least ${formatStake(f.minerMinStake)} stake; this hotkey has ${formatStake(neuron.stake)}, so they refuse its queries ("Stake below minimum").`,
    action: enough ? null : stakeAction(more),
  })
  if (minerNeuron) {
    const decides = minerNeuron.incentive > 0 || neuron.stake > (others * kappa) / (1 - kappa)
    needs.push({
      id: 'miner-consensus',
      ok: decides,
      text: decides
        ? minerNeuron.incentive > 0
          ? `Your miner (uid ${minerNeuron.uid}) earns: validators holding most of the stake weigh it.`
          : `This validator holds most of the subnet's stake, so its weights on your miner (uid ${minerNeuron.uid}) count.`
        : `Your miner (uid ${minerNeuron.uid}) earns only from what validators holding more than ${Math.round(kappa * 100)} % of the subnet's stake agree on, and none weighs it yet. The others hold ${formatStake(others)}; with ${formatStake(target)} this validator's weights decide.`,
      action: decides || target <= neuron.stake ? null : stakeAction(more),
    })
  }
  return oneStakeButton(needs)
}

/** One stake covers every stake need: its button shows once, on the stake need when that is missing, else on the first. */
function oneStakeButton(needs: ValidatorNeed[]): ValidatorNeed[] {
  const staking = needs.filter((n) => n.action?.kind === 'stake')
  const keep = staking.find((n) => n.id === 'stake') ?? staking[0]
  return needs.map((n) => (n.action?.kind === 'stake' && n !== keep ? { ...n, action: null } : n))
}

/** The permit: held, on its way at the next epoch (the stake is among the top), or the stake that earns it. */
function permitNeed(f: ValidatorNeedsFacts, neuron: MetagraphResult['neurons'][number], stake: NeedAction): ValidatorNeed {
  if (neuron.validatorPermit) return { id: 'permit', ok: true, text: 'Holds a validator permit: its weights count.', action: null }
  const ahead = f.metagraph?.neurons.filter((n) => n.stake > neuron.stake).length ?? 0
  const inTop = neuron.stake > 0 && (f.subnet === null || ahead < f.subnet.maxAllowedValidators)
  if (!inTop)
    return {
      id: 'permit',
      ok: false,
      text: 'No validator permit yet: the chain gives permits each epoch to the registered hotkeys with the most stake. Stake TAO on this hotkey (the stake button), then wait for the next epoch.',
      action: stake,
    }
  const blocks = f.subnet?.blocksUntilNextEpoch
  const when = blocks === undefined ? 'at the next epoch' : blocks <= 1 ? 'at the next epoch, within a block or two' : `at the next epoch, in about ${blocks} blocks`
  return { id: 'permit', ok: false, text: `Permit ${when}: its stake is among the subnet's largest, and the chain hands out permits each epoch. Nothing to do but wait.`, action: null }
}

function formatStake(x: number): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: 2 })
}
