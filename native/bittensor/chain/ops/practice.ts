/** RPCs only the practice network (devnet) answers. */
import type { ProviderInterface } from '@polkadot/rpc-provider/types'

/** Produces `count` blocks now. */
export async function produceBlocks(provider: ProviderInterface, count: number): Promise<string> {
  return (await provider.send('devnet_produceBlocks', [count])) as string
}

/** Credits `amountRao` to an address from the faucet. */
export async function faucet(provider: ProviderInterface, address: string, amountRao: bigint): Promise<string> {
  return (await provider.send('devnet_faucet', [address, amountRao.toString()])) as string
}
