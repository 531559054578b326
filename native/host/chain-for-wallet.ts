import { EngineError } from '../contract'
import type { ChainService } from '../services/chain'
import { chainClientPort } from '../services/wallet'
import type { WalletChainPort, WalletChainSource } from '../services/wallet'

/**
 * The wallet's way to the chain. The wallet (balances, transfers, stake) needs the chain, and the
 * chain service (registration, reveals) needs the wallet's keys; the wallet is built first and
 * this source is pointed at the chain service once that exists.
 */
export class ChainForWallet implements WalletChainSource {
  private chain: ChainService | undefined

  use(chain: ChainService): void {
    this.chain = chain
  }

  async port(): Promise<WalletChainPort> {
    if (!this.chain) throw new EngineError('DISCONNECTED', 'The chain connection is still starting; try again in a moment.')
    return chainClientPort(await this.chain.client())
  }
}
