import type { ApiPromise } from '@polkadot/api'
import { ChainClient, ChainError } from '../../bittensor/chain/chain-client'
import type { ConnectOptions } from '../../bittensor/chain/chain-client'
import { estimateFee } from '../../bittensor/chain/core/fees'
import type { Extrinsic } from '../../bittensor/chain/core/submit'
import { addStakeLimitCall, alphaPrice, removeStakeLimitCall, stakesOf } from '../../bittensor/chain/ops/stake'
import { transferCall } from '../../bittensor/chain/ops/transfer'
import type { TxStatus } from '../../bittensor/chain/types'
import type { WalletCall } from '../../contract'
import type { ExtrinsicOutcome, ExtrinsicUpdate, WalletChainPort, WalletChainSource } from './chain-port'

/**
 * The extrinsic of a wallet call, built by the Bittensor layer's stake and transfer operations.
 * Stake and unstake always go out with price protection (add/remove_stake_limit); the wallet
 * service fills in the limit price before a call gets here.
 */
export function extrinsicFor(api: ApiPromise, call: WalletCall): Extrinsic {
  if (call.kind === 'transfer') return transferCall(api, call.to, BigInt(call.amount))
  if (call.limitPrice === undefined) throw new ChainError('Client.Error', 'A stake or unstake needs its limit price before it is signed.')
  const build = call.kind === 'stake' ? addStakeLimitCall : removeStakeLimitCall
  return build(api, call.hotkey, call.netuid, BigInt(call.amount), BigInt(call.limitPrice), call.allowPartial ?? false)
}

function toUpdate(s: TxStatus): ExtrinsicUpdate | undefined {
  switch (s.stage) {
    case 'signing':
      return { stage: 'signing' }
    case 'submitted':
      return { stage: 'submitted', txHash: s.hash }
    case 'ready':
    case 'future':
      return { stage: 'ready' }
    case 'inBlock':
    case 'finalized':
      return { stage: s.stage, blockHash: s.blockHash }
  }
}

/** A WalletChainPort over a connected ChainClient. */
export function chainClientPort(client: ChainClient, network: string = client.network): WalletChainPort {
  return {
    info: { network, endpoint: client.endpoint },
    async freeBalance(address) {
      return (await client.balance(address)).toString()
    },
    stakes: (coldkey, hotkeys) => stakesOf(client.api, coldkey, hotkeys),
    alphaPrice: (netuid) => alphaPrice(client.api, netuid),
    estimateFee: (from, call) => estimateFee(client.api, from, extrinsicFor(client.api, call)),
    async submit(signer, call, onStatus): Promise<ExtrinsicOutcome> {
      try {
        const r = await client.submit(extrinsicFor(client.api, call), signer, (s) => {
          const u = toUpdate(s)
          if (u) onStatus(u)
        })
        return { ok: true, txHash: r.txHash, blockHash: r.blockHash, blockNumber: r.blockNumber }
      } catch (error) {
        if (error instanceof ChainError) return { ok: false, errorCode: error.code, error: error.message }
        throw error
      }
    },
  }
}

/**
 * A chain source that connects lazily to one network and keeps the connection (shared with
 * every other ChainClient user of the same endpoint) until disposed.
 */
export function chainClientSource(options: ConnectOptions): WalletChainSource {
  let client: Promise<ChainClient> | undefined
  return {
    async port() {
      if (!client) {
        client = ChainClient.connect(options)
        client.catch(() => (client = undefined))
      }
      return chainClientPort(await client, options.network)
    },
    async dispose() {
      const c = client
      client = undefined
      if (c) await (await c.catch(() => undefined))?.release()
    },
  }
}
