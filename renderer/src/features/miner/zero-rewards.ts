import type { MetagraphResult } from '../../../../native/contract'

/** Yuma consensus: a miner is paid only for weight that validators holding more than this share of stake agree on. */
export const KAPPA = 0.5

export interface ZeroRewardsFacts {
  readonly registered: boolean
  readonly incentive: number
  readonly nextEpochInBlocks: number
  readonly metagraph: Pick<MetagraphResult, 'neurons'> | null
  /** The hotkey of the user's own validator, when it has set weights on this subnet. */
  readonly ownValidatorHotkey: string | null
  /** On the practice network, whose demo validator weighs only the demo miners. */
  readonly practice?: boolean
}

/**
 * Why a registered miner earns nothing, in plain words, from what the chain shows; null when it
 * earns (or nothing can be said). Shown next to the numbers so that "0" is never unexplained.
 */
export function zeroRewardsReason(f: ZeroRewardsFacts): string | null {
  if (!f.registered) return 'This hotkey is not registered on the subnet: only registered hotkeys are paid.'
  if (f.incentive > 0) return null
  const when = `The chain pays once per epoch (next in ${f.nextEpochInBlocks} blocks).`
  const validators = f.metagraph?.neurons.filter((n) => n.validatorPermit) ?? []
  if (!f.metagraph) return `Nothing earned yet. ${when}`
  if (validators.length === 0) return `Nothing earned yet: no validator on this subnet has a validator permit, so no weights count. ${when}`
  const totalStake = validators.reduce((sum, n) => sum + n.stake, 0)
  const agreeing = validators.filter((n) => n.validatorTrust > 0).reduce((sum, n) => sum + n.stake, 0)
  const own = f.ownValidatorHotkey ? validators.find((n) => n.hotkey === f.ownValidatorHotkey) : undefined
  if (own && totalStake > 0 && own.stake / totalStake <= KAPPA && agreeing / totalStake <= KAPPA) {
    const share = Math.round((own.stake / totalStake) * 100)
    return `Nothing earned yet: your validator's weights are set, but it holds ${share}% of the validators' stake and no group above ${KAPPA * 100}% agrees (the consensus threshold, kappa). A miner is paid only for what validators with most of the stake agree on. Stake more on your validator's hotkey, or wait for other validators to score this miner. ${when}`
  }
  if (agreeing === 0) return `Nothing earned yet: no validator's weights have reached consensus (validators holding more than ${KAPPA * 100}% of the stake must agree). ${when}`
  const practice = f.practice && !f.ownValidatorHotkey ? " On the practice network the demo validator weighs only the demo miners it started with: run a validator of your own (Validator page) to score yours." : ''
  return `Nothing earned yet: the validators whose weights count have not given this miner any weight yet. ${when}${practice}`
}
