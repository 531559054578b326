import type { ChainService } from '../../chain'
import type { Logger } from '../../../platform/logging'
import { REFERENCE_BURN } from '../../../protocols/text-embedding/rewards'
import type { RewardsFeedFactory } from '../miner-service'
import { acquireChainClient } from '../runtime/chain-access'
import { ChainRewardsFeed } from './chain-feed'

export { assessRewards, pruningOrder } from './assess'
export { ChainRewardsFeed } from './chain-feed'

/**
 * The rewards feed on the network the miner was started on (the engine's selected network, or
 * another one through its own ChainClient), with the reference validators' burn rule (§2.5).
 */
export function createChainRewardsFeedFactory(deps: { readonly chain: ChainService; readonly log: Logger }): RewardsFeedFactory {
  return async ({ params, netuid, hotkey, onUpdate }) => {
    const lease = await acquireChainClient(deps.chain, params.network)
    const feed = new ChainRewardsFeed(lease.client, {
      network: lease.network,
      netuid,
      hotkey,
      burn: { hotkey: REFERENCE_BURN.hotkey, percentage: REFERENCE_BURN.percentage },
      onUpdate,
      log: deps.log,
    })
    return {
      start: () => feed.start(),
      async dispose() {
        feed.dispose()
        await lease.release()
      },
    }
  }
}
